// Minimal HTTP client for the emulator tests: raw paths (percent-encoding kept), short timeouts.
import * as http from 'node:http';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed body, or undefined if it is not JSON. */
  json: unknown;
  ms: number;
}

export interface CallOptions {
  token?: string;
  /** Raw Authorization header (overrides token). */
  authorization?: string;
  /** JSON-encoded unless a string. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function call(baseUrl: string, method: string, rawPath: string, opts: CallOptions = {}): Promise<Reply> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { 'User-Agent': 'emulator-tests/1.0', ...opts.headers };
  if (opts.authorization !== undefined) headers.Authorization = opts.authorization;
  else if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: rawPath, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 2000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Polls `check` (bounded) until it returns true; fails naming `what`. */
export async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Resolves with the error a call fails with (rejects if it succeeds). */
export async function callError(baseUrl: string, method: string, rawPath: string, opts: CallOptions = {}): Promise<Error> {
  try {
    const r = await call(baseUrl, method, rawPath, opts);
    throw Object.assign(new Error(`expected the call to fail, got HTTP ${r.status}`), { unexpected: true });
  } catch (e) {
    if ((e as { unexpected?: boolean }).unexpected) throw e;
    return e as Error;
  }
}

/** The JWT payload, decoded without verification. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface HtmlForm {
  method: string;
  action: string;
  fields: URLSearchParams;
}

/**
 * The first `<form>` of a page with its inputs (what a browser would submit), or undefined. The
 * action is resolved against the page's path, as a browser does.
 */
export function formOf(html: string, pagePath = '/'): HtmlForm | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attr = (tag: string, name: string): string | undefined => {
    const m = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
    return m ? unescapeHtml(m[1]) : undefined;
  };
  const fields = new URLSearchParams();
  for (const input of form[2].match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(input, 'name');
    if (name !== undefined) fields.append(name, attr(input, 'value') ?? '');
  }
  const action = new URL(attr(form[1], 'action') ?? '', `http://page${pagePath}`).pathname;
  return { method: (attr(form[1], 'method') ?? 'get').toUpperCase(), action, fields };
}

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Submits a page's form as a browser would ("clicks" its button); the reply is not followed. */
export function submitForm(baseUrl: string, form: HtmlForm): Promise<Reply> {
  const body = form.fields.toString();
  if (form.method === 'GET') return call(baseUrl, 'GET', `${form.action || '/'}?${body}`);
  return call(baseUrl, form.method, form.action || '/', {
    body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

/**
 * One emulator for a `describe`: started before its tests, reset after each, closed at the end.
 * `use` receives it (`useEmulator((e) => (emu = e))`).
 */
export function useEmulator(use: (emu: TursoEmulator) => void): void {
  let emu: TursoEmulator | undefined;
  before(async () => {
    emu = await startEmulator();
    use(emu);
  });
  after(async () => {
    await emu?.close();
  });
  afterEach(() => emu?.reset());
}

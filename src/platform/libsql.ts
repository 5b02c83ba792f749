/**
 * Asking a database itself (libSQL over HTTP, "hrana") whether a token opens it: `POST /v2/pipeline`
 * with `SELECT 1` and the token as the bearer. Only the database can say so: the Platform API keeps no
 * list of database tokens.
 *
 * Where a database is reached: `https://<Hostname>`, its own host — except when the API is a local
 * emulator (`turso.apiBaseUrl` is a loopback URL): then at the emulator's origin, the database chosen
 * by the `Host` header. A token is never sent anywhere else: a hostname that is not a plain DNS name
 * (a port, a path, credentials, an IP literal) gets no endpoint.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isLoopbackHost } from './client';

export interface LibsqlEndpoint {
  /** The pipeline URL the request goes to. */
  url: string;
  /** The `Host` header: the database's hostname (set only when `url` is the emulator's). */
  host?: string;
}

const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

/**
 * Where to ask the database at `hostname` (its `Hostname` as the API lists it), given the API's base
 * URL; undefined when `hostname` is not a plain DNS name.
 */
export function libsqlEndpoint(hostname: string, apiBaseUrl: string | undefined): LibsqlEndpoint | undefined {
  if (!DNS_NAME.test(hostname)) {
    return undefined;
  }
  const host = hostname.toLowerCase();
  if (apiBaseUrl) {
    let api: URL | undefined;
    try {
      api = new URL(apiBaseUrl);
    } catch {
      api = undefined;
    }
    if (api && (api.protocol === 'http:' || api.protocol === 'https:') && isLoopbackHost(api.hostname)) {
      return { url: `${api.origin}/v2/pipeline`, host };
    }
  }
  return { url: `https://${host}/v2/pipeline` };
}

/** What the database answered. */
export type LibsqlCheck =
  /** It ran `SELECT 1` with the token. */
  | { kind: 'opens' }
  /** It refused the token (401, 403). */
  | { kind: 'refused'; status: number }
  /** No answer about the token: offline, a timeout, another status. */
  | { kind: 'unreachable'; reason: string };

const PIPELINE = JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }, { type: 'close' }] });
const MAX_BODY = 64 * 1024;

/**
 * Runs `SELECT 1` at `endpoint` with `token` as the bearer. Never throws; the answer never holds the token.
 * `signal`: stops the request (its connection closed at once) and answers "unreachable: stopped".
 */
export function checkLibsqlToken(endpoint: LibsqlEndpoint, token: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LibsqlCheck> {
  const { timeoutMs = 15_000, signal } = options;
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ kind: 'unreachable', reason: STOPPED });
      return;
    }
    let url: URL;
    try {
      url = new URL(endpoint.url);
    } catch {
      resolve({ kind: 'unreachable', reason: 'not a URL' });
      return;
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(PIPELINE),
        ...(endpoint.host ? { host: endpoint.host } : {}),
      },
      timeout: timeoutMs,
    }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('end', () => resolve(verdict(status, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', (err) => resolve({ kind: 'unreachable', reason: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (err) => resolve({ kind: 'unreachable', reason: err.message }));
    const stop = (): void => {
      resolve({ kind: 'unreachable', reason: STOPPED });
      req.destroy();
    };
    signal?.addEventListener('abort', stop, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', stop));
    req.end(PIPELINE);
  });
}

/** The reason of a check stopped by its signal. */
export const STOPPED = 'stopped';

/** The check's answer from the status and the pipeline's first result. */
export function verdict(status: number, body: string): LibsqlCheck {
  if (status === 401 || status === 403) {
    return { kind: 'refused', status };
  }
  if (status !== 200) {
    return { kind: 'unreachable', reason: `HTTP ${status}` };
  }
  try {
    const parsed = JSON.parse(body) as { results?: { type?: string }[] };
    const first = parsed.results?.[0];
    if (first?.type === 'ok') {
      return { kind: 'opens' };
    }
    return { kind: 'unreachable', reason: first?.type === 'error' ? 'the statement failed' : 'an unexpected answer' };
  } catch {
    return { kind: 'unreachable', reason: 'an answer that is not JSON' };
  }
}

/**
 * The HTTP transport both API clients share (src/platform/client.ts for Turso, src/github/client.ts for
 * GitHub): one exchange with a time limit, the caller's cancellation and a cap on the body's size; the
 * body read and parsed; transport failures said as one of four kinds; and the attempt loop with its
 * request events. What is each API's own stays in its client: the headers, the retry policy, which
 * status means what, and the messages. node-fetch is required with the first request (esbuild.js
 * makes it dist/node-fetch.js), never when a client is built. No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import type { FetchError, RequestInit, Response } from 'node-fetch';
import { errorMessage } from './errors';

/** The one function of node-fetch the clients call (tests may pass their own). */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

let nodeFetchModule: typeof import('node-fetch') | undefined;
/** node-fetch, loaded with the first request rather than when the extension activates. */
function nodeFetch(): Fetch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  nodeFetchModule ??= require('node-fetch') as typeof import('node-fetch');
  return nodeFetchModule.default;
}

/** A fetch that loads node-fetch on its first call. */
export const lazyNodeFetch: Fetch = (url, init) => nodeFetch()(url, init);

/** node-fetch's own errors (network, size limit); checked by name so no request has to load it first. */
function isFetchError(err: unknown): err is FetchError {
  return err instanceof Error && err.name === 'FetchError';
}

/**
 * Whether `hostname` (as `URL.hostname` gives it, IPv4 already in dotted decimal) names this machine
 * over loopback: `localhost`, 127.0.0.0/8 or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Whether `base + path` still addresses `path` once parsed: no dot segment (a name of "." or "..")
 * removed a part of it, so the request cannot land on another resource.
 */
export function sameResource(base: string, path: string): boolean {
  try {
    const basePath = new URL(base).pathname.replace(/\/+$/, '');
    return new URL(base + path).pathname === basePath + path;
  } catch {
    return false;
  }
}

/** What bounds every exchange of a client: its time limit, its body cap, and the fetch it uses. */
export interface TransportLimits {
  timeoutMs: number;
  maxResponseBytes: number;
  fetchImpl: Fetch;
}

/** A client's limits from its options: 30 s, 4 MiB and node-fetch (loaded with the first request) unless given. */
export function transportLimits(options: Partial<TransportLimits>): TransportLimits {
  return {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
    fetchImpl: options.fetchImpl ?? lazyNodeFetch,
  };
}

export interface HttpExchange extends TransportLimits {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Sent as JSON, with `Content-Type: application/json`. */
  json?: unknown;
  /** `error`: a redirect fails the request; `manual`: it is answered as it is, never followed. */
  redirect: 'error' | 'manual';
  signal?: AbortSignal;
  /** Where the request went, for a network error's detail ("ECONNREFUSED at <where>"). */
  where: string;
}

export interface HttpAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
  /** The body as JSON (undefined when empty or not JSON). */
  body: unknown;
  /** The body was there and was not JSON. */
  notJson: boolean;
}

/** How an exchange failed before an answer was read: each client says it in its own error kinds. */
export type TransportFailureKind = 'timeout' | 'cancelled' | 'tooLarge' | 'network';

/** A failed exchange. `detail` may hold what came from elsewhere (a network error): redact it before keeping it. */
export class TransportFailure extends Error {
  constructor(readonly kind: TransportFailureKind, readonly detail: string) {
    super(detail || kind);
    this.name = 'TransportFailure';
  }
}

/**
 * One request and its whole body, within `timeoutMs`, stopped by `signal`, refused beyond
 * `maxResponseBytes`. Rejects with a `TransportFailure` only.
 */
export async function exchange(request: HttpExchange): Promise<HttpAnswer> {
  if (request.signal?.aborted) {
    throw new TransportFailure('cancelled', '');
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  const onAbort = (): void => controller.abort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const headers = { ...request.headers };
  const init: RequestInit = {
    method: request.method,
    headers,
    // node-fetch's AbortSignal type predates the DOM one Node ships; they are compatible at run time.
    signal: controller.signal as unknown as RequestInit['signal'],
    size: request.maxResponseBytes,
    redirect: request.redirect,
  };
  if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(request.json);
  }
  try {
    const response = await request.fetchImpl(request.url, init);
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name), text, ...parseJson(text) };
  } catch (err) {
    throw transportFailure(request, err, timedOut);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A 2xx answer's body as `parse` reads it. A body that is not JSON, or that `parse` refuses (when
 * `whyRefused` gives a reason for its error; otherwise the error is thrown as it is), is a bad response.
 */
export function successBody<T>(
  answer: HttpAnswer, parse: (body: unknown) => T, badResponse: (detail: string) => Error, whyRefused: (err: unknown) => string | undefined,
): T {
  if (answer.notJson) {
    throw badResponse(l10n.t('the body is not JSON'));
  }
  try {
    return parse(answer.body);
  } catch (err) {
    const why = whyRefused(err);
    throw why === undefined ? err : badResponse(why);
  }
}

function parseJson(text: string): { body: unknown; notJson: boolean } {
  if (text.length === 0) {
    return { body: undefined, notJson: false };
  }
  try {
    return { body: JSON.parse(text) as unknown, notJson: false };
  } catch {
    return { body: undefined, notJson: true };
  }
}

function transportFailure(request: HttpExchange, err: unknown, timedOut: boolean): TransportFailure {
  if (timedOut) {
    return new TransportFailure('timeout', l10n.t('no answer within {0} s', Math.round(request.timeoutMs / 1000)));
  }
  if (request.signal?.aborted) {
    return new TransportFailure('cancelled', '');
  }
  if (isFetchError(err)) {
    if (err.type === 'max-size') {
      return new TransportFailure('tooLarge', l10n.t('the response is larger than {0} bytes', request.maxResponseBytes));
    }
    const code = (err as { code?: string }).code;
    return new TransportFailure('network', code ? `${code} at ${request.where}` : err.message);
  }
  return new TransportFailure('network', errorMessage(err));
}

/** What a client reports about each exchange (for a log): never a credential or a value. */
export interface HttpRequestEvent<Kind extends string> {
  method: string;
  path: string;
  status?: number;
  errorKind?: Kind;
  durationMs: number;
  attempt: number;
}

/** A client's error, as the attempt loop reads it. */
export type AttemptError = Error & { kind: string; status?: number };

/** The kinds both clients' errors have for what is not an answer (a too large body is a bad response). */
export type TransportErrorKind = 'cancelled' | 'timeout' | 'badResponse' | 'network';

export interface Attempts<T, E extends AttemptError> {
  method: string;
  path: string;
  /** Total tries (1 = no retry). */
  attempts: number;
  run: () => Promise<T>;
  /** The client's own errors, passed on as they are. */
  isOwn: (err: unknown) => err is E;
  /** The client's error of that kind; `detail` is already redacted. */
  fail: (kind: TransportErrorKind, detail?: string) => E;
  /** Removes the client's secrets from text that came from elsewhere (a network error). */
  redact: (text: string) => string;
  /** How long to wait before the next try after `error`, or undefined to give up with it. */
  retryDelay: (error: E, attempt: number) => number | undefined;
  onRequest?: (event: HttpRequestEvent<E['kind']>) => void;
  signal?: AbortSignal;
}

/** Anything a try threw, as the client's error: its own as it is, a transport failure by its kind, anything else as `network`. */
function asClientError<E extends AttemptError>(o: Attempts<unknown, E>, err: unknown): E {
  if (o.isOwn(err)) return err;
  if (err instanceof TransportFailure) {
    return o.fail(err.kind === 'tooLarge' ? 'badResponse' : err.kind, err.detail ? o.redact(err.detail) : undefined);
  }
  return o.fail('network', o.redact(errorMessage(err)));
}

/** Runs `run` up to `attempts` times, reporting each try; a wait between tries ends with the caller's signal. */
export async function withAttempts<T, E extends AttemptError>(o: Attempts<T, E>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      const result = await o.run();
      o.onRequest?.({ method: o.method, path: o.path, status: 200, durationMs: Date.now() - started, attempt });
      return result;
    } catch (err) {
      const error = asClientError(o, err);
      o.onRequest?.({ method: o.method, path: o.path, status: error.status, errorKind: error.kind, durationMs: Date.now() - started, attempt });
      const wait = attempt < o.attempts ? o.retryDelay(error, attempt) : undefined;
      if (wait === undefined) {
        throw error;
      }
      await sleep(wait, o.signal, () => o.fail('cancelled'));
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, onCancel: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(onCancel());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = (): void => {
      clearTimeout(timer);
      reject(onCancel());
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * The listening half of the Turso CLI's browser sign-in (`turso auth login`): a
 * one-shot HTTP listener on both loopbacks, 127.0.0.1 and [::1], on one port, that waits for the
 * browser to come back with `/?jwt=<token>&state=<state>`. No `vscode` import: it runs (and is
 * tested) in plain Node.
 *
 * Both loopbacks, because Turso sends the browser to `http://localhost:<port>/` and a browser may try
 * `::1` first: were `[::1]:<port>` free, any local process could take it and receive the token.
 */
import * as l10n from '@vscode/l10n';
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** As long as the CLI waits. */
export const LOGIN_TIMEOUT_MS = 5 * 60 * 1000;

export type LoopbackLoginFailure = 'timeout' | 'cancelled';

/** The wait ended without a token. `reason` tells a timeout from a cancellation. */
export class LoopbackLoginError extends Error {
  constructor(readonly reason: LoopbackLoginFailure, message: string) {
    super(message);
    this.name = 'LoopbackLoginError';
  }
}

export interface LoopbackLoginOptions {
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Aborting stops the wait (the token rejects with reason 'cancelled') and closes the listener. */
  signal?: AbortSignal;
  /** The IPv6 loopback to listen on besides 127.0.0.1. Default `::1`; tests give an address this machine lacks. */
  ipv6Loopback?: string;
  /** Ports to try first (tests); then any free one. */
  ports?: number[];
  /** Default: 32 random hex characters (the CLI's `randString(32)`). */
  state?: string;
}

export interface LoopbackLogin {
  /** The port the listener took (free on both loopbacks). */
  readonly port: number;
  /**
   * Where it listens: `127.0.0.1:<port>` and `[::1]:<port>`, or 127.0.0.1 alone on a machine without an
   * IPv6 loopback (no process can take `[::1]:<port>` there either).
   */
  readonly addresses: readonly string[];
  readonly state: string;
  /**
   * The token the browser brought back. Rejects with a `LoopbackLoginError` on timeout or
   * cancellation. Whatever the outcome, the listener closes.
   */
  readonly token: Promise<string>;
  /** Resolves once the listener has stopped listening, after `token` settled. */
  readonly closed: Promise<void>;
  /** The authorization page to open, sending the browser back to `callbackPort` (default: `port`). */
  authorizeUrl(apiBaseUrl: string, callbackPort?: number): string;
  /** Stops waiting (the token rejects as cancelled unless it already settled) and closes the listener. */
  cancel(): void;
}

/** A fresh random `state`: 32 hex characters. */
export function randomState(): string {
  return crypto.randomBytes(16).toString('hex');
}

/**
 * `<apiBaseUrl>?port=<p>&redirect=true&state=<s>&type=cli`: the CLI's authorization URL, keys in the
 * order Go's `url.Values.Encode` writes them.
 */
export function buildAuthorizeUrl(apiBaseUrl: string, port: number, state: string): string {
  const url = new URL(apiBaseUrl);
  url.search = new URLSearchParams({ port: String(port), redirect: 'true', state, type: 'cli' }).toString();
  url.hash = '';
  return url.toString();
}

/** "5 minutes", "90 seconds", "50 ms": for the timeout message. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return minutes === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', minutes);
  }
  if (ms >= 1000) {
    const seconds = Math.round(ms / 1000);
    return seconds === 1 ? l10n.t('1 second') : l10n.t('{0} seconds', seconds);
  }
  return l10n.t('{0} ms', ms);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // The callback URL carries the token: no page it leads to may see it.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
};

function page(title: string, message: string): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<title>${title}</title>`
    + '<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:34rem;margin:15vh auto;padding:0 1.5rem;'
    + 'line-height:1.5;color:#1b1b1b;background:#fff}@media(prefers-color-scheme:dark){body{color:#e8e8e8;background:#1e1e1e}}'
    + 'h1{font-size:1.4rem;font-weight:600}</style></head>'
    + `<body><h1>${title}</h1><p>${message}</p></body></html>\n`;
}

// Functions, not constants: translated when served (after the extension has loaded its bundle).
export const successPage = (): string =>
  page(l10n.t('Signed in to Turso'), l10n.t('VS Code received your sign-in. You can close this tab and return to VS Code.'));
const mismatchPage = (): string => page(
  l10n.t('This sign-in does not match'),
  l10n.t("This sign-in link doesn't belong to the sign-in VS Code is waiting for, so it was ignored. Start Sign In again from VS Code."),
);
const missingTokenPage = (): string =>
  page(l10n.t('No sign-in received'), l10n.t('Turso sent the browser back without a sign-in token. Start Sign In again from VS Code.'));
const usedPage = (): string => page(l10n.t('Sign-in already finished'), l10n.t('VS Code already has this sign-in. You can close this tab.'));
const notFoundPage = (): string => page(l10n.t('Not found'), l10n.t('Nothing here.'));

/**
 * Starts the listener on a free port. The returned login resolves with the first `jwt` that comes
 * with the right `state` (a wrong or missing state answers 400 and keeps waiting), answers the
 * browser with a "you can close this tab" page, and closes the listener in every case.
 */
export function startLoopbackLogin(options: LoopbackLoginOptions = {}): Promise<LoopbackLogin> {
  const state = options.state ?? randomState();
  const timeoutMs = options.timeoutMs ?? LOGIN_TIMEOUT_MS;
  if (options.signal?.aborted) {
    return Promise.reject(new LoopbackLoginError('cancelled', l10n.t('Sign-in was cancelled.')));
  }

  let settled = false;
  let resolveToken!: (token: string) => void;
  let rejectToken!: (err: Error) => void;
  const token = new Promise<string>((resolve, reject) => {
    resolveToken = resolve;
    rejectToken = reject;
  });
  // Callers may only look at `closed`; an unobserved rejection must not become an unhandled one.
  token.catch(() => undefined);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (url.pathname !== '/') {
      send(404, notFoundPage());
      return;
    }
    if (settled) {
      send(410, usedPage(), { Connection: 'close' });
      return;
    }
    if (!sameSecret(url.searchParams.get('state') ?? '', state)) {
      send(400, mismatchPage());
      return;
    }
    const jwt = url.searchParams.get('jwt')?.trim();
    if (!jwt) {
      send(400, missingTokenPage());
      return;
    }
    settle(() => resolveToken(jwt));
    // The answer goes out first; the listener closes once it is sent (or the browser went away).
    res.once('close', shutdown);
    send(200, successPage(), { Connection: 'close' });
  };
  let servers: http.Server[] = [];

  let timer: NodeJS.Timeout | undefined;
  const fail = (err: LoopbackLoginError): void => {
    settle(() => rejectToken(err));
    shutdown();
  };
  const onAbort = (): void => fail(new LoopbackLoginError('cancelled', l10n.t('Sign-in was cancelled.')));

  function settle(outcome: () => void): void {
    if (settled) {
      return;
    }
    settled = true;
    outcome();
    if (timer) {
      clearTimeout(timer);
    }
    options.signal?.removeEventListener('abort', onAbort);
  }

  let shutDown = false;
  function shutdown(): void {
    if (shutDown) {
      return;
    }
    shutDown = true;
    void Promise.all(servers.map(closeServer)).then(() => resolveClosed());
  }

  return listenOnLoopbacks(handle, options).then((listening) => {
    servers = listening.servers;
    const { port, addresses } = listening;
    timer = setTimeout(
      () => fail(new LoopbackLoginError(
        'timeout',
        l10n.t('Sign-in with the browser timed out: nothing came back from the browser within {0}.', formatDuration(timeoutMs)),
      )),
      timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) {
      onAbort();
    }
    return {
      port,
      addresses,
      state,
      token,
      closed,
      authorizeUrl: (apiBaseUrl: string, callbackPort?: number) => buildAuthorizeUrl(apiBaseUrl, callbackPort ?? port, state),
      cancel: onAbort,
    };
  }, (err: unknown) => {
    settled = true;
    throw err;
  });
}

/** How many ports to try before giving up on finding one free on both loopbacks. */
const PORT_ATTEMPTS = 20;

/**
 * Listens on 127.0.0.1 on a free port, then on the IPv6 loopback on the same port. When another
 * process holds that port on the IPv6 loopback, both are given up and another port is tried; only a
 * machine without an IPv6 loopback (EADDRNOTAVAIL) is served on 127.0.0.1 alone.
 */
async function listenOnLoopbacks(
  handle: http.RequestListener,
  options: LoopbackLoginOptions,
): Promise<{ servers: http.Server[]; port: number; addresses: string[] }> {
  const ipv6 = options.ipv6Loopback ?? '::1';
  const wanted = [...(options.ports ?? [])];
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const asked = wanted.shift() ?? 0;
    const v4 = http.createServer(handle);
    try {
      await listen(v4, asked, '127.0.0.1');
    } catch (err) {
      if (asked !== 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        continue;
      }
      throw err;
    }
    const port = (v4.address() as AddressInfo).port;
    const v6 = http.createServer(handle);
    try {
      await listen(v6, port, ipv6);
      return { servers: [v4, v6], port, addresses: [`127.0.0.1:${port}`, `[${ipv6}]:${port}`] };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
        return { servers: [v4], port, addresses: [`127.0.0.1:${port}`] };
      }
      await closeServer(v4);
      if (code !== 'EADDRINUSE') {
        throw err;
      }
    }
  }
  throw new Error(l10n.t('No port was free on both 127.0.0.1 and [{0}] after {1} tries.', ipv6, PORT_ATTEMPTS));
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: true }, () => {
      server.off('error', reject);
      // Later errors (a reset connection) concern one request, not the listener.
      server.on('error', () => undefined);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // Keep-alive sockets (browsers keep them) would otherwise hold the listener open.
    server.closeIdleConnections();
    setImmediate(() => server.closeAllConnections());
  });
}

/** Where the extension host runs relative to the browser that will open the authorization page. */
export interface CallbackEnvironment {
  /** `vscode.env.remoteName`: undefined in a local window. */
  remoteName?: string;
  /** The workbench runs in a browser (`vscode.env.uiKind === UIKind.Web`), e.g. code-server. */
  webUi: boolean;
}

/**
 * How the browser can reach the listener, decided before anything starts:
 * - `direct`: the browser runs on the extension host's machine (a local window, or a web UI served
 *   from this machine, like code-server at 127.0.0.1:8080): `http://localhost:<port>` reaches it.
 * - `forwarded`: a desktop window on a remote host (SSH, WSL, containers): `asExternalUri` forwards a
 *   local port to the listener; Turso sends the browser to `http://localhost:<forwarded port>`.
 * - `unavailable`: a web UI served from another machine. `asExternalUri` gives a proxy URL there
 *   (`https://host/proxy/<port>/`), and Turso only ever redirects to `http://localhost:<port>/`.
 */
export type CallbackPlan = { kind: 'direct' } | { kind: 'forwarded' } | { kind: 'unavailable'; reason: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function planCallback(env: CallbackEnvironment): CallbackPlan {
  if (!env.remoteName) {
    return { kind: 'direct' };
  }
  if (!env.webUi) {
    return { kind: 'forwarded' };
  }
  if (LOOPBACK_HOSTS.has(remoteHost(env.remoteName))) {
    return { kind: 'direct' };
  }
  return {
    kind: 'unavailable',
    reason: l10n.t("Turso sends the browser back to http://localhost, and this window's extension host runs on another machine ({0})", env.remoteName),
  };
}

/** "127.0.0.1:8080" → "127.0.0.1", "[::1]:8080" → "[::1]", "ssh-remote" → "ssh-remote". */
function remoteHost(remoteName: string): string {
  const text = remoteName.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? text.slice(0, end + 1) : text;
  }
  const colon = text.lastIndexOf(':');
  return colon > 0 && text.indexOf(':') === colon ? text.slice(0, colon) : text;
}

/**
 * The port Turso must send the browser back to, given what `asExternalUri` made of
 * `http://localhost:<port>/`: only a plain `http://localhost:<p>/` (or 127.0.0.1) can receive
 * Turso's redirect; a proxy URL with a path or another host cannot.
 */
export function callbackPortFromExternalUri(externalUri: string): number | undefined {
  let url: URL;
  try {
    url = new URL(externalUri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || (url.pathname !== '/' && url.pathname !== '')) {
    return undefined;
  }
  const port = Number(url.port || '80');
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

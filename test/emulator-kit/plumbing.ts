// What both local API emulators (test/emulator: Turso; test/github-emulator: GitHub) share around their
// routes: the HTTP server and its address, per-request latency, the injected faults (each matched by
// the emulator's own rule and used up after `times`), connections held open for a 'timeout' fault,
// timers that end with the emulator, a bounded request body and a clean close.
import * as http from 'node:http';
import type { Socket } from 'node:net';

export interface PlumbingOptions {
  host?: string /* default 127.0.0.1 */;
  port?: number /* default 0 = a free port */;
  latencyMs?: number /* per request, default 0 */;
}

export interface ActiveFault<F> {
  fault: F;
  /** Infinity when unlimited. */
  remaining: number;
}

export class EmulatorPlumbing<F extends { times?: number }> {
  /** `http://<host>:<port>` once listening. */
  url = '';
  /** Set by close(): a request still waiting (latency, a delay fault) then sends nothing. */
  closed = false;
  latencyMs: number;
  private faults: ActiveFault<F>[] = [];
  private readonly server: http.Server;
  private readonly held = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /**
   * @param handle answers a request; when it throws, `internalError` gets the error's message and
   *   answers on `res` (undefined when an answer was already sent).
   */
  constructor(
    private readonly opts: PlumbingOptions,
    handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
    internalError: (message: string, res: http.ServerResponse | undefined) => void,
  ) {
    this.latencyMs = Math.max(0, opts.latencyMs ?? 0);
    this.server = http.createServer((req, res) => {
      handle(req, res).catch((e: unknown) => {
        internalError(e instanceof Error ? e.message : String(e), !res.headersSent && !res.destroyed ? res : undefined);
      });
    });
  }

  listen(): Promise<void> {
    const host = this.opts.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : this.opts.port ?? 0;
        this.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
        resolve();
      });
    });
  }

  /** Adds a fault (already validated by the emulator). */
  addFault(fault: F): void {
    this.faults.push({ fault, remaining: fault.times ?? Infinity });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The faults not used up yet, with how many uses each has left. */
  activeFaults(): readonly ActiveFault<F>[] {
    return this.faults;
  }

  /** The first fault `matches` accepts, one of its uses taken (removed when none is left). */
  takeFault(matches: (fault: F) => boolean): F | undefined {
    const i = this.faults.findIndex(({ fault }) => matches(fault));
    if (i < 0) return undefined;
    const active = this.faults[i];
    active.remaining -= 1;
    if (active.remaining <= 0) this.faults.splice(i, 1);
    return active.fault;
  }

  setLatency(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError('latency must be a number >= 0');
    this.latencyMs = ms;
  }

  /** No faults, no latency. */
  reset(): void {
    this.faults = [];
    this.latencyMs = 0;
  }

  /** Waits `ms`; close() cuts the wait short (check `closed` after it). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  /** A 'timeout' fault: the connection stays open, unanswered, until the client gives up or the emulator closes. */
  hold(socket: Socket, onClose?: () => void): void {
    this.held.add(socket);
    socket.once('close', () => {
      this.held.delete(socket);
      onClose?.();
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.held) s.destroy();
    this.held.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** A request's path as sent (percent-encoding kept) and its query string (without `?`). */
export function splitUrl(rawUrl: string | undefined): { rawPath: string; query: string } {
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  return { rawPath: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1) };
}

/** A request's body as text, at most `maxBytes` of it kept; `tooLarge` when there was more. */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) chunks.push(c);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > maxBytes }));
    req.on('error', reject);
  });
}

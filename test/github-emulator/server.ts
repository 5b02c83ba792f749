// A local emulator of GitHub's REST API, the Actions secrets part (public keys, secrets stored sealed,
// environments), with GitHub's status codes, fault injection, latency and a request log that never
// holds a token or a value. Served at the root (as api.github.com) and under /api/v3 (as GitHub
// Enterprise Server), so a client can use `http://127.0.0.1:<port>/api/v3`. See README.md.
import * as http from 'node:http';
import { EmulatorPlumbing, readBody, splitUrl } from '../emulator-kit/plumbing';
import { GitHubStore, type Repository, type Role, type RepositorySpec, type SecretScope, sodiumReady, validSecretName } from './store';

export interface GitHubEmulatorOptions {
  host?: string /* default 127.0.0.1 */;
  port?: number /* default 0 = a free port */;
  latencyMs?: number;
  log?: (line: string) => void /* never given a token or a value */;
}

export type GitHubFaultKind = 'status' | 'rateLimit' | 'secondaryRateLimit' | 'timeout' | 'malformed' | 'reset' | 'delay' | 'redirect';
export interface GitHubFault {
  method?: string;
  /** Exact path without the /api/v3 prefix (`/repos/o/r/actions/secrets`), or a prefix ending in `*`; default any. */
  path?: string;
  kind: GitHubFaultKind;
  /** 'status': the status (default 500) and `message`. */
  status?: number;
  message?: string;
  /** 'rateLimit': X-RateLimit-Reset this many seconds from now (default 60). */
  resetInSeconds?: number;
  /** 'secondaryRateLimit': Retry-After (default 30). */
  retryAfterSeconds?: number;
  /** 'delay': milliseconds before the normal answer (default 1000). */
  delayMs?: number;
  times?: number;
}

export interface GitHubRecordedRequest {
  method: string;
  /** The raw path, /api/v3 included when sent so. */
  path: string;
  query: string;
  /** Whose valid token it was (never the token). */
  login?: string;
  userAgent?: string;
  apiVersion?: string;
  accept?: string;
  /** A write's body without its value: the key id and the sealed value's size in bytes. */
  body?: { key_id?: unknown; encryptedBytes?: number };
  status: number;
  at: number;
  ms: number;
}

export interface GitHubEmulator {
  /** `http://127.0.0.1:<port>` (api.github.com form). */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/v3` (GitHub Enterprise Server form). */
  readonly enterpriseApiBase: string;
  readonly store: GitHubStore;
  readonly requests: GitHubRecordedRequest[];
  /** Seeded users' tokens: admin of every seed repository, read-only on octo-org/app and octo-org/site, no access. */
  readonly adminToken: string;
  readonly readerToken: string;
  readonly strangerToken: string;
  addRepository(spec: RepositorySpec): void;
  addEnvironment(fullName: string, name: string): void;
  removeEnvironment(fullName: string, name: string): void;
  removeRepository(fullName: string): void;
  setRole(fullName: string, login: string, role: Role | null): void;
  setActionsEnabled(fullName: string, enabled: boolean): void;
  rotateKey(fullName: string, environment?: string): void;
  seedSecret(fullName: string, environment: string | undefined, name: string, value: string): void;
  /** A secret's value, opened with the private key (undefined when absent). */
  openSecret(fullName: string, environment: string | undefined, name: string): string | undefined;
  secretNames(fullName: string, environment?: string): string[];
  injectFault(fault: GitHubFault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Seed repositories with new keys and no secrets; faults, latency and the log cleared. Tokens stay. */
  reset(): void;
  close(): Promise<void>;
}

const FAULT_KINDS: readonly GitHubFaultKind[] = ['status', 'rateLimit', 'secondaryRateLimit', 'timeout', 'malformed', 'reset', 'delay', 'redirect'];
const ENTERPRISE_PREFIX = '/api/v3';
const ADMIN_PREFIX = '/__emulator';
const MAX_BODY_BYTES = 256 * 1024;
const DOCS = 'https://docs.github.com/rest/actions/secrets';

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const notFound = (): Answer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS } });
const message = (status: number, text: string, headers?: Record<string, string>): Answer => ({ status, body: { message: text, documentation_url: DOCS }, headers });

function validateFault(input: unknown): GitHubFault {
  if (typeof input !== 'object' || input === null) throw new TypeError('fault must be an object');
  const f = input as GitHubFault;
  if (!FAULT_KINDS.includes(f.kind)) throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) throw new TypeError('fault.path must start with "/"');
  if (f.times !== undefined && (!Number.isInteger(f.times) || f.times < 1)) throw new TypeError('fault.times must be an integer >= 1');
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 100 || f.status > 599)) throw new TypeError('fault.status must be an HTTP status');
  return { ...f, method: f.method?.toUpperCase() };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** per_page (default 30, at most 100) and page (default 1) as GitHub reads them, and the Link header. */
function paginate<T>(items: T[], query: URLSearchParams, path: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page')) || 30));
  const page = Math.max(1, Number(query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  if (page < last) links.push(`<${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`, `<${path}?per_page=${perPage}&page=${last}>; rel="last"`);
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { Link: links.join(', ') } : {} };
}

class Emulator implements GitHubEmulator {
  readonly store = new GitHubStore();
  readonly requests: GitHubRecordedRequest[] = [];
  private readonly plumbing: EmulatorPlumbing<GitHubFault>;
  private readonly log: (line: string) => void;

  constructor(opts: GitHubEmulatorOptions) {
    this.log = opts.log ?? (() => undefined);
    this.plumbing = new EmulatorPlumbing(opts, (req, res) => this.onRequest(req, res), (text, res) => {
      this.log(`github emulator error: ${text}`);
      if (res) this.send(res, { status: 500, body: { message: 'internal emulator error' } });
    });
  }

  get url(): string {
    return this.plumbing.url;
  }

  get enterpriseApiBase(): string {
    return `${this.url}${ENTERPRISE_PREFIX}`;
  }

  get adminToken(): string {
    return this.store.tokenFor('octo-admin');
  }

  get readerToken(): string {
    return this.store.tokenFor('octo-reader');
  }

  get strangerToken(): string {
    return this.store.tokenFor('octo-stranger');
  }

  listen(): Promise<void> {
    return this.plumbing.listen();
  }

  addRepository(spec: RepositorySpec): void { this.store.addRepository(spec); }
  addEnvironment(fullName: string, name: string): void { this.store.addEnvironment(fullName, name); }
  removeEnvironment(fullName: string, name: string): void { this.store.removeEnvironment(fullName, name); }
  removeRepository(fullName: string): void { this.store.removeRepository(fullName); }
  setRole(fullName: string, login: string, role: Role | null): void { this.store.setRole(fullName, login, role); }
  setActionsEnabled(fullName: string, enabled: boolean): void { this.store.setActionsEnabled(fullName, enabled); }
  rotateKey(fullName: string, environment?: string): void { this.store.rotateKey(fullName, environment); }
  seedSecret(fullName: string, environment: string | undefined, name: string, value: string): void { this.store.seedSecret(fullName, environment, name, value); }
  openSecret(fullName: string, environment: string | undefined, name: string): string | undefined { return this.store.openSecret(fullName, environment, name); }
  secretNames(fullName: string, environment?: string): string[] { return this.store.secretNames(fullName, environment); }

  injectFault(fault: GitHubFault): void {
    this.plumbing.addFault(validateFault(fault));
  }

  clearFaults(): void {
    this.plumbing.clearFaults();
  }

  setLatency(ms: number): void {
    this.plumbing.setLatency(ms);
  }

  reset(): void {
    this.store.reset();
    this.plumbing.reset();
    this.requests.length = 0;
  }

  close(): Promise<void> {
    return this.plumbing.close();
  }

  private send(res: http.ServerResponse, answer: Answer): void {
    if (res.destroyed || res.headersSent) return;
    const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(answer.body));
    const headers: Record<string, string> = { 'X-GitHub-Media-Type': 'github.v3; format=json', ...answer.headers };
    if (body.length > 0) headers['Content-Type'] = 'application/json; charset=utf-8';
    res.writeHead(answer.status, { ...headers, 'Content-Length': String(body.length) });
    res.end(body);
  }

  private takeFault(method: string, path: string): GitHubFault | undefined {
    return this.plumbing.takeFault((fault) => (!fault.method || fault.method === method)
      && (fault.path === undefined || (fault.path.endsWith('*') ? path.startsWith(fault.path.slice(0, -1)) : fault.path === path)));
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const { rawPath, query } = splitUrl(req.url);
    const { text, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`)) {
      this.send(res, this.onAdmin(method, rawPath.slice(ADMIN_PREFIX.length), new URLSearchParams(query), text));
      return;
    }
    const path = rawPath === ENTERPRISE_PREFIX || rawPath.startsWith(`${ENTERPRISE_PREFIX}/`) ? rawPath.slice(ENTERPRISE_PREFIX.length) || '/' : rawPath;
    await this.plumbing.sleep(this.plumbing.latencyMs);
    if (this.plumbing.closed) return;
    const login = this.store.authenticate(req.headers.authorization);
    const rec: GitHubRecordedRequest = { method, path: rawPath, query, status: 0, at, ms: 0 };
    if (login) rec.login = login;
    if (req.headers['user-agent']) rec.userAgent = req.headers['user-agent'];
    if (typeof req.headers['x-github-api-version'] === 'string') rec.apiVersion = req.headers['x-github-api-version'];
    if (req.headers.accept) rec.accept = req.headers.accept;
    const body = parseJson(text);
    if (text) rec.body = summarizeBody(body);
    const finish = (status: number, note = ''): void => {
      rec.status = status;
      rec.ms = Date.now() - at;
      this.requests.push(rec);
      this.log(`${method} ${rawPath} ${status || '-'}${note} ${rec.ms}ms`);
    };
    const fault = this.takeFault(method, path);
    if (fault) {
      const done = await this.answerFault(req, res, fault, finish);
      if (done || this.plumbing.closed) return;
    }
    const answer = tooLarge ? message(413, 'Payload too large') : this.route(method, path, new URLSearchParams(query), login, body);
    this.send(res, answer);
    finish(answer.status, fault ? ` [fault: ${fault.kind}]` : '');
  }

  /** Answers a fault; false when the normal answer follows (a delay). */
  private async answerFault(req: http.IncomingMessage, res: http.ServerResponse, fault: GitHubFault, finish: (status: number, note?: string) => void): Promise<boolean> {
    const note = ` [fault: ${fault.kind}]`;
    const reply = (answer: Answer): true => {
      this.send(res, answer);
      finish(answer.status, note);
      return true;
    };
    switch (fault.kind) {
      case 'status': {
        const status = fault.status ?? 500;
        return reply(message(status, fault.message ?? http.STATUS_CODES[status] ?? 'error'));
      }
      case 'rateLimit': {
        const reset = Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 60);
        return reply(message(403, 'API rate limit exceeded for user ID 1.', {
          'X-RateLimit-Limit': '5000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset), 'X-RateLimit-Used': '5000',
        }));
      }
      case 'secondaryRateLimit':
        return reply(message(429, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', {
          'Retry-After': String(fault.retryAfterSeconds ?? 30),
        }));
      case 'redirect':
        return reply(message(301, 'Moved Permanently', { Location: `${this.url}/repositories/1` }));
      case 'malformed':
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"key_id":"1","key":');
        }
        finish(200, note);
        return true;
      case 'timeout': {
        this.plumbing.hold(req.socket);
        finish(0, note);
        return true;
      }
      case 'reset':
        req.socket.resetAndDestroy();
        finish(0, note);
        return true;
      case 'delay':
        await this.plumbing.sleep(fault.delayMs ?? 1000);
        return false;
    }
  }

  /** The REST routes (path without /api/v3). */
  private route(method: string, path: string, query: URLSearchParams, login: string | undefined, body: unknown): Answer {
    const parts = path.split('/').slice(1).map(decode);
    if (parts.some((p) => p === undefined)) return notFound();
    const seg = parts as string[];
    if (!login) return message(401, 'Bad credentials');
    if (seg.length === 1 && seg[0] === 'user' && method === 'GET') return { status: 200, body: { login, id: 1, type: 'User' } };
    if (seg[0] !== 'repos' || seg.length < 4) return notFound();
    const repo = this.store.repository(`${seg[1]}/${seg[2]}`);
    const role = repo?.access.get(login);
    if (!repo || !role) return notFound();
    const rest = seg.slice(3);
    if (rest[0] === 'environments' && rest.length === 1) {
      if (method !== 'GET') return notFound();
      const envs = [...repo.environments.values()].map((e) => ({ id: e.id, name: e.name, url: '', html_url: '', created_at: '2026-01-01T00:00:00Z' }));
      const { page, headers } = paginate(envs, query, path);
      return { status: 200, body: { total_count: envs.length, environments: page }, headers };
    }
    let scope: SecretScope;
    let tail: string[];
    if (rest[0] === 'actions' && rest[1] === 'secrets') {
      scope = repo;
      tail = rest.slice(2);
    } else if (rest[0] === 'environments' && rest[2] === 'secrets') {
      const env = repo.environments.get(rest[1].toLowerCase());
      if (!env) return notFound();
      scope = env;
      tail = rest.slice(3);
    } else {
      return notFound();
    }
    return this.secrets(method, path, query, repo, role, scope, tail, body);
  }

  private secrets(method: string, path: string, query: URLSearchParams, repo: Repository, role: Role, scope: SecretScope, tail: string[], body: unknown): Answer {
    if (tail.length > 1) return notFound();
    if (!repo.actionsEnabled) return message(403, 'Actions has been disabled for this repository.');
    if (role !== 'admin') return message(403, 'Must have admin rights to Repository.');
    if (tail.length === 0) {
      if (method !== 'GET') return notFound();
      const secrets = [...scope.secrets.values()].sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => ({ name: s.name, created_at: s.createdAt, updated_at: s.updatedAt }));
      const { page, headers } = paginate(secrets, query, path);
      return { status: 200, body: { total_count: secrets.length, secrets: page }, headers };
    }
    const name = tail[0];
    if (name === 'public-key' && method === 'GET') {
      return { status: 200, body: { key_id: scope.key.keyId, key: Buffer.from(scope.key.publicKey).toString('base64') } };
    }
    if (method === 'GET') {
      const s = scope.secrets.get(name.toUpperCase());
      return s ? { status: 200, body: { name: s.name, created_at: s.createdAt, updated_at: s.updatedAt } } : notFound();
    }
    if (method !== 'PUT') return notFound();
    if (!validSecretName(name)) {
      return message(422, 'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_). Secret names cannot start with a number or GITHUB_.');
    }
    const b = body as { encrypted_value?: unknown; key_id?: unknown } | undefined;
    if (typeof b !== 'object' || b === null || typeof b.encrypted_value !== 'string' || typeof b.key_id !== 'string'
      || !/^[A-Za-z0-9+/]+={0,2}$/.test(b.encrypted_value)) {
      return message(422, 'Invalid request.\n\nencrypted_value and key_id are required.');
    }
    const out = this.store.putSealed(scope, name, b.key_id, new Uint8Array(Buffer.from(b.encrypted_value, 'base64')));
    if (out === 'badKey') return message(422, 'Invalid request.\n\nkey_id does not match the current public key.');
    if (out === 'undecryptable') return message(422, 'Invalid request.\n\nencrypted_value could not be decrypted.');
    return { status: out === 'created' ? 201 : 204, body: out === 'created' ? {} : undefined };
  }

  /** Controls over HTTP for tests in another process (no auth, never recorded, no latency or faults). */
  private onAdmin(method: string, path: string, query: URLSearchParams, text: string): Answer {
    try {
      const body = (parseJson(text) ?? {}) as Record<string, unknown>;
      const ok: Answer = { status: 200, body: { ok: true } };
      const env = typeof body.environment === 'string' ? body.environment : undefined;
      switch (`${method} ${path}`) {
        case 'GET /info':
          return { status: 200, body: { url: this.url, enterpriseApiBase: this.enterpriseApiBase, adminToken: this.adminToken, readerToken: this.readerToken, strangerToken: this.strangerToken } };
        case 'POST /faults': this.injectFault(body as unknown as GitHubFault); return ok;
        case 'DELETE /faults': this.clearFaults(); return ok;
        case 'POST /latency': this.setLatency(Number(body.ms)); return ok;
        case 'POST /reset': this.reset(); return ok;
        case 'GET /requests': return { status: 200, body: this.requests };
        case 'DELETE /requests': this.requests.length = 0; return ok;
        case 'POST /repository': this.addRepository(body as unknown as RepositorySpec); return ok;
        case 'POST /environment': this.addEnvironment(String(body.repository), String(body.environment)); return ok;
        case 'DELETE /environment': this.removeEnvironment(String(body.repository), String(body.environment)); return ok;
        case 'POST /role': this.setRole(String(body.repository), String(body.login), (body.role ?? null) as Role | null); return ok;
        case 'POST /rotate-key': this.rotateKey(String(body.repository), env); return ok;
        case 'POST /secret': this.seedSecret(String(body.repository), env, String(body.name), String(body.value)); return ok;
        case 'GET /secret': {
          const value = this.openSecret(String(query.get('repository')), query.get('environment') ?? undefined, String(query.get('name')));
          return value === undefined ? { status: 404, body: { error: 'no such secret' } } : { status: 200, body: { value } };
        }
        default:
          return { status: 404, body: { error: 'unknown emulator control' } };
      }
    } catch (e) {
      return { status: 400, body: { error: e instanceof Error ? e.message : String(e) } };
    }
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What the log keeps of a body: the key id and the sealed value's size, never the value. */
function summarizeBody(body: unknown): GitHubRecordedRequest['body'] {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { key_id?: unknown; encrypted_value?: unknown };
  return {
    key_id: b.key_id,
    encryptedBytes: typeof b.encrypted_value === 'string' ? Buffer.from(b.encrypted_value, 'base64').length : undefined,
  };
}

/** Starts an emulator on a free port of 127.0.0.1 (libsodium made ready first). */
export async function startGitHubEmulator(opts: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  await sodiumReady();
  const emulator = new Emulator(opts);
  await emulator.listen();
  return emulator;
}

/**
 * A small typed client for the parts of the Turso Platform API this extension uses.
 * No `vscode` import: it runs (and is tested) in plain Node against the emulator.
 */
import * as l10n from '@vscode/l10n';
import type { FetchError, RequestInit, Response } from 'node-fetch';
import { TursoApiError, errorKindForStatus, redactSecrets, type TursoErrorKind } from './errors';
import {
  ShapeError,
  parseCreatedToken,
  parseDatabaseJwt,
  parseDatabases,
  parseGroups,
  parseInvalidation,
  parseMember,
  parseOrganizationTokenList,
  parseOrganizations,
  parseRevoked,
  parseRevokedId,
  parseRotated,
  parseTokenList,
  parseUser,
  parseValidation,
} from './shapes';
import type {
  ApiToken, ApiTokenRestriction, CreatedApiToken, Group, Organization, OrganizationApiToken, OrganizationMember, SessionInvalidation,
  TokenValidation, TursoUser,
} from './types';
import type { Database, DatabaseTokenRequest, DatabaseTokenTarget } from './databases';
import { displayName } from '../util/text';
import { errorMessage } from '../util/errors';

/** The one function of node-fetch the client calls (tests may pass their own). */
type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

let nodeFetchModule: typeof import('node-fetch') | undefined;
/** node-fetch, loaded with the first request rather than when the extension activates. */
function nodeFetch(): Fetch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  nodeFetchModule ??= require('node-fetch') as typeof import('node-fetch');
  return nodeFetchModule.default;
}

/** node-fetch's own errors (network, size limit); checked by name so no request has to load it first. */
function isFetchError(err: unknown): err is FetchError {
  return err instanceof Error && err.name === 'FetchError';
}

export const DEFAULT_API_BASE_URL = 'https://api.turso.tech';

export interface RetryPolicy {
  /** Total tries for an idempotent request (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  /** The longest single wait, including one asked for by Retry-After; a longer Retry-After is not waited for. */
  maxDelayMs: number;
}

/** What the client reports about each HTTP exchange (for an output channel); never a credential. */
export interface RequestEvent {
  method: string;
  path: string;
  status?: number;
  errorKind?: TursoErrorKind;
  durationMs: number;
  attempt: number;
}

export interface TursoClientOptions {
  baseUrl?: string;
  /** The credential sent as `Authorization: Bearer …`. */
  token: string;
  /** e.g. `turso-api-tokens-vscode/0.1.0 (VS Code 1.100.3)` */
  userAgent: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  onRequest?: (event: RequestEvent) => void;
  /** For tests that need to see the wire. */
  fetchImpl?: Fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 400, maxDelayMs: 10_000 };
const RETRYABLE_KINDS: ReadonlySet<TursoErrorKind> = new Set(['network', 'rateLimited']);
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Answers meaning "this server has no such endpoint" for an optional one. */
const NOT_SUPPORTED_STATUS: ReadonlySet<number> = new Set([404, 405, 501]);

/**
 * Whether `hostname` (as `URL.hostname` gives it, IPv4 already in dotted decimal) names this machine
 * over loopback: `localhost`, 127.0.0.0/8 or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Normalises a base URL setting; throws a `TypeError` with a readable message when it is not https,
 * or http to a loopback address (a local emulator): the credential travels in every request's header,
 * so no client is ever built that would send it in clear text over a network.
 */
export function normalizeBaseUrl(raw: string | undefined): string {
  const text = (raw ?? '').trim() || DEFAULT_API_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(l10n.t('"{0}" is not a valid URL', text));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(l10n.t('"{0}" is not an http(s) URL', text));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError(l10n.t(
      '"{0}" would send the token unencrypted: use https://. http:// is allowed only for this computer (localhost, 127.x.x.x, [::1])',
      text,
    ));
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError(l10n.t('"{0}" must not contain credentials, a query or a fragment', text));
  }
  return url.toString().replace(/\/+$/, '');
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Query parameters, appended after the path (never a secret: the path is logged, the query is not). */
  query?: Record<string, string>;
  operation: string;
  parse: (body: unknown) => T;
  body?: unknown;
  /** Overrides the client's credential (validate a given token). */
  token?: string;
  signal?: AbortSignal;
}

export class TursoClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly retry: RetryPolicy;
  private readonly onRequest?: (event: RequestEvent) => void;
  private readonly fetchImpl: Fetch;
  /** Set once `/v1/user` answered 404, so later calls go straight to `/v1/current-user`. */
  private currentUserPath = '/v1/user';

  constructor(options: TursoClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.token = options.token;
    this.userAgent = options.userAgent;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onRequest = options.onRequest;
    this.fetchImpl = options.fetchImpl ?? ((url, init) => nodeFetch()(url, init));
  }

  /** The signed-in user: `GET /v1/user`, falling back to the CLI's `GET /v1/current-user` on 404. */
  async getCurrentUser(options: CallOptions = {}): Promise<TursoUser> {
    const spec = { method: 'GET' as const, operation: l10n.t('loading your Turso account'), parse: parseUser, signal: options.signal };
    if (this.currentUserPath === '/v1/user') {
      try {
        return await this.request({ ...spec, path: '/v1/user' });
      } catch (err) {
        if (!(err instanceof TursoApiError) || err.kind !== 'notFound') {
          throw err;
        }
        this.currentUserPath = '/v1/current-user';
      }
    }
    return this.request({ ...spec, path: this.currentUserPath });
  }

  /** Validates `token` (default: the client's own) with that token as the bearer. */
  validateToken(token?: string, options: CallOptions = {}): Promise<TokenValidation> {
    return this.request({
      method: 'GET',
      path: '/v1/auth/validate',
      operation: l10n.t('validating the token'),
      parse: parseValidation,
      token: token ?? this.token,
      signal: options.signal,
    });
  }

  listApiTokens(options: CallOptions = {}): Promise<ApiToken[]> {
    return this.request({
      method: 'GET',
      path: '/v1/auth/api-tokens',
      operation: l10n.t('listing API tokens'),
      parse: parseTokenList,
      signal: options.signal,
    });
  }

  /** Mints a token. Without a restriction the token is unrestricted (deprecated by Turso). Never retried. */
  createApiToken(name: string, restriction?: ApiTokenRestriction, options: CallOptions = {}): Promise<CreatedApiToken> {
    const body = restriction && (restriction.organization || restriction.group || restriction.scopes?.length)
      ? compact(restriction)
      : undefined;
    return this.request({
      method: 'POST',
      path: `/v1/auth/api-tokens/${encodeURIComponent(name)}`,
      operation: l10n.t('creating API token "{0}"', displayName(name)),
      parse: parseCreatedToken,
      body,
      signal: options.signal,
    });
  }

  /** Revokes a token by name. Never retried. */
  async revokeApiToken(name: string, options: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: `/v1/auth/api-tokens/${encodeURIComponent(name)}`,
      operation: l10n.t('revoking API token "{0}"', displayName(name)),
      parse: parseRevoked,
      signal: options.signal,
    });
  }

  listOrganizations(options: CallOptions = {}): Promise<Organization[]> {
    return this.request({
      method: 'GET',
      path: '/v1/organizations',
      operation: l10n.t('listing organizations'),
      parse: parseOrganizations,
      signal: options.signal,
    });
  }

  listGroups(organization: string, options: CallOptions = {}): Promise<Group[]> {
    return this.request({
      method: 'GET',
      path: `/v1/organizations/${encodeURIComponent(organization)}/groups`,
      operation: l10n.t('listing groups of "{0}"', displayName(organization)),
      parse: parseGroups,
      signal: options.signal,
    });
  }

  /**
   * The organization's org- and group-scoped tokens (never unrestricted ones): every member's, with
   * `owner`, for owners and admins; only the caller's own for members and viewers.
   */
  listOrganizationTokens(organization: string, options: CallOptions = {}): Promise<OrganizationApiToken[]> {
    return this.request({
      method: 'GET',
      path: `/v1/organizations/${encodeURIComponent(organization)}/api-tokens`,
      operation: l10n.t('listing the API tokens of "{0}"', displayName(organization)),
      parse: (body) => parseOrganizationTokenList(body, organization),
      signal: options.signal,
    });
  }

  /** A member of the organization with their role (`notFound` when not a member). */
  getMember(organization: string, username: string, options: CallOptions = {}): Promise<OrganizationMember> {
    return this.request({
      method: 'GET',
      path: `/v1/organizations/${encodeURIComponent(organization)}/members/${encodeURIComponent(username)}`,
      operation: l10n.t('looking up the role of "{0}" in "{1}"', displayName(username), displayName(organization)),
      parse: parseMember,
      signal: options.signal,
    });
  }

  /**
   * Revokes an org- or group-scoped token by id. `forbidden` when a member or viewer tries another
   * member's token; `notFound` for an unknown id, or one of another organization or unrestricted. Never retried.
   */
  async revokeOrganizationToken(organization: string, tokenId: string, options: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: `/v1/organizations/${encodeURIComponent(organization)}/api-tokens/${encodeURIComponent(tokenId)}`,
      operation: l10n.t('revoking API token {0} of "{1}"', displayName(tokenId), displayName(organization)),
      parse: (body) => parseRevokedId(body, tokenId),
      signal: options.signal,
    });
  }

  /**
   * Ends every login session of this account started before now (`turso auth logout --all`); API
   * tokens keep working. A server without the endpoint (404, 405, 501) gives a `notSupported` error.
   * Undocumented in the OpenAPI spec. Never retried.
   */
  async invalidateSessions(options: CallOptions = {}): Promise<SessionInvalidation> {
    const operation = l10n.t('signing out every session');
    try {
      return await this.request({ method: 'POST', path: '/v1/auth/invalidate', operation, parse: parseInvalidation, signal: options.signal });
    } catch (err) {
      if (err instanceof TursoApiError && err.status !== undefined && NOT_SUPPORTED_STATUS.has(err.status)) {
        throw new TursoApiError({ kind: 'notSupported', operation, status: err.status, serverMessage: err.serverMessage });
      }
      throw err;
    }
  }

  /** The organization's databases, one request (the API does not page them). */
  listDatabases(organization: string, options: CallOptions = {}): Promise<Database[]> {
    return this.request({
      method: 'GET',
      path: `/v1/organizations/${encodeURIComponent(organization)}/databases`,
      operation: l10n.t('listing the databases of "{0}"', displayName(organization)),
      parse: parseDatabases,
      signal: options.signal,
    });
  }

  /** Mints a token for a database or for every database of a group; returns its value. Never retried. */
  createDatabaseToken(
    organization: string, target: DatabaseTokenTarget, request: DatabaseTokenRequest, options: CallOptions = {},
  ): Promise<string> {
    const attach = request.readAttach?.filter((name) => name.length > 0) ?? [];
    return this.request({
      method: 'POST',
      path: `${targetPath(organization, target)}/auth/tokens`,
      query: { expiration: request.expiration, authorization: request.access },
      operation: target.kind === 'group'
        ? l10n.t('creating a token for group "{0}"', displayName(target.name))
        : l10n.t('creating a token for database "{0}"', displayName(target.name)),
      parse: parseDatabaseJwt,
      body: attach.length > 0 ? { permissions: { read_attach: { databases: attach } } } : undefined,
      signal: options.signal,
    });
  }

  /** Invalidates every token of a database, or of every database of a group, at once. Never retried. */
  async invalidateDatabaseTokens(organization: string, target: DatabaseTokenTarget, options: CallOptions = {}): Promise<void> {
    await this.request({
      method: 'POST',
      path: `${targetPath(organization, target)}/auth/rotate`,
      operation: target.kind === 'group'
        ? l10n.t('invalidating the tokens of group "{0}"', displayName(target.name))
        : l10n.t('invalidating the tokens of database "{0}"', displayName(target.name)),
      parse: parseRotated,
      signal: options.signal,
    });
  }

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    const idempotent = spec.method === 'GET';
    const attempts = idempotent ? Math.max(1, this.retry.attempts) : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const result = await this.once(spec);
        this.onRequest?.({ method: spec.method, path: spec.path, status: 200, durationMs: Date.now() - started, attempt });
        return result;
      } catch (err) {
        const error = err instanceof TursoApiError ? err : this.unexpected(spec, err);
        this.onRequest?.({
          method: spec.method,
          path: spec.path,
          status: error.status,
          errorKind: error.kind,
          durationMs: Date.now() - started,
          attempt,
        });
        const retryable = RETRYABLE_KINDS.has(error.kind) || (error.status !== undefined && RETRYABLE_STATUS.has(error.status));
        if (!retryable || attempt >= attempts) {
          throw error;
        }
        const wait = error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        if (wait > this.retry.maxDelayMs) {
          throw error;
        }
        await sleep(wait, spec.signal, () => this.fail(spec, 'cancelled'));
      }
    }
  }

  private async once<T>(spec: RequestSpec<T>): Promise<T> {
    if (spec.signal?.aborted) {
      throw this.fail(spec, 'cancelled');
    }
    // A name of "." or ".." is a dot segment: URL parsing would send the request to another path.
    if (!sameResource(this.baseUrl, spec.path)) {
      throw this.fail(spec, 'badRequest', { detail: l10n.t('its name cannot be sent in a URL path ("." and ".." are dot segments)') });
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = {
      Authorization: `Bearer ${spec.token ?? this.token}`,
      'User-Agent': this.userAgent,
      Accept: 'application/json',
    };
    const init: RequestInit = {
      method: spec.method,
      headers,
      // node-fetch's AbortSignal type predates the DOM one Node ships; they are compatible at run time.
      signal: controller.signal as unknown as RequestInit['signal'],
      size: this.maxResponseBytes,
      redirect: 'error',
    };
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(spec.body);
    }
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(this.baseUrl + spec.path + queryString(spec.query), init);
        text = await response.text();
      } catch (err) {
        throw this.transportError(spec, err, timedOut);
      }
      return this.interpret(spec, response, text);
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  private interpret<T>(spec: RequestSpec<T>, response: Response, text: string): T {
    const status = response.status;
    let body: unknown;
    let parsed = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }
    if (status >= 200 && status < 300) {
      if (!parsed && text.length > 0) {
        throw this.fail(spec, 'badResponse', { status, detail: l10n.t('the body is not JSON') });
      }
      try {
        return spec.parse(body);
      } catch (err) {
        if (err instanceof ShapeError) {
          throw this.fail(spec, 'badResponse', { status, detail: err.message });
        }
        throw err;
      }
    }
    const serverMessage = parsed ? serverErrorText(body) : undefined;
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    throw this.fail(spec, errorKindForStatus(status), {
      status,
      serverMessage: serverMessage ? this.redact(spec, serverMessage) : undefined,
      retryAfterSeconds,
      detail: !parsed && text.length > 0 ? l10n.t('the error body is not JSON') : undefined,
    });
  }

  private transportError(spec: RequestSpec<unknown>, err: unknown, timedOut: boolean): TursoApiError {
    if (timedOut) {
      return this.fail(spec, 'timeout', { detail: l10n.t('no answer within {0} s', Math.round(this.timeoutMs / 1000)) });
    }
    if (spec.signal?.aborted) {
      return this.fail(spec, 'cancelled');
    }
    if (isFetchError(err)) {
      if (err.type === 'max-size') {
        return this.fail(spec, 'badResponse', { detail: l10n.t('the response is larger than {0} bytes', this.maxResponseBytes) });
      }
      const code = (err as { code?: string }).code;
      return this.fail(spec, 'network', { detail: this.redact(spec, code ? `${code} at ${this.baseUrl}` : err.message) });
    }
    return this.unexpected(spec, err);
  }

  private unexpected(spec: RequestSpec<unknown>, err: unknown): TursoApiError {
    const message = errorMessage(err);
    return this.fail(spec, 'network', { detail: this.redact(spec, message) });
  }

  private fail(
    spec: RequestSpec<unknown>,
    kind: TursoErrorKind,
    extra: { status?: number; serverMessage?: string; retryAfterSeconds?: number; detail?: string } = {},
  ): TursoApiError {
    return new TursoApiError({ kind, operation: spec.operation, ...extra });
  }

  private redact(spec: RequestSpec<unknown>, text: string): string {
    return redactSecrets(text, [this.token, spec.token]);
  }
}

/** Whether `baseUrl + path` still addresses `path` once parsed (no dot segment removed a part of it). */
function targetPath(organization: string, target: DatabaseTokenTarget): string {
  const kind = target.kind === 'group' ? 'groups' : 'databases';
  return `/v1/organizations/${encodeURIComponent(organization)}/${kind}/${encodeURIComponent(target.name)}`;
}

function queryString(query: Record<string, string> | undefined): string {
  return query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
}

function sameResource(baseUrl: string, path: string): boolean {
  try {
    const base = new URL(baseUrl).pathname.replace(/\/+$/, '');
    return new URL(baseUrl + path).pathname === base + path;
  } catch {
    return false;
  }
}

function serverErrorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const error = (body as Record<string, unknown>).error;
  if (typeof error === 'string') {
    return error;
  }
  if (error !== undefined && error !== null) {
    return JSON.stringify(error);
  }
  const message = (body as Record<string, unknown>).message;
  return typeof message === 'string' ? message : undefined;
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

function compact(restriction: ApiTokenRestriction): ApiTokenRestriction {
  const out: ApiTokenRestriction = {};
  if (restriction.organization) out.organization = restriction.organization;
  if (restriction.group) out.group = restriction.group;
  if (restriction.scopes?.length) out.scopes = [...restriction.scopes];
  return out;
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

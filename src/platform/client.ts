/**
 * A small typed client for the parts of the Turso Platform API this extension uses.
 * No `vscode` import: it runs (and is tested) in plain Node against the emulator.
 */
import * as l10n from '@vscode/l10n';
import { TursoApiError, errorKindForStatus, isTursoApiError, redactSecrets, type TursoErrorKind } from './errors';
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
import {
  exchange, isLoopbackHost, parseRetryAfter, sameResource, successBody, transportLimits, withAttempts, type Fetch, type HttpAnswer,
  type HttpRequestEvent, type TransportLimits,
} from '../util/http';

export { isLoopbackHost, parseRetryAfter };

export const DEFAULT_API_BASE_URL = 'https://api.turso.tech';

export interface RetryPolicy {
  /** Total tries for an idempotent request (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  /** The longest single wait, including one asked for by Retry-After; a longer Retry-After is not waited for. */
  maxDelayMs: number;
}

/** What the client reports about each HTTP exchange (for an output channel); never a credential. */
export type RequestEvent = HttpRequestEvent<TursoErrorKind>;

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
  private readonly retry: RetryPolicy;
  private readonly onRequest?: (event: RequestEvent) => void;
  private readonly transport: TransportLimits;
  /** Set once `/v1/user` answered 404, so later calls go straight to `/v1/current-user`. */
  private currentUserPath = '/v1/user';

  constructor(options: TursoClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.token = options.token;
    this.userAgent = options.userAgent;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onRequest = options.onRequest;
    this.transport = transportLimits(options);
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

  private request<T>(spec: RequestSpec<T>): Promise<T> {
    return withAttempts({
      method: spec.method,
      path: spec.path,
      attempts: spec.method === 'GET' ? Math.max(1, this.retry.attempts) : 1,
      run: () => this.once(spec),
      isOwn: isTursoApiError,
      fail: (kind, detail) => this.fail(spec, kind, { detail }),
      redact: (text) => this.redact(spec, text),
      retryDelay: (error, attempt) => {
        const retryable = RETRYABLE_KINDS.has(error.kind) || (error.status !== undefined && RETRYABLE_STATUS.has(error.status));
        const wait = error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
        return retryable && wait <= this.retry.maxDelayMs ? wait : undefined;
      },
      onRequest: this.onRequest,
      signal: spec.signal,
    });
  }

  private async once<T>(spec: RequestSpec<T>): Promise<T> {
    if (spec.signal?.aborted) {
      throw this.fail(spec, 'cancelled');
    }
    // A name of "." or ".." is a dot segment: URL parsing would send the request to another path.
    if (!sameResource(this.baseUrl, spec.path)) {
      throw this.fail(spec, 'badRequest', { detail: l10n.t('its name cannot be sent in a URL path ("." and ".." are dot segments)') });
    }
    const answer = await exchange({
      ...this.transport,
      url: this.baseUrl + spec.path + queryString(spec.query),
      method: spec.method,
      headers: { Authorization: `Bearer ${spec.token ?? this.token}`, 'User-Agent': this.userAgent, Accept: 'application/json' },
      json: spec.body,
      redirect: 'error',
      signal: spec.signal,
      where: this.baseUrl,
    });
    return this.interpret(spec, answer);
  }

  private interpret<T>(spec: RequestSpec<T>, answer: HttpAnswer): T {
    const { status, body, notJson } = answer;
    if (status >= 200 && status < 300) {
      const badResponse = (detail: string): TursoApiError => this.fail(spec, 'badResponse', { status, detail });
      return successBody(answer, spec.parse, badResponse, (err) => (err instanceof ShapeError ? err.message : undefined));
    }
    const serverMessage = serverErrorText(body);
    throw this.fail(spec, errorKindForStatus(status), {
      status,
      serverMessage: serverMessage ? this.redact(spec, serverMessage) : undefined,
      retryAfterSeconds: parseRetryAfter(answer.header('retry-after')),
      detail: notJson ? l10n.t('the error body is not JSON') : undefined,
    });
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

function targetPath(organization: string, target: DatabaseTokenTarget): string {
  const kind = target.kind === 'group' ? 'groups' : 'databases';
  return `/v1/organizations/${encodeURIComponent(organization)}/${kind}/${encodeURIComponent(target.name)}`;
}

function queryString(query: Record<string, string> | undefined): string {
  return query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
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

function compact(restriction: ApiTokenRestriction): ApiTokenRestriction {
  const out: ApiTokenRestriction = {};
  if (restriction.organization) out.organization = restriction.organization;
  if (restriction.group) out.group = restriction.group;
  if (restriction.scopes?.length) out.scopes = [...restriction.scopes];
  return out;
}

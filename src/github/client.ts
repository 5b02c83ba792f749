/**
 * A small typed client for GitHub's REST API, the Actions secrets part: public keys, secret names,
 * environments and writing a secret (already sealed, see seal.ts). Follows src/platform/client.ts:
 * node-fetch is required with the first request; every failure is a `GitHubApiError` that names the
 * repository, environment and secret name, never a value or the GitHub token. A write is never retried.
 * No `vscode` import: it runs (and is tested) in plain Node against test/github-emulator.
 */
import * as l10n from '@vscode/l10n';
import { redactSecrets } from '../util/apiErrors';
import { displayName } from '../util/text';
import { errorMessage } from '../util/errors';
import {
  exchange, isLoopbackHost, parseRetryAfter, sameResource, successBody, transportLimits, withAttempts, type Fetch, type HttpAnswer,
  type HttpRequestEvent, type TransportLimits,
} from '../util/http';
import { GitHubApiError, isGitHubApiError, type GitHubErrorKind } from './errors';

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A repository's or environment's key for sealing secrets: `keyId` goes with the sealed value. */
export interface SecretsPublicKey {
  keyId: string;
  /** Base64 of the 32-byte X25519 public key. */
  key: string;
}

export interface SealedSecret {
  /** Base64 sealed box of the value (sealForGitHub). */
  encryptedValue: string;
  keyId: string;
}

export type PutSecretResult = 'created' | 'updated';

/** What the client reports about each exchange (for a log): never a token, a value or a sealed value. */
export type GitHubRequestEvent = HttpRequestEvent<GitHubErrorKind>;

export interface GitHubClientOptions {
  /** `https://api.github.com`, `https://<host>/api/v3`, or http to a loopback host (see apiBaseFor). */
  apiBase: string;
  /** The GitHub session's access token, sent as `Authorization: Bearer …`. */
  token: string;
  userAgent: string;
  fetchImpl?: Fetch;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Pages of 100 followed by a list (default 10: at most 1,000 names). */
  maxPages?: number;
  onRequest?: (event: GitHubRequestEvent) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const PER_PAGE = 100;
const GET_ATTEMPTS = 2;
const RETRY_DELAY_MS = 300;
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);
const ACTIONS_DISABLED = /actions (is|are|has been|have been) disabled|actions (is|are) not enabled/i;

interface RequestSpec<T> {
  method: 'GET' | 'PUT';
  path: string;
  operation: string;
  subject: string;
  parse: (status: number, body: unknown) => T;
  body?: unknown;
  /** The secret being written (a 422 then means its name was refused). */
  secretName?: string;
  /** Strings never to keep in an error (the sealed value). */
  redact?: string[];
  signal?: AbortSignal;
}

/**
 * A base URL GitHub's token may be sent to: https, or http to a loopback host (a local emulator);
 * no credentials, query or fragment. Returns it without a trailing slash; a `TypeError` otherwise.
 */
export function normalizeApiBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(String(raw).trim());
  } catch {
    throw new TypeError(l10n.t('"{0}" is not a valid URL', String(raw).slice(0, 200)));
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!ok || url.username || url.password || url.search || url.hash) {
    throw new TypeError(l10n.t('"{0}" is not a GitHub API address a token may be sent to (https, or http to this computer only)', url.origin));
  }
  return url.toString().replace(/\/+$/, '');
}

export class GitHubClient {
  readonly apiBase: string;
  private readonly token: string;
  private readonly userAgent: string;
  private readonly transport: TransportLimits;
  private readonly maxPages: number;
  private readonly onRequest?: (event: GitHubRequestEvent) => void;

  constructor(options: GitHubClientOptions) {
    this.apiBase = normalizeApiBase(options.apiBase);
    this.token = options.token;
    this.userAgent = options.userAgent;
    this.transport = transportLimits(options);
    this.maxPages = Math.max(1, options.maxPages ?? 10);
    this.onRequest = options.onRequest;
  }

  repositoryPublicKey(repo: RepoRef, options: CallOptions = {}): Promise<SecretsPublicKey> {
    const subject = repoName(repo);
    return this.request({
      method: 'GET',
      path: `${repoPath(repo)}/actions/secrets/public-key`,
      operation: l10n.t('reading the secrets key of {0}', subject),
      subject,
      parse: (_status, body) => parsePublicKey(body),
      signal: options.signal,
    });
  }

  environmentPublicKey(repo: RepoRef, environment: string, options: CallOptions = {}): Promise<SecretsPublicKey> {
    const subject = envName(repo, environment);
    return this.request({
      method: 'GET',
      path: `${envPath(repo, environment)}/secrets/public-key`,
      operation: l10n.t('reading the secrets key of {0}', subject),
      subject,
      parse: (_status, body) => parsePublicKey(body),
      signal: options.signal,
    });
  }

  /** The names of the repository's (or environment's) secrets, in GitHub's order; at most maxPages × 100. */
  listSecretNames(repo: RepoRef, environment?: string, options: CallOptions = {}): Promise<string[]> {
    const subject = environment === undefined ? repoName(repo) : envName(repo, environment);
    const path = environment === undefined ? `${repoPath(repo)}/actions/secrets` : `${envPath(repo, environment)}/secrets`;
    return this.listAll(path, 'secrets', l10n.t('listing the secrets of {0}', subject), subject, options);
  }

  /** The names of the repository's environments; at most maxPages × 100. */
  listEnvironments(repo: RepoRef, options: CallOptions = {}): Promise<string[]> {
    const subject = repoName(repo);
    return this.listAll(`${repoPath(repo)}/environments`, 'environments', l10n.t('listing the environments of {0}', subject), subject, options);
  }

  /** Creates or updates a secret (201 → created, 204 → updated). One request: never retried. */
  putSecret(repo: RepoRef, environment: string | undefined, name: string, sealed: SealedSecret, options: CallOptions = {}): Promise<PutSecretResult> {
    const subject = environment === undefined ? repoName(repo) : envName(repo, environment);
    const base = environment === undefined ? `${repoPath(repo)}/actions/secrets` : `${envPath(repo, environment)}/secrets`;
    const operation = l10n.t('saving secret {0} to {1}', displayName(String(name)), subject);
    if (typeof name !== 'string' || name.length === 0 || name === '.' || name === '..') {
      return Promise.reject(new GitHubApiError({ kind: 'invalidName', operation, subject, write: true }));
    }
    return this.request({
      method: 'PUT',
      path: `${base}/${encodeURIComponent(name)}`,
      operation,
      subject,
      secretName: name,
      body: { encrypted_value: sealed.encryptedValue, key_id: sealed.keyId },
      redact: [sealed.encryptedValue],
      parse: (status) => {
        if (status === 201) return 'created';
        if (status === 204 || status === 200) return 'updated';
        throw new TypeError(l10n.t('HTTP {0} is not an answer to a write', status));
      },
      signal: options.signal,
    });
  }

  private async listAll(path: string, field: 'secrets' | 'environments', operation: string, subject: string, options: CallOptions): Promise<string[]> {
    const names: string[] = [];
    for (let page = 1; page <= this.maxPages; page++) {
      const { total, items } = await this.request({
        method: 'GET',
        path: `${path}?per_page=${PER_PAGE}&page=${page}`,
        operation,
        subject,
        parse: (_status, body) => parseNameList(body, field),
        signal: options.signal,
      });
      names.push(...items);
      if (items.length < PER_PAGE || names.length >= total) {
        break;
      }
    }
    return names;
  }

  private request<T>(spec: RequestSpec<T>): Promise<T> {
    return withAttempts({
      method: spec.method,
      path: spec.path,
      attempts: spec.method === 'GET' ? GET_ATTEMPTS : 1,
      run: () => this.once(spec),
      isOwn: isGitHubApiError,
      fail: (kind, detail) => this.fail(spec, kind, { detail }),
      redact: (text) => this.redact(spec, text),
      retryDelay: (error) => {
        const retryable = error.kind === 'network' || (error.status !== undefined && RETRYABLE_STATUS.has(error.status));
        return retryable && !spec.signal?.aborted ? RETRY_DELAY_MS : undefined;
      },
      onRequest: this.onRequest,
      signal: spec.signal,
    });
  }

  private async once<T>(spec: RequestSpec<T>): Promise<T> {
    if (!pathStaysPut(this.apiBase, spec.path)) {
      throw this.fail(spec, 'badRequest', { detail: l10n.t('a name cannot be sent in a URL path ("." and ".." are dot segments)') });
    }
    const answer = await exchange({
      ...this.transport,
      url: this.apiBase + spec.path,
      method: spec.method,
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${this.token}`,
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': this.userAgent,
      },
      json: spec.body,
      // a renamed repository answers 301/307: said as such, never followed with the token
      redirect: 'manual',
      signal: spec.signal,
      where: new URL(this.apiBase).host,
    });
    return this.interpret(spec, answer);
  }

  private interpret<T>(spec: RequestSpec<T>, answer: HttpAnswer): T {
    const { status, body, notJson } = answer;
    if (status >= 200 && status < 300) {
      const badResponse = (detail: string): GitHubApiError => this.fail(spec, 'badResponse', { status, detail });
      return successBody(answer, (data) => spec.parse(status, data), badResponse, (err) => this.redact(spec, errorMessage(err)));
    }
    const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? this.redact(spec, (body as { message: string }).message)
      : undefined;
    const retryAfterSeconds = parseRetryAfter(answer.header('retry-after'));
    const resetHeader = answer.header('x-ratelimit-reset');
    const resetAt = resetHeader && /^\d+$/.test(resetHeader.trim()) ? Number(resetHeader.trim()) * 1000 : undefined;
    const kind = kindFor(status, message, spec.secretName !== undefined, answer.header('x-ratelimit-remaining'), retryAfterSeconds);
    throw this.fail(spec, kind, {
      status,
      serverMessage: message,
      retryAfterSeconds: kind === 'rateLimited' ? retryAfterSeconds : undefined,
      resetAt: kind === 'rateLimited' && retryAfterSeconds === undefined ? resetAt : undefined,
      detail: notJson ? l10n.t('the error body is not JSON') : undefined,
    });
  }

  private fail(
    spec: RequestSpec<unknown>,
    kind: GitHubErrorKind,
    extra: { status?: number; serverMessage?: string; retryAfterSeconds?: number; resetAt?: number; detail?: string } = {},
  ): GitHubApiError {
    return new GitHubApiError({ kind, operation: spec.operation, subject: spec.subject, write: spec.method !== 'GET', ...extra });
  }

  private redact(spec: RequestSpec<unknown>, text: string): string {
    return redactSecrets(text, [this.token, ...(spec.redact ?? [])]);
  }
}

/** The kind of a failed answer, from its status, GitHub's message and its rate-limit headers. */
export function kindFor(status: number, message: string | undefined, isWrite: boolean, remaining: string | null, retryAfter: number | undefined): GitHubErrorKind {
  const text = message ?? '';
  if (status === 429 || (status === 403 && (remaining?.trim() === '0' || retryAfter !== undefined || /rate limit/i.test(text)))) {
    return 'rateLimited';
  }
  if (status >= 300 && status < 400) return 'moved';
  if (status === 401) return 'unauthorized';
  if ([403, 404, 409, 422].includes(status) && ACTIONS_DISABLED.test(text)) return 'actionsDisabled';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'notFound';
  if (status === 422 && isWrite && !/key_id|encrypted_value/i.test(text)) return 'invalidName';
  if (status >= 500) return 'server';
  return 'badRequest';
}

function repoName(repo: RepoRef): string {
  return displayName(`${repo.owner}/${repo.repo}`, 140);
}

function envName(repo: RepoRef, environment: string): string {
  return l10n.t('environment "{0}" of {1}', displayName(String(environment)), repoName(repo));
}

function repoPath(repo: RepoRef): string {
  return `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
}

function envPath(repo: RepoRef, environment: string): string {
  return `${repoPath(repo)}/environments/${encodeURIComponent(environment)}`;
}

/** Whether `base + path` still addresses `path` once parsed (no dot segment removed a part of it, no empty part). */
function pathStaysPut(base: string, path: string): boolean {
  const pathOnly = path.split('?')[0];
  return !pathOnly.includes('//') && !pathOnly.endsWith('/') && sameResource(base, pathOnly);
}

function parsePublicKey(body: unknown): SecretsPublicKey {
  const o = body as { key_id?: unknown; key?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.key_id !== 'string' || typeof o.key !== 'string' || !o.key_id || !o.key) {
    throw new TypeError(l10n.t('a public key needs "key_id" and "key"'));
  }
  return { keyId: o.key_id, key: o.key };
}

function parseNameList(body: unknown, field: 'secrets' | 'environments'): { total: number; items: string[] } {
  const o = body as Record<string, unknown> | null;
  const list = typeof o === 'object' && o !== null ? o[field] : undefined;
  if (!Array.isArray(list)) {
    throw new TypeError(l10n.t('the list has no "{0}"', field));
  }
  const items = list.map((item: unknown) => {
    const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(l10n.t('an item of "{0}" has no name', field));
    }
    return name;
  });
  const total = typeof o?.total_count === 'number' && Number.isFinite(o.total_count) ? o.total_count : Number.POSITIVE_INFINITY;
  return { total, items };
}

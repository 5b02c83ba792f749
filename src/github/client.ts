/**
 * A small typed client for GitHub's REST API, the Actions secrets part: public keys, secret names,
 * environments and writing a secret (already sealed, see seal.ts). Follows src/platform/client.ts:
 * node-fetch is required with the first request; every failure is a `GitHubApiError` that names the
 * repository, environment and secret name, never a value or the GitHub token. A write is never retried.
 * No `vscode` import: it runs (and is tested) in plain Node against test/github-emulator.
 */
import * as l10n from '@vscode/l10n';
import type { FetchError, RequestInit, Response } from 'node-fetch';
import { isLoopbackHost, parseRetryAfter } from '../platform/client';
import { redactSecrets } from '../platform/errors';
import { displayName } from '../util/text';
import { errorMessage } from '../util/errors';
import { GitHubApiError, type GitHubErrorKind } from './errors';

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

let nodeFetchModule: typeof import('node-fetch') | undefined;
function nodeFetch(): Fetch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  nodeFetchModule ??= require('node-fetch') as typeof import('node-fetch');
  return nodeFetchModule.default;
}

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
export interface GitHubRequestEvent {
  method: string;
  path: string;
  status?: number;
  errorKind?: GitHubErrorKind;
  durationMs: number;
  attempt: number;
}

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
  private readonly fetchImpl: Fetch;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxPages: number;
  private readonly onRequest?: (event: GitHubRequestEvent) => void;

  constructor(options: GitHubClientOptions) {
    this.apiBase = normalizeApiBase(options.apiBase);
    this.token = options.token;
    this.userAgent = options.userAgent;
    this.fetchImpl = options.fetchImpl ?? ((url, init) => nodeFetch()(url, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
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

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    const attempts = spec.method === 'GET' ? GET_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const result = await this.once(spec);
        this.onRequest?.({ method: spec.method, path: spec.path, status: 200, durationMs: Date.now() - started, attempt });
        return result;
      } catch (err) {
        const error = err instanceof GitHubApiError ? err : this.fail(spec, 'network', { detail: this.redact(spec, errorMessage(err)) });
        this.onRequest?.({ method: spec.method, path: spec.path, status: error.status, errorKind: error.kind, durationMs: Date.now() - started, attempt });
        const retryable = error.kind === 'network' || (error.status !== undefined && RETRYABLE_STATUS.has(error.status));
        if (!retryable || attempt >= attempts || spec.signal?.aborted) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private async once<T>(spec: RequestSpec<T>): Promise<T> {
    if (!sameResource(this.apiBase, spec.path)) {
      throw this.fail(spec, 'badRequest', { detail: l10n.t('a name cannot be sent in a URL path ("." and ".." are dot segments)') });
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
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${this.token}`,
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': this.userAgent,
    };
    const init: RequestInit = {
      method: spec.method,
      headers,
      signal: controller.signal as unknown as RequestInit['signal'],
      size: this.maxResponseBytes,
      // a renamed repository answers 301/307: said as such, never followed with the token
      redirect: 'manual',
    };
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(spec.body);
    }
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(this.apiBase + spec.path, init);
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
        return spec.parse(status, body);
      } catch (err) {
        throw this.fail(spec, 'badResponse', { status, detail: this.redact(spec, errorMessage(err)) });
      }
    }
    const message = parsed && typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? this.redact(spec, (body as { message: string }).message)
      : undefined;
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    const resetHeader = response.headers.get('x-ratelimit-reset');
    const resetAt = resetHeader && /^\d+$/.test(resetHeader.trim()) ? Number(resetHeader.trim()) * 1000 : undefined;
    const kind = kindFor(status, message, spec.secretName !== undefined, response.headers.get('x-ratelimit-remaining'), retryAfterSeconds);
    throw this.fail(spec, kind, {
      status,
      serverMessage: message,
      retryAfterSeconds: kind === 'rateLimited' ? retryAfterSeconds : undefined,
      resetAt: kind === 'rateLimited' && retryAfterSeconds === undefined ? resetAt : undefined,
      detail: !parsed && text.length > 0 ? l10n.t('the error body is not JSON') : undefined,
    });
  }

  private transportError(spec: RequestSpec<unknown>, err: unknown, timedOut: boolean): GitHubApiError {
    if (timedOut) {
      return this.fail(spec, 'timeout', { detail: l10n.t('no answer within {0} s', Math.round(this.timeoutMs / 1000)) });
    }
    if (spec.signal?.aborted) {
      return this.fail(spec, 'cancelled');
    }
    if (err instanceof Error && err.name === 'FetchError') {
      const fetchError = err as FetchError;
      if (fetchError.type === 'max-size') {
        return this.fail(spec, 'badResponse', { detail: l10n.t('the response is larger than {0} bytes', this.maxResponseBytes) });
      }
      const code = (fetchError as { code?: string }).code;
      return this.fail(spec, 'network', { detail: this.redact(spec, code ? `${code} at ${new URL(this.apiBase).host}` : fetchError.message) });
    }
    return this.fail(spec, 'network', { detail: this.redact(spec, errorMessage(err)) });
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

/** Whether `base + path` still addresses `path` once parsed (no dot segment, no empty part, removed a part of it). */
function sameResource(base: string, path: string): boolean {
  try {
    const pathOnly = path.split('?')[0];
    if (pathOnly.includes('//') || pathOnly.endsWith('/')) return false;
    const basePath = new URL(base).pathname.replace(/\/+$/, '');
    return new URL(base + pathOnly).pathname === basePath + pathOnly;
  } catch {
    return false;
  }
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

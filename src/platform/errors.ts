import * as l10n from '@vscode/l10n';
import { describeFailure, mayHaveBeenSent, redactSecrets } from '../util/apiErrors';

export { redactSecrets };

/**
 * Typed failures of the Turso Platform API client. Every message is safe to show to a user and to
 * write to a log: it never contains a credential (see `redactSecrets`).
 */

export type TursoErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'rateLimited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'badResponse'
  | 'notSupported'
  | 'cancelled';

export interface TursoApiErrorInit {
  kind: TursoErrorKind;
  /** What the extension was doing, in words: "listing API tokens". */
  operation: string;
  status?: number;
  /** The server's own `{"error": "…"}` text (already redacted). */
  serverMessage?: string;
  /** Seconds the server asked us to wait (429/503 with Retry-After). */
  retryAfterSeconds?: number;
  /** Extra detail for logs (already redacted), e.g. the network error code. */
  detail?: string;
}

/** What went wrong, per kind of failure: the first half of every message. */
function kindSummary(kind: TursoErrorKind): string {
  switch (kind) {
    case 'badRequest': return l10n.t('the request was rejected');
    case 'unauthorized': return l10n.t('the credential was rejected (invalid, expired or revoked)');
    case 'forbidden': return l10n.t('this account is not allowed to do that');
    case 'notFound': return l10n.t('not found');
    case 'conflict': return l10n.t('it already exists');
    case 'rateLimited': return l10n.t('too many requests');
    case 'server': return l10n.t('the Turso API had a server error');
    case 'network': return l10n.t('the Turso API could not be reached');
    case 'timeout': return l10n.t('the Turso API did not answer in time');
    case 'badResponse': return l10n.t('the Turso API sent an unexpected response');
    case 'notSupported': return l10n.t('this Turso API server does not offer it');
    case 'cancelled': return l10n.t('cancelled');
  }
}

/** What the user can do about each kind of failure: the second half of every message. */
function kindHint(kind: TursoErrorKind): string {
  switch (kind) {
    case 'badRequest': return l10n.t('Check what was entered and try again.');
    case 'unauthorized': return l10n.t('Sign in again.');
    case 'forbidden': return l10n.t('Use an account or token that is allowed to do this.');
    case 'notFound': return l10n.t('Refresh and try again.');
    case 'conflict': return l10n.t('Choose another name, or refresh and try again.');
    case 'rateLimited': return l10n.t('Try again in a moment.');
    case 'server': return l10n.t('Try again later.');
    case 'network': return l10n.t('Check your connection and the turso.apiBaseUrl setting, then try again.');
    case 'timeout': return l10n.t('Try again; on a slow connection, raise the turso.requestTimeoutSeconds setting.');
    case 'badResponse': return l10n.t('Try again later; if it keeps happening, check the turso.apiBaseUrl setting.');
    case 'notSupported': return l10n.t('Nothing was changed; check the turso.apiBaseUrl setting.');
    case 'cancelled': return '';
  }
}

export class TursoApiError extends Error {
  readonly kind: TursoErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly retryAfterSeconds?: number;
  readonly detail?: string;

  constructor(init: TursoApiErrorInit) {
    super(TursoApiError.describe(init));
    this.name = 'TursoApiError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.detail = init.detail;
  }

  /** What to do about it, as one sentence ('' when there is nothing to do, or the message says it already). */
  get hint(): string {
    return TursoApiError.hintFor(this);
  }

  static hintFor(init: Pick<TursoApiErrorInit, 'kind' | 'retryAfterSeconds'>): string {
    if (init.kind === 'rateLimited' && init.retryAfterSeconds !== undefined) {
      return '';
    }
    return kindHint(init.kind);
  }

  /** "Listing API tokens failed: the credential was rejected (invalid, expired or revoked) — token expired (HTTP 401). Sign in again." */
  static describe(init: TursoApiErrorInit): string {
    return describeFailure({
      ...init,
      summary: kindSummary(init.kind),
      tail: init.kind === 'rateLimited' && init.retryAfterSeconds !== undefined ? l10n.t('; try again in {0} s', init.retryAfterSeconds) : '',
      hint: TursoApiError.hintFor(init),
    });
  }
}

/**
 * Whether a failed request may still have taken effect on the server: it was sent, and no answer
 * said it was refused (a timeout, a server error, an unreadable answer, a connection cut midway).
 * A create or revoke failing this way is reported as unknown, not as "nothing happened".
 */
export function mayHaveTakenEffect(err: unknown): boolean {
  if (!(err instanceof TursoApiError)) {
    return false;
  }
  switch (err.kind) {
    case 'timeout':
    case 'server':
    case 'badResponse':
      return true;
    case 'network':
      return mayHaveBeenSent(err.detail);
    default:
      return false;
  }
}

/** The server's reason and what to do ("an API token named x already exists. Choose another name…"), else the whole message. */
export function reasonAndHint(err: TursoApiError): string {
  if (!err.serverMessage) {
    return err.message;
  }
  const reason = err.serverMessage.replace(/[.\s]+$/, '');
  const hint = err.kind === 'rateLimited' && err.retryAfterSeconds !== undefined
    ? l10n.t('Try again in {0} s.', err.retryAfterSeconds)
    : err.hint;
  return hint ? l10n.t('{0}. {1}', reason, hint) : l10n.t('{0}.', reason);
}

export function isTursoApiError(value: unknown): value is TursoApiError {
  return value instanceof TursoApiError;
}

export function errorKindForStatus(status: number): TursoErrorKind {
  switch (status) {
    case 400:
    case 422:
      return 'badRequest';
    case 401:
      return 'unauthorized';
    case 402:
    case 403:
      return 'forbidden';
    case 404:
      return 'notFound';
    case 409:
      return 'conflict';
    case 429:
      return 'rateLimited';
    default:
      return status >= 500 ? 'server' : 'badRequest';
  }
}

/** Turso rejected the credential (401): it is invalid, expired or revoked. */
export function isUnauthorized(err: unknown): err is TursoApiError {
  return err instanceof TursoApiError && err.kind === 'unauthorized';
}

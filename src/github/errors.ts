/**
 * Typed failures of the GitHub REST client. Every message names what was asked about (repository,
 * environment, secret name) and is safe to show and to log: never a secret's value, never the GitHub
 * token (server text is redacted before it is kept). No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import { describeFailure, mayHaveBeenSent } from '../util/apiErrors';

export type GitHubErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'actionsDisabled'
  | 'notFound'
  | 'moved'
  | 'invalidName'
  | 'badRequest'
  | 'rateLimited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'badResponse'
  | 'cancelled';

export interface GitHubApiErrorInit {
  kind: GitHubErrorKind;
  /** What was being done, in words: `saving secret TURSO_API_TOKEN to environment "production" of o/r`. */
  operation: string;
  /** Whom the failure is about: `o/r`, or `environment "production" of o/r`. */
  subject: string;
  /** Whether the request was a write (a timeout or a server error may then have saved it anyway). */
  write?: boolean;
  status?: number;
  /** GitHub's own `message` (already redacted). */
  serverMessage?: string;
  /** Rate limits: when the limit resets (epoch ms, from X-RateLimit-Reset). */
  resetAt?: number;
  /** Rate limits: seconds GitHub asked us to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** Extra detail (already redacted), e.g. a network error code. */
  detail?: string;
}

function summary(init: GitHubApiErrorInit): string {
  const s = init.subject;
  switch (init.kind) {
    case 'unauthorized': return l10n.t('GitHub did not accept the sign-in (expired or revoked)');
    case 'forbidden': return l10n.t('this GitHub account may not manage the Actions secrets of {0} (it needs admin rights)', s);
    case 'actionsDisabled': return l10n.t('GitHub Actions is disabled for {0}', s);
    case 'notFound': return l10n.t('{0} was not found, or this GitHub account cannot see it', s);
    case 'moved': return l10n.t('{0} has moved (renamed or transferred)', s);
    case 'invalidName': return l10n.t('GitHub does not accept this secret name');
    case 'badRequest': return l10n.t('GitHub rejected the request');
    case 'rateLimited': return l10n.t('GitHub\'s rate limit was reached');
    case 'server': return l10n.t('GitHub had a server error');
    case 'network': return l10n.t('GitHub could not be reached');
    case 'timeout': return l10n.t('GitHub did not answer in time');
    case 'badResponse': return l10n.t('GitHub sent an unexpected response');
    case 'cancelled': return l10n.t('cancelled');
  }
}

function hint(init: GitHubApiErrorInit): string {
  switch (init.kind) {
    case 'unauthorized': return l10n.t('Sign in to GitHub again.');
    case 'forbidden': return l10n.t('Ask an admin of the repository, or sign in to GitHub with an account that is one.');
    case 'actionsDisabled': return l10n.t('Enable Actions in the repository\'s settings, then try again.');
    case 'notFound': return l10n.t('Check the git remote and the GitHub account you signed in with.');
    case 'moved': return l10n.t('Update the git remote to its new address, then try again.');
    case 'invalidName': return l10n.t('Use letters, digits and _ only, not starting with a digit or GITHUB_.');
    case 'badRequest': return l10n.t('Try again; if it keeps happening, report it.');
    case 'rateLimited': return init.resetAt !== undefined || init.retryAfterSeconds !== undefined ? '' : l10n.t('Try again later.');
    case 'server':
    case 'timeout':
    case 'badResponse':
      return init.write
        ? l10n.t('The secret may or may not have been saved: look at the repository\'s settings, or save it again.')
        : l10n.t('Try again later.');
    case 'network': return l10n.t('Check your connection, then try again.');
    case 'cancelled': return '';
  }
}

export class GitHubApiError extends Error {
  readonly kind: GitHubErrorKind;
  readonly operation: string;
  readonly subject: string;
  readonly write: boolean;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly resetAt?: number;
  readonly retryAfterSeconds?: number;
  readonly detail?: string;

  constructor(init: GitHubApiErrorInit) {
    super(GitHubApiError.describe(init));
    this.name = 'GitHubApiError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.subject = init.subject;
    this.write = init.write ?? false;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.resetAt = init.resetAt;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.detail = init.detail;
  }

  /** Whether a failed write may still have been saved (sent, and no answer said it was refused). */
  get mayHaveTakenEffect(): boolean {
    return this.write && (this.kind === 'timeout' || this.kind === 'server' || this.kind === 'badResponse'
      || (this.kind === 'network' && mayHaveBeenSent(this.detail)));
  }

  /** "Saving secret X to o/r failed: … — GitHub's message (HTTP 403). What to do." */
  static describe(init: GitHubApiErrorInit): string {
    return describeFailure({ ...init, summary: summary(init), tail: rateLimitTail(init), hint: hint(init) });
  }
}

/** When to try again after a rate limit, as GitHub said it. */
function rateLimitTail(init: GitHubApiErrorInit): string {
  if (init.kind !== 'rateLimited') return '';
  if (init.retryAfterSeconds !== undefined) return l10n.t('; try again in {0} s', init.retryAfterSeconds);
  if (init.resetAt !== undefined) return l10n.t('; try again after {0}', new Date(init.resetAt).toISOString().slice(11, 16) + ' UTC');
  return '';
}

export function isGitHubApiError(value: unknown): value is GitHubApiError {
  return value instanceof GitHubApiError;
}

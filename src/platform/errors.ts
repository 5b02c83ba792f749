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

const KIND_SUMMARY: Record<TursoErrorKind, string> = {
  badRequest: 'the request was rejected',
  unauthorized: 'the credential was rejected (invalid, expired or revoked)',
  forbidden: 'this account is not allowed to do that',
  notFound: 'not found',
  conflict: 'it already exists',
  rateLimited: 'too many requests',
  server: 'the Turso API had a server error',
  network: 'the Turso API could not be reached',
  timeout: 'the Turso API did not answer in time',
  badResponse: 'the Turso API sent an unexpected response',
  cancelled: 'cancelled',
};

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

  /** "Listing API tokens failed: the credential was rejected (invalid, expired or revoked) — token expired (HTTP 401)." */
  static describe(init: TursoApiErrorInit): string {
    const op = init.operation.charAt(0).toUpperCase() + init.operation.slice(1);
    let text = `${op} failed: ${KIND_SUMMARY[init.kind]}`;
    if (init.serverMessage) {
      text += ` — ${init.serverMessage}`;
    } else if (init.detail) {
      text += ` (${init.detail})`;
    }
    if (init.status !== undefined) {
      text += ` (HTTP ${init.status})`;
    }
    if (init.kind === 'rateLimited' && init.retryAfterSeconds !== undefined) {
      text += `; try again in ${init.retryAfterSeconds} s`;
    }
    return text + '.';
  }
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

const JWT_LIKE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const MAX_SERVER_MESSAGE = 500;

/**
 * Removes anything that looks like a credential from text that came from elsewhere (a server's error
 * body, a network error), and bounds its length. The given secrets are removed wherever they appear,
 * then anything shaped like a JWT.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  out = out.replace(JWT_LIKE, '[redacted]');
  // Control characters (other than tab) make log lines and notifications unreadable or misleading.
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  if (out.length > MAX_SERVER_MESSAGE) {
    out = out.slice(0, MAX_SERVER_MESSAGE) + '…';
  }
  return out;
}

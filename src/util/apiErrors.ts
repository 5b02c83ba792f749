/**
 * What the typed errors of both API clients share (TursoApiError in src/platform/errors.ts,
 * GitHubApiError in src/github/errors.ts): the shape of their messages, the redaction of text that
 * came from elsewhere, and whether a failed request may have reached the server. The kinds, their
 * words and hints stay with each API. No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import { inertText } from './text';

export interface FailureText {
  /** What was being done, in words ("listing API tokens"). */
  operation: string;
  /** What went wrong, for the kind of failure. */
  summary: string;
  /** The server's own text (already redacted). */
  serverMessage?: string;
  /** Extra detail (already redacted), shown when the server said nothing. */
  detail?: string;
  status?: number;
  /** Said right after the status, e.g. "; try again in 5 s". */
  tail?: string;
  /** What to do ('' when nothing). */
  hint: string;
}

/** "Listing API tokens failed: the credential was rejected — token expired (HTTP 401). Sign in again." */
export function describeFailure(f: FailureText): string {
  const op = f.operation.charAt(0).toUpperCase() + f.operation.slice(1);
  let text = l10n.t('{0} failed: {1}', op, f.summary);
  if (f.serverMessage) {
    text += ` — ${f.serverMessage}`;
  } else if (f.detail) {
    text += ` (${f.detail})`;
  }
  if (f.status !== undefined) {
    text += ` (HTTP ${f.status})`;
  }
  text += f.tail ?? '';
  return f.hint ? l10n.t('{0}. {1}', text, f.hint) : l10n.t('{0}.', text);
}

/** Network errors that mean the request never reached a server. */
const NOT_SENT = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

/** Whether a request that failed with this network error's detail may still have reached the server. */
export function mayHaveBeenSent(networkDetail: string | undefined): boolean {
  return !NOT_SENT.test(networkDetail ?? '');
}

// Tried only where a run of base64url characters starts (the lookbehind): linear time, however long
// the text (without it, a long run without dots takes quadratic time).
const JWT_LIKE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const MAX_SERVER_MESSAGE = 500;
/** Text beyond this is cut before it is searched: only the first MAX_SERVER_MESSAGE characters are kept anyway. */
const MAX_SCANNED = 4 * MAX_SERVER_MESSAGE;

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
  out = out.slice(0, MAX_SCANNED).replace(JWT_LIKE, '[redacted]');
  // Control and bidirectional characters make log lines and notifications unreadable or misleading
  // (a newline forges a log line); link syntax would be live in a notification.
  return inertText(out, MAX_SERVER_MESSAGE + 1).trim();
}

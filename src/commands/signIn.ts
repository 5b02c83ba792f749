import * as vscode from 'vscode';
import { CredentialStorageError } from '../auth/credentialStore';
import type { Session, VerifiedCredential } from '../auth/session';
import { TursoApiError } from '../platform/errors';
import { looksLikeJwt } from '../platform/jwt';
import type { Log } from '../log';

/** Why a token was not accepted, in words for the input box or a notification. */
export function rejectionMessage(err: unknown): string {
  if (err instanceof TursoApiError) {
    if (err.kind === 'unauthorized' || err.kind === 'forbidden') {
      return `Turso rejected this token: ${err.serverMessage ?? 'it is invalid, expired or revoked'}.`;
    }
    return `Couldn't check the token: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A local check before anything is sent: Platform API tokens are JWTs. */
export function checkTokenFormat(value: string): string | undefined {
  const token = value.trim();
  if (!token) {
    return 'Paste a Turso Platform API token.';
  }
  if (!looksLikeJwt(token)) {
    return 'This is not a Turso Platform API token: it should be a JWT (three parts separated by dots).';
  }
  return undefined;
}

/**
 * `turso.signIn`: asks for a Platform API token, validates it against the API, then stores it.
 * A rejected token keeps the input open with the reason, so nothing typed is lost.
 * Given a string (automation), signs in with it without the input box.
 */
export function signInCommand(session: Session, log: Log) {
  return async (arg?: unknown): Promise<boolean> => {
    if (typeof arg === 'string') {
      return signInWithToken(session, log, arg);
    }
    return promptForToken(session, log);
  };
}

async function signInWithToken(session: Session, log: Log, raw: string): Promise<boolean> {
  const token = raw.trim();
  const formatError = checkTokenFormat(token);
  if (formatError) {
    void vscode.window.showErrorMessage(formatError);
    return false;
  }
  try {
    const verified = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Signing in to Turso…' },
      () => session.signIn(token),
    );
    announce(verified);
    return true;
  } catch (err) {
    log.error('Sign-in failed', err);
    void vscode.window.showErrorMessage(rejectionMessage(err));
    return false;
  }
}

function promptForToken(session: Session, log: Log): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const input = vscode.window.createInputBox();
    input.title = 'Sign In to Turso';
    input.password = true;
    input.ignoreFocusOut = true;
    input.placeholder = 'Turso Platform API token';
    input.prompt = 'Paste a Turso Platform API token. Get one with `turso auth token`, or mint a lasting one with `turso auth api-tokens mint <name>`.';
    let settled = false;
    let attempt: AbortController | undefined;
    const finish = (ok: boolean): void => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    input.onDidChangeValue(() => {
      // The old reason no longer applies to what is being typed now.
      input.validationMessage = undefined;
    });
    input.onDidAccept(async () => {
      if (input.busy) {
        return;
      }
      const token = input.value.trim();
      const formatError = checkTokenFormat(token);
      if (formatError) {
        input.validationMessage = formatError;
        return;
      }
      input.busy = true;
      input.enabled = false;
      input.validationMessage = undefined;
      attempt = new AbortController();
      try {
        const verified = await session.signIn(token, attempt.signal);
        finish(true);
        input.hide();
        announce(verified);
      } catch (err) {
        if (err instanceof TursoApiError && err.kind === 'cancelled') {
          return;
        }
        log.error('Sign-in failed', err);
        if (err instanceof CredentialStorageError) {
          input.hide();
          void vscode.window.showErrorMessage(err.message);
          return;
        }
        input.validationMessage = rejectionMessage(err);
      } finally {
        input.busy = false;
        input.enabled = true;
      }
    });
    input.onDidHide(() => {
      attempt?.abort();
      input.dispose();
      finish(false);
    });
    input.show();
  });
}

function announce(verified: VerifiedCredential): void {
  void vscode.window.showInformationMessage(`Signed in to Turso as ${verified.user.username}.`);
}

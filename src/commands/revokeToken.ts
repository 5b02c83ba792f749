import { reportAuthFailure } from '../auth/authFailures';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { mayHaveTakenEffect, TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { displayName } from '../util/text';
import type { TokensTreeProvider } from '../views/tokensTreeProvider';
import { tokenFromArgOrPick } from './pickToken';

export type RevokeOutcome = 'revoked' | 'revoked-self' | 'already-gone' | 'failed' | 'cancelled';

/**
 * `turso.revokeToken`: from a token's row (context menu, inline trash) or the palette (pick one).
 * Asks first, naming the token; shows "Revoking…" on its row; signs out cleanly when the token was
 * this extension's own credential. A second request for a token already being revoked is ignored.
 */
export function revokeTokenCommand(session: Session, tree: TokensTreeProvider, log: Log) {
  const revoking = new Set<string>();
  /** Ids revoked from this window: a second confirmation queued by a double click sends nothing. */
  const revoked = new Set<string>();
  const command = async (arg?: unknown): Promise<RevokeOutcome> => {
    let token;
    try {
      token = await tokenFromArgOrPick(arg, session, tree, 'Revoke API Token');
    } catch (err) {
      log.error('Listing API tokens failed', err);
      if (!reportAuthFailure(err)) {
        void showErrorMessage(err instanceof Error ? err.message : String(err));
      }
      return 'failed';
    }
    const client = session.client();
    if (!token || !client) {
      return 'cancelled';
    }
    if (revoking.has(token.id) || revoked.has(token.id)) {
      return 'cancelled';
    }
    const self = token.id === session.credentialId;
    const shown = displayName(token.name);
    const detail = self
      ? 'This extension is signed in with this token: you will be signed out. Anything else using it stops working at once. This cannot be undone.'
      : 'Anything using it stops working at once. This cannot be undone.';
    const confirmed = await showWarningMessage(`Revoke API token "${shown}"?`, { modal: true, detail }, 'Revoke');
    if (confirmed !== 'Revoke' || revoking.has(token.id) || revoked.has(token.id)) {
      return 'cancelled';
    }
    revoking.add(token.id);
    tree.setBusy(token.id, 'Revoking…');
    try {
      await client.revokeApiToken(token.name);
      revoked.add(token.id);
      log.info(`Revoked API token "${token.name}"`);
      if (self) {
        await session.signOut();
        void showInformationMessage(`Revoked API token "${shown}". This extension was signed in with it, so you are now signed out.`);
        return 'revoked-self';
      }
      void showInformationMessage(`Revoked API token "${shown}".`);
      return 'revoked';
    } catch (err) {
      log.error(`Revoking API token "${token.name}" failed`, err);
      if (reportAuthFailure(err)) {
        return 'failed';
      }
      if (err instanceof TursoApiError && err.kind === 'notFound') {
        void showWarningMessage(`API token "${shown}" was already revoked or no longer exists.`);
        return 'already-gone';
      }
      const again = { kind: 'token', token } as const;
      const message = mayHaveTakenEffect(err)
        ? `Couldn't confirm that API token "${shown}" was revoked: ${err instanceof Error ? err.message : String(err)} ` +
          `The list has been refreshed: if "${shown}" is still in it, try again.`
        : err instanceof Error ? err.message : String(err);
      void showErrorMessage(message, TRY_AGAIN).then((choice) => {
        if (choice === TRY_AGAIN) {
          void command(again);
        }
      });
      return 'failed';
    } finally {
      revoking.delete(token.id);
      tree.setBusy(token.id, undefined);
      tree.refresh();
    }
  };
  return command;
}

const TRY_AGAIN = 'Try Again';

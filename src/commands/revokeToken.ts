import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { TursoApiError } from '../platform/errors';
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
  return async (arg?: unknown): Promise<RevokeOutcome> => {
    let token;
    try {
      token = await tokenFromArgOrPick(arg, session, tree, 'Revoke API Token');
    } catch (err) {
      log.error('Listing API tokens failed', err);
      if (!reportAuthFailure(err)) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      }
      return 'failed';
    }
    const client = session.client();
    if (!token || !client) {
      return 'cancelled';
    }
    if (revoking.has(token.id)) {
      return 'cancelled';
    }
    const self = token.id === session.credentialId;
    const detail = self
      ? 'This extension is signed in with this token: you will be signed out. Anything else using it stops working at once. This cannot be undone.'
      : 'Anything using it stops working at once. This cannot be undone.';
    const confirmed = await vscode.window.showWarningMessage(`Revoke API token "${token.name}"?`, { modal: true, detail }, 'Revoke');
    if (confirmed !== 'Revoke' || revoking.has(token.id)) {
      return 'cancelled';
    }
    revoking.add(token.id);
    tree.setBusy(token.id, 'Revoking…');
    try {
      await client.revokeApiToken(token.name);
      log.info(`Revoked API token "${token.name}"`);
      if (self) {
        await session.signOut();
        void vscode.window.showInformationMessage(`Revoked API token "${token.name}". This extension was signed in with it, so you are now signed out.`);
        return 'revoked-self';
      }
      void vscode.window.showInformationMessage(`Revoked API token "${token.name}".`);
      return 'revoked';
    } catch (err) {
      log.error(`Revoking API token "${token.name}" failed`, err);
      if (reportAuthFailure(err)) {
        return 'failed';
      }
      if (err instanceof TursoApiError && err.kind === 'notFound') {
        void vscode.window.showWarningMessage(`API token "${token.name}" was already revoked or no longer exists.`);
        return 'already-gone';
      }
      void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      return 'failed';
    } finally {
      revoking.delete(token.id);
      tree.setBusy(token.id, undefined);
      tree.refresh();
    }
  };
}

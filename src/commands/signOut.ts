import * as l10n from '@vscode/l10n';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';

/**
 * `turso.signOut`: forgets the active account's credential (in every window); given `{ all: true }`,
 * every account's. The tokens themselves stay valid at Turso.
 */
export function signOutCommand(session: Session, log: Log) {
  return async (arg?: unknown): Promise<boolean> => {
    const all = typeof arg === 'object' && arg !== null && (arg as { all?: unknown }).all === true;
    try {
      if (all) {
        await session.signOutAll();
      } else {
        await session.signOut();
      }
      void showInformationMessage(all ? l10n.t('Signed out of every Turso account.') : l10n.t('Signed out of Turso.'));
      return true;
    } catch (err) {
      log.error('Sign-out failed', err);
      void showErrorMessage(errorMessage(err));
      return false;
    }
  };
}

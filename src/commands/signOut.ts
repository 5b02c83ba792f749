import * as l10n from '@vscode/l10n';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { showErrorMessage, showInformationMessage } from '../ui/notify';

/** `turso.signOut`: forgets the stored credential (in every window). The token itself stays valid at Turso. */
export function signOutCommand(session: Session, log: Log) {
  return async (): Promise<boolean> => {
    try {
      await session.signOut();
      void showInformationMessage(l10n.t('Signed out of Turso.'));
      return true;
    } catch (err) {
      log.error('Sign-out failed', err);
      void showErrorMessage(err instanceof Error ? err.message : String(err));
      return false;
    }
  };
}

import * as vscode from 'vscode';
import { showInformationMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import type { CommandDeps } from './deps';
import { reportFailure } from './failures';
import { automationOf, rowOf } from './target';

export type SignOutDeps = Pick<CommandDeps, 'session' | 'accounts' | 'log'>;

interface AccountItem extends vscode.QuickPickItem {
  accountId: string;
}

/**
 * `turso.signOut`: forgets an account's credential (in every window): the account of the row it was
 * invoked on; from the palette, the only account, or the one picked (or all of them); given
 * `{ all: true }` by the product's own code (src/commands/target.ts automation), every account.
 * Another extension's argument is not acted on: the person picks. The tokens themselves stay valid
 * at Turso.
 */
export function signOutCommand(deps: SignOutDeps) {
  return async (arg?: unknown): Promise<boolean> => {
    const { session, accounts } = deps;
    let target = rowOf(arg, 'user')?.accountId;
    let all = automationOf<{ all: boolean }>(arg)?.all === true;
    if (!target && !all) {
      const signedIn = accounts.accounts;
      if (signedIn.length <= 1) {
        target = signedIn[0]?.id;
      } else {
        const items: AccountItem[] = [
          ...signedIn.map((a) => ({
            accountId: a.id,
            label: displayName(a.username ?? vscode.l10n.t('Turso account'), 128),
            description: a.id === accounts.activeId ? vscode.l10n.t('active') : undefined,
            iconPath: new vscode.ThemeIcon('account'),
          })),
          { accountId: '', label: vscode.l10n.t('All accounts'), iconPath: new vscode.ThemeIcon('sign-out') },
        ];
        const picked = (await pick<AccountItem>({ title: vscode.l10n.t('Sign Out of Turso'), placeholder: vscode.l10n.t('Pick an account'), items }))?.[0];
        if (!picked) {
          return false;
        }
        all = picked.accountId === '';
        target = picked.accountId || undefined;
      }
    }
    try {
      if (all) {
        await session.signOutAll();
      } else if (target) {
        await session.signOutOf(target);
      } else {
        await session.signOut();
      }
      void showInformationMessage(all ? vscode.l10n.t('Signed out of every Turso account.') : vscode.l10n.t('Signed out of Turso.'));
      return true;
    } catch (err) {
      reportFailure(deps.log, 'Sign-out failed', err);
      return false;
    }
  };
}

import * as vscode from 'vscode';
import type { Account, AccountModel } from '../accounts/accountModel';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';

export interface AccountCommandDeps {
  session: Session;
  accounts: AccountModel;
  log: Log;
}

interface AccountItem extends vscode.QuickPickItem {
  accountId: string | 'all';
}

function nodeAccount(arg: unknown): string | undefined {
  const node = arg as { kind?: string; accountId?: string } | undefined;
  return node && typeof node === 'object' && node.kind === 'user' ? node.accountId : undefined;
}

function accountLabel(account: Account): string {
  return displayName(account.username ?? vscode.l10n.t('Turso account'), 128);
}

async function pickAccount(accounts: AccountModel, title: string, withAll: boolean): Promise<string | undefined> {
  const items: AccountItem[] = accounts.accounts.map((a) => ({
    accountId: a.id,
    label: accountLabel(a),
    description: a.id === accounts.activeId ? vscode.l10n.t('active') : undefined,
    iconPath: new vscode.ThemeIcon('account'),
  }));
  if (withAll) {
    items.push({ accountId: 'all', label: vscode.l10n.t('All accounts'), iconPath: new vscode.ThemeIcon('sign-out') });
  }
  return (await pick<AccountItem>({ title, placeholder: vscode.l10n.t('Pick an account'), items }))?.[0]?.accountId;
}

/**
 * `turso.switchAccount`: makes another signed-in account the active one (the one palette commands
 * use), from its row, the status bar or the palette (a pick). Resolves true when switched.
 */
export function switchAccountCommand(deps: AccountCommandDeps) {
  return async (arg?: unknown): Promise<boolean> => {
    const target = nodeAccount(arg) ?? (typeof arg === 'string' ? arg : undefined)
      ?? (await pickAccount(deps.accounts, vscode.l10n.t('Switch Turso Account'), false));
    if (target === undefined || target === 'all' || !deps.accounts.account(target)) {
      return false;
    }
    try {
      await deps.session.switchTo(target);
      return true;
    } catch (err) {
      deps.log.error('Switching the account failed', err);
      void showErrorMessage(errorMessage(err));
      return false;
    }
  };
}

/**
 * `turso.signOutEverywhere`: ends every browser sign-in of an account at Turso (`POST
 * /v1/auth/invalidate`, what `turso auth logout --all` sends), after a confirmation. API tokens keep
 * working. An account signed in here with a browser sign-in is signed out here too.
 */
export function signOutEverywhereCommand(deps: AccountCommandDeps) {
  return async (arg?: unknown): Promise<boolean> => {
    const accountId = nodeAccount(arg) ?? deps.accounts.activeId;
    const account = deps.accounts.account(accountId);
    const client = account ? deps.accounts.clientFor(account.id) : undefined;
    if (!account || !client) {
      void showInformationMessage(vscode.l10n.t('Sign in to Turso first.'));
      return false;
    }
    const who = accountLabel(account);
    const confirm = vscode.l10n.t('Sign Out Everywhere');
    const choice = await showWarningMessage(
      vscode.l10n.t('Sign {0} out of every browser sign-in?', who),
      {
        modal: true,
        detail: vscode.l10n.t('Every 7-day login of this account (the Turso CLI and this extension included) stops working at once. API tokens keep working.'),
      },
      confirm,
    );
    if (choice !== confirm) {
      return false;
    }
    try {
      await client.invalidateSessions();
    } catch (err) {
      deps.log.error('Signing out everywhere failed', err);
      if (err instanceof TursoApiError && err.kind === 'notSupported') {
        void showErrorMessage(vscode.l10n.t('Signing out everywhere is not supported by this server. Nothing was changed.'));
      } else {
        void showErrorMessage(vscode.l10n.t("Couldn't sign out everywhere: {0}", errorMessage(err)));
      }
      return false;
    }
    deps.log.info('Signed out of every browser sign-in');
    // A login token (it expires) is one of the sessions just ended: this account is signed out here too.
    const loaded = account.settled;
    if (loaded?.kind === 'loaded' && loaded.validation?.expiresAt !== undefined) {
      await deps.session.signOutOf(account.id);
    }
    void showInformationMessage(vscode.l10n.t('{0} is signed out of every browser sign-in.', who));
    return true;
  };
}

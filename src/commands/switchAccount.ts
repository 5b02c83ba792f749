import * as vscode from 'vscode';
import type { Account, AccountModel } from '../accounts/accountModel';
import { TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import type { CommandDeps } from './deps';
import { reportFailure } from './failures';
import { rowOf } from './target';

export type AccountCommandDeps = Pick<CommandDeps, 'session' | 'accounts' | 'log'>;

interface AccountItem extends vscode.QuickPickItem {
  accountId: string | 'all';
}

/** The account of the account's row the command was run on, if it was. */
function nodeAccount(arg: unknown): string | undefined {
  return rowOf(arg, 'user')?.accountId;
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
 * use), from its row, the status bar or the palette (a pick). Resolves true when switched. Any
 * other argument (an account id, a look-alike of a row, from another extension) is not acted on:
 * the person picks.
 */
export function switchAccountCommand(deps: AccountCommandDeps) {
  return async (arg?: unknown): Promise<boolean> => {
    const target = nodeAccount(arg)
      ?? (await pickAccount(deps.accounts, vscode.l10n.t('Switch Turso Account'), false));
    if (target === undefined || target === 'all' || !deps.accounts.account(target)) {
      return false;
    }
    try {
      await deps.session.switchTo(target);
      return true;
    } catch (err) {
      reportFailure(deps.log, 'Switching the account failed', err);
      return false;
    }
  };
}

/**
 * `turso.signOutEverywhere`: asks Turso to invalidate all sessions of an account's user (`POST
 * /v1/auth/invalidate`, what `turso auth logout --all` sends), after a confirmation. The messages say
 * only that (the API and the CLI promise nothing more: not which credentials are sessions, nor what
 * keeps working). An account signed in here with a credential that expires (a login, not an API
 * token) is signed out here too, as the CLI forgets its own after `logout --all`.
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
    const loaded = account.settled;
    const login = loaded?.kind === 'loaded' && loaded.validation?.expiresAt !== undefined;
    const confirm = vscode.l10n.t('Sign Out Everywhere');
    const choice = await showWarningMessage(
      vscode.l10n.t('Invalidate all sessions of {0} at Turso?', who),
      {
        modal: true,
        detail: [
          vscode.l10n.t('Turso invalidates all sessions for this user, as “turso auth logout --all” does. This cannot be undone.'),
          ...(login ? [vscode.l10n.t('This extension is signed in as {0} with a sign-in that expires, not an API token: it signs out here too.', who)] : []),
        ].join(' '),
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
    deps.log.info('Turso invalidated all sessions of the account');
    // A credential that expires is a login, not an API token: forgotten here too, as the CLI does.
    if (login) {
      await deps.session.signOutOf(account.id);
    }
    void showInformationMessage(vscode.l10n.t('Turso invalidated all sessions of {0}.', who));
    return true;
  };
}

import * as vscode from 'vscode';
import type { Account } from '../accounts/accountModel';
import type { ApiToken } from '../platform/types';
import { displayName } from '../util/text';
import type { CommandDeps } from './deps';
import { tokenFromArgOrPick } from './pickToken';
import { reportFailure } from './failures';
import { revokeFlow, type Revocation, type RevokeFlowDeps, type RevokeOutcome } from './revokeFlow';
import { rowOf } from './target';

export { BUSY_MARK_DELAY_MS, type RevokeOutcome } from './revokeFlow';

/**
 * `turso.revokeToken`: from a token's row (context menu, inline trash) or the palette (pick one).
 * Revoked by name, with the account's credential (src/commands/revokeFlow.ts says how). A token of
 * an organization's row goes to `turso.revokeOrganizationToken`.
 */
export function revokeTokenCommand(
  deps: RevokeFlowDeps,
  /** Revokes a token of an organization by id: the command on such a row goes there. */
  revokeOrganizationToken?: (arg: unknown) => Promise<RevokeOutcome>,
) {
  const { accounts, log } = deps;
  const flow = revokeFlow(deps);
  const revokeOne = (token: ApiToken, account: Account): Promise<RevokeOutcome> =>
    flow(accountRevocation(deps, token, account, (accountId) => {
      const now = accounts.account(accountId);
      return now ? revokeOne(token, now) : Promise.resolve('cancelled');
    }));
  return async (arg?: unknown): Promise<RevokeOutcome> => {
    if (revokeOrganizationToken && rowOf(arg, 'orgToken')) {
      return revokeOrganizationToken(arg);
    }
    let token;
    try {
      token = await tokenFromArgOrPick(arg, accounts, vscode.l10n.t('Revoke API Token'));
    } catch (err) {
      reportFailure(log, 'Listing API tokens failed', err);
      return 'failed';
    }
    // A row's token belongs to that row's account; a picked one to the active account.
    const account = accounts.account(rowOf(arg, 'token')?.accountId ?? accounts.activeId);
    if (!token || !account) {
      return 'cancelled';
    }
    return revokeOne(token, account);
  };
}

/** An account's own token: revoked by name with the account's credential. */
function accountRevocation(
  { accounts, log }: Pick<CommandDeps, 'accounts' | 'log'>,
  token: ApiToken,
  account: Account,
  again: Revocation['again'],
): Revocation {
  const shown = displayName(token.name);
  const wasActive = account.id === accounts.activeId;
  return {
    key: token.id,
    token,
    account,
    logged: `"${token.name}"`,
    words: (self) => ({
      question: vscode.l10n.t('Revoke API token "{0}"?', shown),
      detail: self
        ? vscode.l10n.t('This extension is signed in with this token: you will be signed out. Anything else using it stops working at once. This cannot be undone.')
        : vscode.l10n.t('Anything using it stops working at once. This cannot be undone.'),
      revoked: vscode.l10n.t('Revoked API token "{0}".', shown),
      alreadyGone: vscode.l10n.t('API token "{0}" was already revoked or no longer exists.', shown),
    }),
    setBusy: (label) => accounts.setBusy(token.id, label),
    // Another window may have signed out, switched or replaced the credential while the question was
    // open: the request goes out with the credential stored now (the row's account's, or, for the
    // active account's token, the account active now).
    recheck: async (askedToken) => {
      const now = accounts.account(account.id) ?? (wasActive ? accounts.account(accounts.activeId) : undefined);
      const client = now ? accounts.clientFor(now.id) : undefined;
      if (!now || !client) {
        return { refused: vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of Turso meanwhile.', shown) };
      }
      // Tokens are revoked by name, and names are per account: after a change of credential, the
      // token confirmed must still be this account's (the same id), or nothing is sent.
      if (now.token !== askedToken && !(await client.listApiTokens()).some((t) => t.id === token.id)) {
        log.info(`Not revoking API token "${token.name}": the credential changed while the question was open, and the new one does not list it`);
        return {
          refused: vscode.l10n.t('API token "{0}" was not revoked: the extension switched to another Turso credential meanwhile, and that account has no such token.', shown),
        };
      }
      return { account: now, client };
    },
    send: (client) => client.revokeApiToken(token.name),
    // Gone for sure: the row is dropped without asking for the list again. Otherwise the list may
    // have changed (already gone, maybe revoked, signed out): it is loaded again.
    settle: (end) => {
      if (end.kind === 'gone' && !end.self) {
        accounts.removeToken(token.id, end.accountId);
      } else {
        accounts.refresh();
      }
    },
    again,
  };
}

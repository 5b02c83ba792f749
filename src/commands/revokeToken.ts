import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import { mayHaveTakenEffect, TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { displayName } from '../util/text';
import { tokenFromArgOrPick } from './pickToken';
import { errorMessage } from '../util/errors';
import type { CommandDeps } from './deps';

export type RevokeOutcome = 'revoked' | 'revoked-self' | 'already-gone' | 'failed' | 'cancelled';

/**
 * "Revoking…" appears on the row only when the answer takes longer than this. A quick answer then
 * removes the row at once: the view applies a change that follows another within 200 ms only when
 * those 200 ms are over, so marking the row first would hold back its removal.
 */
export const BUSY_MARK_DELAY_MS = 150;

/**
 * `turso.revokeToken`: from a token's row (context menu, inline trash) or the palette (pick one).
 * Asks first, naming the token; shows "Revoking…" on its row when the answer is slow; signs out
 * cleanly when the token was this extension's own credential. A second request for a token already
 * being revoked is ignored.
 */
export function revokeTokenCommand(
  { session, accounts, log }: CommandDeps,
  /** Revokes a token of an organization by id: the command on such a row goes there. */
  revokeOrganizationToken?: (arg: unknown) => Promise<RevokeOutcome>,
) {
  const revoking = new Set<string>();
  /** Ids revoked from this window: a second confirmation queued by a double click sends nothing. */
  const revoked = new Set<string>();
  const command = async (arg?: unknown): Promise<RevokeOutcome> => {
    if (revokeOrganizationToken && (arg as { kind?: unknown } | undefined)?.kind === 'orgToken') {
      return revokeOrganizationToken(arg);
    }
    let token;
    try {
      token = await tokenFromArgOrPick(arg, session, accounts, vscode.l10n.t('Revoke API Token'));
    } catch (err) {
      log.error('Listing API tokens failed', err);
      if (!reportAuthFailure(err)) {
        void showErrorMessage(errorMessage(err));
      }
      return 'failed';
    }
    // A row's token belongs to that row's account; a picked one to the active account.
    const node = arg as { kind?: string; accountId?: string } | undefined;
    const accountId = (node?.kind === 'token' ? node.accountId : undefined) ?? accounts.activeId;
    const account = accounts.account(accountId);
    if (!token || !account) {
      return 'cancelled';
    }
    if (revoking.has(token.id) || revoked.has(token.id)) {
      return 'cancelled';
    }
    // For the question's wording only: the credential is read again once the answer is in.
    const asked = { token: account.token, self: token.id === account.settledCredentialId, wasActive: account.id === accounts.activeId };
    const shown = displayName(token.name);
    const detail = asked.self
      ? vscode.l10n.t('This extension is signed in with this token: you will be signed out. Anything else using it stops working at once. This cannot be undone.')
      : vscode.l10n.t('Anything using it stops working at once. This cannot be undone.');
    const revoke = vscode.l10n.t('Revoke');
    const confirmed = await showWarningMessage(vscode.l10n.t('Revoke API token "{0}"?', shown), { modal: true, detail }, revoke);
    if (confirmed !== revoke || revoking.has(token.id) || revoked.has(token.id)) {
      return 'cancelled';
    }
    revoking.add(token.id);
    const tokenId = token.id;
    let marked = false;
    const mark = setTimeout(() => {
      marked = true;
      accounts.setBusy(tokenId, vscode.l10n.t('Revoking…'));
    }, BUSY_MARK_DELAY_MS);
    let gone = false;
    // The account the request goes out with, once the question is answered.
    let target = account;
    try {
      // Another window may have signed out, switched or replaced the credential while the question
      // was open: the request goes out with the credential stored now (the row's account's, or, for
      // the active account's token, the account active now), and "is it my own" is decided with it.
      await session.reread();
      const now = accounts.account(account.id) ?? (asked.wasActive ? accounts.account(accounts.activeId) : undefined);
      const client = now ? accounts.clientFor(now.id) : undefined;
      if (!now || !client) {
        void showWarningMessage(vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of Turso meanwhile.', shown));
        return 'cancelled';
      }
      target = now;
      const self = token.id === now.settledCredentialId;
      // Tokens are revoked by name, and names are per account: after a change of credential, the
      // token confirmed must still be this account's (the same id), or nothing is sent.
      if (now.token !== asked.token && !(await client.listApiTokens()).some((t) => t.id === tokenId)) {
        log.info(`Not revoking API token "${token.name}": the credential changed while the question was open, and the new one does not list it`);
        void showWarningMessage(
          vscode.l10n.t('API token "{0}" was not revoked: the extension switched to another Turso credential meanwhile, and that account has no such token.', shown),
        );
        return 'cancelled';
      }
      await client.revokeApiToken(token.name);
      revoked.add(token.id);
      log.info(`Revoked API token "${token.name}"`);
      if (self) {
        await session.signOutOf(now.id);
        void showInformationMessage(vscode.l10n.t('Revoked API token "{0}". This extension was signed in with it, so you are now signed out.', shown));
        return 'revoked-self';
      }
      void showInformationMessage(vscode.l10n.t('Revoked API token "{0}".', shown));
      gone = true;
      return 'revoked';
    } catch (err) {
      log.error(`Revoking API token "${token.name}" failed`, err);
      if (reportAuthFailure(err)) {
        return 'failed';
      }
      if (err instanceof TursoApiError && err.kind === 'notFound') {
        void showWarningMessage(vscode.l10n.t('API token "{0}" was already revoked or no longer exists.', shown));
        return 'already-gone';
      }
      const again = { kind: 'token', token, accountId: target.id } as const;
      const message = mayHaveTakenEffect(err)
        ? vscode.l10n.t(
            "Couldn't confirm that API token \"{0}\" was revoked: {1} The list has been refreshed: if \"{0}\" is still in it, try again.",
            shown,
            errorMessage(err),
          )
        : errorMessage(err);
      const tryAgain = vscode.l10n.t('Try Again');
      void showErrorMessage(message, tryAgain).then((choice) => {
        if (choice === tryAgain) {
          void command(again);
        }
      });
      return 'failed';
    } finally {
      revoking.delete(token.id);
      clearTimeout(mark);
      if (marked) {
        accounts.setBusy(token.id, undefined);
      }
      // Gone for sure: drop the row without asking for the list again. Otherwise the list may have
      // changed (already gone, maybe revoked): reload it.
      if (gone) {
        accounts.removeToken(token.id, target.id);
      } else {
        accounts.refresh();
      }
    }
  };
  return command;
}

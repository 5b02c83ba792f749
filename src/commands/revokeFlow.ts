import * as vscode from 'vscode';
import type { Account } from '../accounts/accountModel';
import { reportAuthFailure } from '../auth/authFailures';
import type { SecretPlaces } from '../github/places';
import type { Log } from '../log';
import type { TursoClient } from '../platform/client';
import { mayHaveTakenEffect, TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import type { CommandDeps } from './deps';
import { offerTryAgain } from './failures';

export type RevokeOutcome = 'revoked' | 'revoked-self' | 'already-gone' | 'failed' | 'cancelled';

/**
 * "Revoking…" appears on the row only when the answer takes longer than this. A quick answer then
 * removes the row at once: the view applies a change that follows another within 200 ms only when
 * those 200 ms are over, so marking the row first would hold back its removal.
 */
export const BUSY_MARK_DELAY_MS = 150;

/** What the dialogs say of the token (the question asked knowing whether it is the extension's own credential). */
export interface RevokeWords {
  question: string;
  detail: string;
  revoked: string;
  alreadyGone: string;
  /** Said for a 403 (then the lists are asked again: a role may have changed); without it, a 403 is any failure. */
  forbidden?: string;
}

/**
 * How the request ended, for the lists: the token is gone (revoked with `accountId`'s credential), is
 * unchanged (nothing sent, or refused for sure), was refused with a 403, or may or may not be gone.
 */
export type RevokeEnd =
  | { kind: 'gone'; accountId: string; self: boolean }
  | { kind: 'unchanged' }
  | { kind: 'forbidden' }
  | { kind: 'unknown' };

/**
 * One token to revoke, and what differs between an account's own token (revoked by name) and an
 * organization's (revoked by id): the words, the row marked busy, the checks once the question is
 * answered, the request, and what the lists do afterwards.
 */
export interface Revocation {
  /** The same key for the same token: a second request while one is open, or after it is revoked, is ignored. */
  key: string;
  token: { id: string; name: string };
  /** The account asked about, as it is when asked. */
  account: Account;
  /** How the log names it (never a value): `"ci" of alice in "acme"`. */
  logged: string;
  words(self: boolean): RevokeWords;
  setBusy(label: string | undefined): void;
  /**
   * After the stored credentials were read again: the account and client to send with, or why
   * nothing is sent (said as a warning). `askedToken` is the credential the question was asked with.
   */
  recheck(askedToken: string): Promise<{ account: Account; client: TursoClient } | { refused: string }>;
  send(client: TursoClient): Promise<void>;
  /** The lists, once the request has ended. */
  settle(end: RevokeEnd): void;
  /** "Try Again": the same token, with the account the request went out with. */
  again(accountId: string): Promise<RevokeOutcome>;
}

/**
 * Signs out (revoking its own credential), reads the credentials again before sending, logs;
 * `places`: the GitHub Actions secrets remembered by token id, forgotten for a token revoked.
 */
export type RevokeFlowDeps = Pick<CommandDeps, 'session' | 'accounts' | 'log'> & { places?: SecretPlaces };

/**
 * The revoke, for every kind of token: asks first (naming the token), shows "Revoking…" on its row
 * when the answer is slow, reads the credentials again before sending (another window may have signed
 * out or switched), signs out cleanly when the token was this extension's own credential, and says
 * each failure in its words, with Try Again where trying again may help. A second request for a token
 * already being revoked, or revoked, is ignored.
 */
export function revokeFlow({ session, accounts, log, places }: RevokeFlowDeps) {
  const revoking = new Set<string>();
  /** Revoked from this window: a second confirmation queued by a double click sends nothing. */
  const revoked = new Set<string>();
  const taken = (key: string) => revoking.has(key) || revoked.has(key);
  return async (r: Revocation): Promise<RevokeOutcome> => {
    if (taken(r.key)) {
      return 'cancelled';
    }
    // For the question's wording only: the credential is read again once the answer is in.
    const askedToken = r.account.token;
    const words = r.words(r.token.id === r.account.settledCredentialId);
    const revoke = vscode.l10n.t('Revoke');
    const confirmed = await showWarningMessage(words.question, { modal: true, detail: words.detail }, revoke);
    if (confirmed !== revoke || taken(r.key)) {
      return 'cancelled';
    }
    revoking.add(r.key);
    let marked = false;
    const mark = setTimeout(() => {
      marked = true;
      r.setBusy(vscode.l10n.t('Revoking…'));
    }, BUSY_MARK_DELAY_MS);
    let end: RevokeEnd = { kind: 'unknown' };
    // The account the request goes out with, once the question is answered.
    let sentWith = r.account.id;
    try {
      await accounts.reread();
      const now = await r.recheck(askedToken);
      if ('refused' in now) {
        end = { kind: 'unchanged' };
        void showWarningMessage(now.refused);
        return 'cancelled';
      }
      sentWith = now.account.id;
      const self = r.token.id === now.account.settledCredentialId;
      await r.send(now.client);
      revoked.add(r.key);
      end = { kind: 'gone', accountId: now.account.id, self };
      log.info(`Revoked API token ${r.logged}`);
      // The secrets it was saved to hold a value that no longer works: their row note goes (a failure is only logged).
      places?.forget(r.token.id).catch((err: unknown) => log.error(`Forgetting the GitHub Actions secrets of API token ${r.logged} failed`, err));
      if (self) {
        await session.signOutOf(now.account.id);
        void showInformationMessage(vscode.l10n.t('Revoked API token "{0}". This extension was signed in with it, so you are now signed out.', displayName(r.token.name)));
        return 'revoked-self';
      }
      void showInformationMessage(words.revoked);
      return 'revoked';
    } catch (err) {
      const failed = failure(log, r, words, err, () => r.again(sentWith));
      end = failed.end;
      return failed.outcome;
    } finally {
      revoking.delete(r.key);
      clearTimeout(mark);
      if (marked) {
        r.setBusy(undefined);
      }
      r.settle(end);
    }
  };
}

/** A failed request, said in its words: a 401 as such, a 403 and a 404 plainly, anything else with Try Again. */
function failure(log: Log, r: Revocation, words: RevokeWords, err: unknown, again: () => Promise<RevokeOutcome>): { outcome: RevokeOutcome; end: RevokeEnd } {
  log.error(`Revoking API token ${r.logged} failed`, err);
  if (reportAuthFailure(err)) {
    return { outcome: 'failed', end: { kind: 'unknown' } };
  }
  if (words.forbidden && err instanceof TursoApiError && err.kind === 'forbidden') {
    // Not revoked; the role shown may be out of date: the lists are asked again.
    void showErrorMessage(words.forbidden);
    return { outcome: 'failed', end: { kind: 'forbidden' } };
  }
  if (err instanceof TursoApiError && err.kind === 'notFound') {
    void showWarningMessage(words.alreadyGone);
    return { outcome: 'already-gone', end: { kind: 'unknown' } };
  }
  const maybe = mayHaveTakenEffect(err);
  const message = maybe
    ? vscode.l10n.t(
        "Couldn't confirm that API token \"{0}\" was revoked: {1} The list has been refreshed: if \"{0}\" is still in it, try again.",
        displayName(r.token.name),
        errorMessage(err),
      )
    : errorMessage(err);
  offerTryAgain(message, again);
  return { outcome: 'failed', end: maybe ? { kind: 'unknown' } : { kind: 'unchanged' } };
}

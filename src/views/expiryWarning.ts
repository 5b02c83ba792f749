import * as vscode from 'vscode';
import { expiryState, formatTimeLeft, needsExpiryWarning, secondsUntilWarning, timerDelayMs } from '../auth/expiry';
import { showErrorMessage, showWarningMessage } from '../ui/notify';
import type { AccountState } from '../accounts/accountModel';
import { errorMessage } from '../util/errors';

/** The offer's button (translated when called; the same text is compared with the choice). */
export const createPermanentTokenAction = (): string => vscode.l10n.t('Create a Permanent Token');

/** The create flow (`turso.createToken`) with "Use for this extension" preselected. */
export function createPermanentToken(): Thenable<unknown> {
  return vscode.commands.executeCommand('turso.createToken', undefined, { useForExtension: true });
}

export interface ExpiryWarningOptions {
  /** Epoch seconds; injectable for tests. */
  now?: () => number;
  /** Logs a failure to run the offered action. */
  onError?: (message: string, err: unknown) => void;
}

/**
 * One warning when the signed-in credential has less than a day left (a 7-day login token from the
 * browser or the CLI), offering a permanent API token instead. At most once per credential in a
 * window session: not at every load, not at every refresh. A window left open past the one-day mark
 * gets it then, from a timer (no request). Expired and rejected credentials get no pop-up here: the
 * tree's error node and the status bar say it.
 */
export class ExpiryWarning implements vscode.Disposable {
  private readonly warned = new Set<string>();
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(account: { readonly onDidLoadAccount: vscode.Event<AccountState> }, private readonly options: ExpiryWarningOptions = {}) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.subscription = account.onDidLoadAccount((state) => this.follow(state));
  }

  dispose(): void {
    this.clearTimer();
    this.subscription.dispose();
  }

  private follow(state: AccountState): void {
    this.clearTimer();
    if (state.kind !== 'signedIn' || state.validation?.expiresAt === undefined) {
      return;
    }
    const { username } = state.user;
    const expiresAt = state.validation.expiresAt;
    // A login token is identified by who and when it ends: another sign-in gets its own warning.
    const key = `${username}@${expiresAt}`;
    const check = (): void => {
      this.timer = undefined;
      const expiry = expiryState({ expiresAt }, this.now());
      if (needsExpiryWarning(expiry)) {
        if (!this.warned.has(key)) {
          this.warned.add(key);
          void this.warn(username, expiry.kind === 'expires' ? expiry.secondsLeft : 0);
        }
        return;
      }
      const wait = secondsUntilWarning(expiry);
      if (wait !== undefined) {
        this.timer = setTimeout(check, timerDelayMs(wait));
      }
    };
    check();
  }

  private async warn(username: string, secondsLeft: number): Promise<void> {
    const choice = await showWarningMessage(
      vscode.l10n.t(
        'Your Turso sign-in as {0} expires in {1}. Create a permanent API token for this extension to keep working without signing in again.',
        username,
        formatTimeLeft(secondsLeft),
      ),
      createPermanentTokenAction(),
    );
    if (choice !== createPermanentTokenAction()) {
      return;
    }
    try {
      await createPermanentToken();
    } catch (err) {
      this.options.onError?.('Creating a permanent token failed', err);
      void showErrorMessage(vscode.l10n.t("Couldn't start creating a token: {0}", errorMessage(err)));
    }
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

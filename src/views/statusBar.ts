import * as vscode from 'vscode';
import { expiryLabel, expiryState, formatExpiryMoment, formatTimeLeft, secondsUntilLabelChanges, timerDelayMs, type ExpiryState } from '../auth/expiry';
import { isUnauthorized } from '../platform/errors';
import type { TokenValidation, TursoUser } from '../platform/types';
import { errorMessage } from '../util/errors';
import { displayName, inertText } from '../util/text';
import type { AccountState } from '../accounts/accountModel';
import { TOKENS_VIEW_ID } from './tokensTreeProvider';

export const STATUS_BAR_ITEM_ID = 'turso.account';
const FOCUS_VIEW_COMMAND = `${TOKENS_VIEW_ID}.focus`;

/**
 * What the status bar needs of the account model: whether there is a credential, when that changes,
 * and the account each load found (it makes no request of its own).
 */
export interface AccountSignal {
  readonly signedIn: boolean;
  /** The credential (or the API) changed: what was shown is no longer known to be true. */
  readonly onDidChangeCredential: vscode.Event<void>;
  readonly onDidLoadAccount: vscode.Event<AccountState>;
  /** How many accounts are signed in: with several, a click switches between them. */
  readonly accountCount?: number;
  initialize(): Promise<void>;
}

type Shown =
  /** Before the stored credential was read: nothing to show yet. */
  | { kind: 'starting' }
  | { kind: 'signedOut' }
  /** Signed in; no load has told who (the Turso view loads when it is shown). */
  | { kind: 'pending' }
  | { kind: 'account'; user: TursoUser; validation?: TokenValidation; problem?: string }
  | { kind: 'rejected'; user?: TursoUser; reason: string }
  /** Signed in, but the account could not be loaded (network, settings, server). */
  | { kind: 'unavailable'; user?: TursoUser; problem: string };

/**
 * The account in the status bar: `$(account) demo` (server text in it without `$(…)` icon syntax), with "expires in 3 days" for an expiring
 * credential, a warning look once it expired or Turso rejected it, and a click that leads to the
 * fix (the Turso view, or Sign In). It follows the account model's loads and credential (so sign-in and
 * sign-out in another window show here too), and re-renders on its own when the time left reads
 * differently, without asking the API.
 */
export class AccountStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private shown: Shown = { kind: 'starting' };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly account: AccountSignal,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Turso Account');
    this.disposables.push(
      this.item,
      account.onDidChangeCredential(() => this.followSession()),
      account.onDidLoadAccount((state) => this.followLoad(state)),
    );
    void account.initialize().then(
      () => this.shown.kind === 'starting' && this.followSession(),
      () => this.shown.kind === 'starting' && this.followSession(),
    );
  }

  dispose(): void {
    this.clearTimer();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private followSession(): void {
    // Another credential (or API): what was shown is no longer known to be true.
    this.show(this.account.signedIn ? { kind: 'pending' } : { kind: 'signedOut' });
  }

  private followLoad(state: AccountState): void {
    switch (state.kind) {
      case 'signedOut':
        this.show({ kind: 'signedOut' });
        return;
      case 'signedIn':
        this.show({ kind: 'account', user: state.user, validation: state.validation });
        return;
      case 'error': {
        const previous = this.shown.kind === 'account' || this.shown.kind === 'rejected' || this.shown.kind === 'unavailable'
          ? this.shown.user
          : undefined;
        const err = state.error;
        if (isUnauthorized(err)) {
          this.show({ kind: 'rejected', user: previous, reason: err.serverMessage ?? vscode.l10n.t('Turso rejected the credential') });
        } else {
          // Not the credential's fault (network, settings, server): keep what is known, say what failed.
          const problem = errorMessage(err);
          this.show(this.shown.kind === 'account'
            ? { ...this.shown, problem }
            : { kind: 'unavailable', user: previous, problem });
        }
        return;
      }
    }
  }

  private show(shown: Shown): void {
    this.shown = shown;
    this.render();
  }

  private render(): void {
    this.clearTimer();
    const item = this.item;
    const shown = this.shown;
    item.backgroundColor = undefined;
    switch (shown.kind) {
      case 'starting':
        item.hide();
        return;
      case 'signedOut':
        item.text = `$(account) ${vscode.l10n.t('Sign In to Turso')}`;
        item.tooltip = vscode.l10n.t('Not signed in to Turso. Click to sign in.');
        item.command = { command: 'turso.signIn', title: vscode.l10n.t('Sign In…') };
        item.accessibilityInformation = { label: vscode.l10n.t('Turso: not signed in. Sign in.') };
        break;
      case 'pending':
        item.text = '$(account) Turso';
        item.tooltip = vscode.l10n.t('Signed in to Turso. Click to show the account.');
        item.command = { command: FOCUS_VIEW_COMMAND, title: vscode.l10n.t('Show Turso Account') };
        item.accessibilityInformation = { label: vscode.l10n.t('Turso: signed in. Show the account.') };
        break;
      case 'unavailable': {
        const who = displayName(shown.user?.username ?? 'Turso', 64);
        item.text = `$(account) ${who}`;
        item.tooltip = tooltip([[vscode.l10n.t("Couldn't load your Turso account"), shown.problem]]);
        item.command = { command: FOCUS_VIEW_COMMAND, title: vscode.l10n.t('Show Turso Account') };
        item.accessibilityInformation = { label: vscode.l10n.t("Turso: couldn't load the account. Show the Turso view.") };
        break;
      }
      case 'rejected': {
        const who = displayName(shown.user?.username ?? 'Turso', 64);
        item.text = `$(warning) ${vscode.l10n.t('{0} · sign in again', who)}`;
        item.tooltip = tooltip([
          ['Turso', vscode.l10n.t('Session expired or revoked — sign in again')],
          [vscode.l10n.t('Reason'), shown.reason],
          ...(shown.user ? [[vscode.l10n.t('Username'), shown.user.username] as [string, string]] : []),
        ]);
        item.command = { command: 'turso.signIn', title: vscode.l10n.t('Sign In…') };
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        item.accessibilityInformation = { label: vscode.l10n.t('Turso: the session of {0} expired or was revoked. Sign in again.', who) };
        break;
      }
      case 'account': {
        const state = expiryState(shown.validation, this.now());
        const label = expiryLabel(state);
        const name = displayName(shown.user.username, 64);
        const rows: [string, string][] = [[vscode.l10n.t('Signed in to Turso as'), name]];
        if (shown.user.name && shown.user.name !== name) {
          rows.push([vscode.l10n.t('Name'), shown.user.name]);
        }
        rows.push([vscode.l10n.t('Credential'), credentialText(state)]);
        if (shown.problem) {
          rows.push([vscode.l10n.t("Couldn't refresh"), shown.problem]);
        }
        if (state.kind === 'expired') {
          item.text = `$(warning) ${vscode.l10n.t('{0} · expired', name)}`;
          item.command = { command: 'turso.signIn', title: vscode.l10n.t('Sign In…') };
          item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
          item.accessibilityInformation = { label: vscode.l10n.t('Turso: the sign-in of {0} expired. Sign in again.', name) };
        } else {
          item.text = label ? `$(account) ${name} · ${label}` : `$(account) ${name}`;
          item.command = (this.account.accountCount ?? 1) > 1
            ? { command: 'turso.switchAccount', title: vscode.l10n.t('Switch Turso Account') }
            : { command: FOCUS_VIEW_COMMAND, title: vscode.l10n.t('Show Turso Account') };
          if ((this.account.accountCount ?? 1) > 1) {
            rows.push([vscode.l10n.t('Accounts'), vscode.l10n.t('{0} signed in; click to switch', this.account.accountCount ?? 1)]);
          }
          item.accessibilityInformation = {
            label: label
              ? vscode.l10n.t('Turso: signed in as {0}, credential {1}.', name, label)
              : vscode.l10n.t('Turso: signed in as {0}.', name),
          };
        }
        item.tooltip = tooltip(rows);
        const next = secondsUntilLabelChanges(state);
        if (next !== undefined) {
          this.timer = setTimeout(() => this.render(), timerDelayMs(next));
        }
        break;
      }
    }
    item.show();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function credentialText(state: ExpiryState): string {
  switch (state.kind) {
    case 'never':
      return vscode.l10n.t('never expires (API token)');
    case 'expires':
      return vscode.l10n.t('expires {0} (in {1})', formatExpiryMoment(state.expiresAt), formatTimeLeft(state.secondsLeft));
    case 'expired':
      return vscode.l10n.t('expired {0}', formatExpiryMoment(state.expiresAt));
    case 'unknown':
      return vscode.l10n.t('expiry unknown');
  }
}

/** Rows as Markdown; values (server text included) go in as plain text. */
function tooltip(rows: [string, string][]): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  rows.forEach(([label, value], i) => {
    md.appendMarkdown(`**${label}:** `);
    md.appendText(inertText(value, 1000));
    if (i < rows.length - 1) {
      md.appendMarkdown('  \n');
    }
  });
  return md;
}

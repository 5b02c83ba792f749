import * as vscode from 'vscode';
import { showWarningMessage } from './notify';

/**
 * Restricted Mode (a folder the person has not trusted): the accounts, the tree and the account
 * commands work; what reads or writes the workspace waits for trust: searching its env files for
 * tokens, writing into them (Save to .env, rotation), and the workspace's `turso.*` settings (VS Code
 * ignores them: `capabilities.untrustedWorkspaces.restrictedConfigurations` in package.json).
 */
export function workspaceTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

const manageTrust = (): string => vscode.l10n.t('Manage Workspace Trust');

/** Says why `what` waits for trust, with a button that opens VS Code's workspace trust editor. */
export function sayWaitsForTrust(message: string): void {
  void showWarningMessage(message, manageTrust()).then((choice) => {
    if (choice === manageTrust()) {
      void vscode.commands.executeCommand('workbench.trust.manage');
    }
  });
}

/** Save to .env in Restricted Mode: nothing written; the reveal panel shows why. */
export function saveEnvWaitsForTrust(): { status: 'refused'; message: string } {
  return {
    status: 'refused',
    message: vscode.l10n.t('Not saved to .env: this folder is in Restricted Mode. Trust it to let the extension write into its files, or copy the token.'),
  };
}

/** A rotation in Restricted Mode: nothing created, written or revoked (the env files that hold the token are not even searched). */
export function rotationWaitsForTrust(): { outcome: 'cancelled' } {
  sayWaitsForTrust(vscode.l10n.t("Rotating an API token needs the workspace's env files: this folder is in Restricted Mode. Trust it first. Nothing was changed."));
  return { outcome: 'cancelled' };
}

/** Open Where Used in Restricted Mode: the env files are not searched. */
export function tokenUsageWaitsForTrust(): undefined {
  sayWaitsForTrust(vscode.l10n.t("This folder is in Restricted Mode: its env files are not searched for tokens until you trust it."));
  return undefined;
}

/**
 * Follows workspace trust for the Turso view: the workspace's env files are searched (`scan`) once the
 * view is visible, and only in a trusted folder (at once when trust is granted); the view says what
 * waits for trust while the folder is in Restricted Mode.
 */
export class RestrictedMode implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly accounts: { readonly accounts: readonly unknown[]; readonly onDidChange: vscode.Event<unknown> },
    private readonly scan: () => void,
  ) {
    this.subscriptions = [
      view.onDidChangeVisibility(() => this.update()),
      accounts.onDidChange(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    ];
  }

  /** Searches the workspace if it may and the view is visible; says what waits for trust. */
  update(): void {
    const trusted = workspaceTrusted();
    const message = restrictedModeMessage(trusted, this.accounts.accounts.length > 0);
    if ((this.view.message || undefined) !== message) {
      this.view.message = message;
    }
    if (trusted && this.view.visible) {
      this.scan();
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * What the view says in Restricted Mode, over the accounts' rows. Never when the tree is empty: a
 * message hides the welcome view and its Sign In button.
 */
export function restrictedModeMessage(trusted: boolean, hasRows: boolean): string | undefined {
  return trusted || !hasRows
    ? undefined
    : vscode.l10n.t("Restricted Mode: this folder's env files are not searched for tokens, and nothing is written into them, until you trust it.");
}

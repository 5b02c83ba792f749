import * as vscode from 'vscode';

const KEY = 'turso.platformApiToken';

/** SecretStorage could not be used (commonly: no OS keyring on Linux). Nothing was stored anywhere else. */
export class CredentialStorageError extends Error {
  constructor(action: 'read' | 'save' | 'delete', cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // One whole sentence per action, so that a translation can put the verb where its language wants it.
    const failed = action === 'read'
      ? vscode.l10n.t("Couldn't read the Turso credential in VS Code's secret storage ({0}).", reason)
      : action === 'save'
        ? vscode.l10n.t("Couldn't save the Turso credential in VS Code's secret storage ({0}).", reason)
        : vscode.l10n.t("Couldn't delete the Turso credential in VS Code's secret storage ({0}).", reason);
    super(
      vscode.l10n.t(
        '{0} On Linux this usually means no keyring (for example GNOME Keyring or KWallet) is available. The token was not saved anywhere else.',
        failed,
      ),
    );
    this.name = 'CredentialStorageError';
  }
}

/**
 * The only place that touches `context.secrets`. The token lives nowhere else: not in settings,
 * not in globalState, not in logs.
 */
export class CredentialStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the credential changed, in this window or in another one (secrets are shared). */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === KEY) {
        this.emitter.fire();
      }
    });
  }

  async get(): Promise<string | undefined> {
    try {
      return (await this.secrets.get(KEY)) || undefined;
    } catch (err) {
      throw new CredentialStorageError('read', err);
    }
  }

  async store(token: string): Promise<void> {
    try {
      await this.secrets.store(KEY, token);
    } catch (err) {
      throw new CredentialStorageError('save', err);
    }
  }

  async delete(): Promise<void> {
    try {
      await this.secrets.delete(KEY);
    } catch (err) {
      throw new CredentialStorageError('delete', err);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

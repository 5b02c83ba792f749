import * as vscode from 'vscode';
import type { CredentialStore, StoredAccount } from '../auth/credentialStore';

export const AUTH_PROVIDER_ID = 'turso';
export const AUTH_PROVIDER_LABEL = 'Turso';

/**
 * The signed-in Turso accounts as VS Code authentication sessions: they appear in the Accounts menu
 * (signing out there signs out here), and another extension can ask for one with
 * `vscode.authentication.getSession('turso', [], { createIfNone: true })` after VS Code's consent
 * prompt. The credentials stay where they are (CredentialStore); this only presents them.
 */
export class TursoAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** The sessions last reported, to tell VS Code what was added, removed or changed. */
  private reported: Promise<Map<string, vscode.AuthenticationSession>>;
  private diffs: Promise<void> = Promise.resolve();

  /** `signIn` runs the sign-in flow (it makes the new account the active one); resolves true when signed in. */
  constructor(private readonly store: CredentialStore, private readonly signIn: () => Thenable<unknown>) {
    this.reported = this.current().catch(() => new Map());
    this.subscription = store.onDidChange(() => {
      this.diffs = this.diffs.then(() => this.report(), () => this.report());
    });
  }

  /** Every account (Turso has no scopes: a credential can do what its account can). */
  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    return [...(await this.current()).values()];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const signedIn = await this.signIn();
    const active = signedIn === true ? await this.store.active() : undefined;
    if (!active) {
      throw new Error(vscode.l10n.t('Signing in to Turso was cancelled.'));
    }
    return toSession(active);
  }

  /** "Sign Out" in the Accounts menu: that account only. */
  async removeSession(sessionId: string): Promise<void> {
    await this.store.delete(sessionId);
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  private async current(): Promise<Map<string, vscode.AuthenticationSession>> {
    return new Map((await this.store.accounts()).map((a) => [a.id, toSession(a)]));
  }

  private async report(): Promise<void> {
    const before = await this.reported;
    let now: Map<string, vscode.AuthenticationSession>;
    try {
      now = await this.current();
    } catch {
      return; // storage unreadable: nothing reliable to report
    }
    this.reported = Promise.resolve(now);
    const added = [...now.values()].filter((s) => !before.has(s.id));
    const removed = [...before.values()].filter((s) => !now.has(s.id));
    const changed = [...now.values()].filter((s) => {
      const old = before.get(s.id);
      return old !== undefined && (old.accessToken !== s.accessToken || old.account.label !== s.account.label);
    });
    if (added.length || removed.length || changed.length) {
      this.emitter.fire({ added, removed, changed });
    }
  }
}

function toSession(account: StoredAccount): vscode.AuthenticationSession {
  const label = account.username ?? AUTH_PROVIDER_LABEL;
  return { id: account.id, accessToken: account.token, account: { id: account.id, label }, scopes: [] };
}

import * as vscode from 'vscode';
import type { Log } from '../log';
import type { Account, AccountModel } from './accountModel';
import { OrganizationsModel, type OrganizationsChange } from './organizationsModel';

/**
 * The organizations of every signed-in account: one `OrganizationsModel` per account, made when the
 * account's Organizations are first wanted, forgotten with the account (or its credential). A refresh
 * reloads what every account shows, all at once.
 */
export class AccountOrganizations implements vscode.Disposable {
  private readonly models = new Map<string, { account: Account; model: OrganizationsModel; subscription: { dispose(): void } }>();
  private readonly changeEmitter = new vscode.EventEmitter<{ accountId: string; change: OrganizationsChange }>();
  /** What an account's organizations show changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(private readonly accounts: AccountModel, private readonly log: Log) {
    // Another active credential, or other API settings: what was known is dropped.
    this.disposables.push(accounts.onDidChangeCredential(() => this.resetAll()));
  }

  /** The account's organizations (made on first use); undefined when no such account is signed in. */
  modelFor(accountId: string | undefined): OrganizationsModel | undefined {
    const account = this.accounts.account(accountId);
    if (!account || accountId === undefined) {
      return undefined;
    }
    const known = this.models.get(accountId);
    // The same account id with another credential (signed in again): nothing of the old one is kept.
    if (known && known.account.token === account.token) {
      return known.model;
    }
    this.forget(accountId);
    const model = new OrganizationsModel({
      client: () => this.accounts.clientFor(accountId),
      username: () => this.accounts.account(accountId)?.username,
      onError: (message, err) => this.log.error(message, err),
    });
    const subscription = model.onDidChange((change) => this.changeEmitter.fire({ accountId, change }));
    this.models.set(accountId, { account, model, subscription });
    return model;
  }

  /** The account's organizations if they were ever wanted (no model is made). */
  existing(accountId: string | undefined): OrganizationsModel | undefined {
    return accountId === undefined ? undefined : this.models.get(accountId)?.model;
  }

  /** Reloads, for every account, the organization list and the expanded organizations: all at once. */
  refresh(): void {
    for (const [accountId, { account }] of [...this.models]) {
      if (this.accounts.account(accountId)?.token !== account.token) {
        this.forget(accountId);
      }
    }
    for (const { model } of this.models.values()) {
      model.refresh();
    }
  }

  dispose(): void {
    for (const accountId of [...this.models.keys()]) {
      this.forget(accountId);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private resetAll(): void {
    for (const { model } of this.models.values()) {
      model.reset();
    }
  }

  private forget(accountId: string): void {
    const known = this.models.get(accountId);
    if (known) {
      known.subscription.dispose();
      known.model.dispose();
      this.models.delete(accountId);
      this.changeEmitter.fire({ accountId, change: undefined });
    }
  }
}

import * as vscode from 'vscode';
import { TursoClient, type RequestEvent } from '../platform/client';
import { readJwtClaims } from '../platform/jwt';
import type { ApiToken, TokenValidation, TursoUser } from '../platform/types';
import { affectsApi, readApiSettings } from '../settings';
import type { CredentialStore, StoredAccount } from './credentialStore';

export const SIGNED_IN_CONTEXT = 'turso.signedIn';
/**
 * Set once the stored accounts were read at activation (or failed to be). The signed-out welcome waits
 * for it: before, `turso.signedIn` is unset in every window, and a signed-in person would see "Sign in
 * to Turso" until SecretStorage answers.
 */
export const ACCOUNTS_READ_CONTEXT = 'turso.accountsRead';

function settingsKey(): string {
  const { baseUrl, rawBaseUrl, timeoutMs } = readApiSettings();
  return JSON.stringify([baseUrl, rawBaseUrl, timeoutMs]);
}

/** The API base URL setting is not usable; the message says why. */
export class ApiSettingsError extends Error {
  constructor(readonly rawBaseUrl: string, readonly reason: string) {
    super(vscode.l10n.t('The setting turso.apiBaseUrl is not usable: {0}.', reason));
    this.name = 'ApiSettingsError';
  }
}

export interface VerifiedCredential {
  user: TursoUser;
  validation: TokenValidation;
}

/** What sign-in fetched for the tree's first load: the checks, and the token list asked for with them. */
export interface PrimedLoad extends VerifiedCredential {
  tokens: Promise<ApiToken[]>;
}

/**
 * Why the session changed: another active credential (or none), other API settings, or only the
 * other accounts (one added, removed, renamed).
 */
export type SessionChange = 'credential' | 'settings' | 'accounts';

/** A sign-in that just succeeded: the credential, and what was fetched with its checks. */
export interface SignInResult {
  token: string;
  result: PrimedLoad;
}

export interface SessionOptions {
  userAgent: string;
  onRequest?: (event: RequestEvent) => void;
}

/**
 * Signs in, out and switches, and keeps who the extension is signed in as: it follows the credential
 * in every window and the API settings, and says so through `onDidChange`. Commands and views read
 * the accounts, and get a client for one, from AccountModel (src/accounts/accountModel.ts).
 */
export class Session implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SessionChange>();
  readonly onDidChange = this.emitter.event;
  private readonly signInEmitter = new vscode.EventEmitter<SignInResult>();
  /** Fires when a sign-in here succeeded, before `onDidChange`: its checks serve the first load. */
  readonly onDidSignIn = this.signInEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private token: string | undefined;
  /** The stored account the credential belongs to (src/auth/credentialStore.ts). */
  private account: string | undefined;
  /** Every signed-in account, in the order they were added. */
  private stored: readonly StoredAccount[] = [];
  /** Counts sign-ins here: a read of the store that began before one is not applied. */
  private reads = 0;
  private readChain: Promise<void> = Promise.resolve();
  private queuedRead: Promise<void> | undefined;
  private loaded: Promise<void> | undefined;
  /**
   * Counts real changes (credential or API settings). Views note the generation they loaded for, so
   * the change event that follows a change they already loaded for costs no second load.
   */
  generation = 0;
  /** The API settings in use, to tell a real change from an event that changed nothing. */
  private settingsKey = settingsKey();

  constructor(private readonly store: CredentialStore, private readonly options: SessionOptions) {
    this.disposables.push(
      this.emitter,
      this.signInEmitter,
      store.onDidChange(() => void this.reload()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        // Hosts also send this event when settings arrive at start-up with nothing changed for us.
        const key = settingsKey();
        if (affectsApi(e) && key !== this.settingsKey) {
          this.settingsKey = key;
          this.generation++;
          this.emitter.fire('settings');
        }
      }),
    );
  }

  /** Reads the stored credential once; later calls wait for the same read. */
  initialize(): Promise<void> {
    this.loaded ??= this.reload();
    return this.loaded;
  }

  /** Whether `token` is the signed-in credential. */
  isCurrent(token: string): boolean {
    return this.token !== undefined && this.token === token;
  }

  /** Every signed-in account (the active one among them), in the order they were added. */
  get accounts(): readonly StoredAccount[] {
    return this.stored;
  }

  /** The stored account's id, when signed in. */
  get accountId(): string | undefined {
    return this.account;
  }

  /**
   * Reads the stored credential again: for a command about to act on an answer, since another
   * window may have changed the credential while the question was open (before its change event arrived).
   */
  async reread(): Promise<void> {
    await this.reload();
  }

  get signedIn(): boolean {
    return this.token !== undefined;
  }

  /** The id (`jti`) of the signed-in credential, to recognise it among the listed API tokens. */
  get credentialId(): string | undefined {
    return this.token ? readJwtClaims(this.token)?.jti : undefined;
  }

  /** Values that must never be written anywhere (used by the log's redaction). */
  secrets(): string[] {
    return this.token ? [this.token] : [];
  }

  /** Checks a token against the API (validate and current user, in parallel) without storing it. */
  async verify(token: string, signal?: AbortSignal): Promise<VerifiedCredential> {
    return verifyWith(this.clientFor(token), signal);
  }

  /**
   * Verifies, then stores. Nothing is stored when verification or storage fails. The token list is
   * asked for together with the checks (sign-in is one round trip); it is used only once they pass,
   * and its own failure does not fail sign-in (the tree shows it).
   */
  async signIn(token: string, signal?: AbortSignal): Promise<VerifiedCredential> {
    const client = this.clientFor(token);
    // Cancelling sign-in cancels the list too, but only until sign-in succeeds: closing the input
    // after success must not cancel what the tree is about to show.
    const listing = new AbortController();
    const relay = (): void => listing.abort();
    signal?.addEventListener('abort', relay, { once: true });
    const tokens = client.listApiTokens({ signal: listing.signal });
    tokens.catch(() => undefined);
    let verified: VerifiedCredential;
    try {
      verified = await verifyWith(client, signal);
      this.account = await this.store.store(token, verified.user.username);
    } catch (err) {
      listing.abort();
      throw err;
    } finally {
      signal?.removeEventListener('abort', relay);
    }
    this.signInEmitter.fire({ token, result: { ...verified, tokens } });
    this.reads++; // a read of the store that began before this sign-in is out of date
    await this.applyStored();
    return verified;
  }

  /** Forgets the active account's credential (in every window); another stored account, if any, becomes active. */
  async signOut(): Promise<void> {
    await this.store.delete(this.account);
    await this.reload();
  }

  /** Forgets one account's credential (in every window). */
  async signOutOf(accountId: string): Promise<void> {
    await this.store.delete(accountId);
    await this.reload();
  }

  /** Makes another signed-in account the active one (the one palette commands use), in every window. */
  async switchTo(accountId: string): Promise<void> {
    await this.store.setActive(accountId);
    await this.reload();
  }

  /** Forgets every stored account's credential. */
  async signOutAll(): Promise<void> {
    for (const account of await this.store.accounts()) {
      await this.store.delete(account.id);
    }
    await this.reload();
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** A client for any token (validating a pasted one); nothing is stored. */
  clientFor(token: string): TursoClient {
    const settings = readApiSettings();
    if (!settings.baseUrl) {
      throw new ApiSettingsError(settings.rawBaseUrl, settings.error ?? vscode.l10n.t('invalid URL'));
    }
    return new TursoClient({
      baseUrl: settings.baseUrl,
      token,
      timeoutMs: settings.timeoutMs,
      userAgent: this.options.userAgent,
      onRequest: this.options.onRequest,
    });
  }

  /**
   * Reads the active account from the store and follows it. Reads run one after another, so the last
   * change is the one applied; a change during a read queues one more read (never more).
   */
  private reload(): Promise<void> {
    if (!this.queuedRead) {
      const next = this.readChain.then(() => {
        this.queuedRead = undefined;
        return this.applyStored();
      });
      this.queuedRead = next;
      this.readChain = next.catch(() => undefined);
    }
    return this.queuedRead;
  }

  private async applyStored(): Promise<void> {
    const read = this.reads;
    const { accounts, activeId } = await this.store.snapshot();
    if (read !== this.reads) {
      return; // a sign-in here since the read began: it reads again itself
    }
    const listChanged = !sameAccounts(this.stored, accounts);
    this.stored = accounts;
    this.account = activeId;
    const tokenChanged = await this.setToken(accounts.find((a) => a.id === activeId)?.token);
    if (listChanged && !tokenChanged) {
      this.emitter.fire('accounts');
    }
  }

  /** Resolves true when the active credential changed (`onDidChange` has fired). */
  private async setToken(token: string | undefined): Promise<boolean> {
    const changed = token !== this.token;
    this.token = token;
    if (changed) {
      this.generation++;
    }
    await vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT, token !== undefined);
    if (changed) {
      this.emitter.fire('credential');
    }
    return changed;
  }
}

function sameAccounts(a: readonly StoredAccount[], b: readonly StoredAccount[]): boolean {
  return a.length === b.length && a.every((x, i) => x.id === b[i].id && x.token === b[i].token && x.username === b[i].username);
}

async function verifyWith(client: TursoClient, signal?: AbortSignal): Promise<VerifiedCredential> {
  const [validation, user] = await Promise.all([client.validateToken(undefined, { signal }), client.getCurrentUser({ signal })]);
  return { user, validation };
}

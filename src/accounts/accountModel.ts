import * as vscode from 'vscode';
import { isUnauthorized } from '../platform/errors';
import type { PrimedLoad, Session, SessionChange } from '../auth/session';
import type { Log } from '../log';
import { errorMessage } from '../util/errors';
import type { TursoClient } from '../platform/client';
import { readJwtClaims } from '../platform/jwt';
import type { ApiToken, TokenValidation, TursoUser } from '../platform/types';
import type { AccountCache } from './accountCache';

/** What the last load found, for the views of the account (status bar, expiry warnings). */
export type AccountState =
  | { kind: 'signedOut' }
  | { kind: 'signedIn'; user: TursoUser; validation?: TokenValidation }
  | { kind: 'error'; error: unknown };

/** An account as the last known state names it, before the stored credentials are read. */
export interface LastKnownAccount {
  readonly id: string;
  readonly username: string;
  /** The id (`jti`) of its credential then. */
  readonly credentialId?: string;
  readonly load: AccountLoad;
}

/** The accounts of the last known state, in their order, and which was active. */
export interface LastKnownAccounts {
  readonly accounts: readonly LastKnownAccount[];
  readonly activeId: string;
}

/** One load's result. A new object whenever anything in it changes, so views can tell by identity. */
export type AccountLoad =
  | {
      kind: 'loaded';
      user: TursoUser;
      /** The signed-in credential's validation; undefined when it could not be checked. */
      validation?: TokenValidation;
      tokens: readonly ApiToken[] | { error: unknown };
      /** `jti` of the signed-in credential, to recognise it among the tokens. */
      credentialId?: string;
      /** The last known state from an earlier session (globalState): shown until the first load ends. */
      cached?: true;
    }
  | { kind: 'failed'; error: unknown };

/** What changed: everything (undefined), or only how one token's row reads (its busy text). */
export type AccountChange = { tokenId: string } | undefined;

/** Sign-in's own checks are used by the first load only when they are this fresh. */
const PRIMED_FRESH_MS = 30_000;

/** One signed-in account and its loads. */
export class Account {
  current: Promise<AccountLoad> | undefined;
  /** The last load that finished and was not superseded. */
  settled: AccountLoad | undefined;
  loading: AbortController | undefined;
  reloadQueued = false;
  /** The last known state from an earlier session, as a load, until a load of this session ends. */
  cachedLoad: AccountLoad | undefined;

  constructor(
    /** The stored account's id (src/auth/credentialStore.ts). */
    readonly id: string,
    /** Its credential: never shown, logged or written anywhere but SecretStorage. */
    readonly token: string,
    /** The username the store has for it (none yet for a credential moved in from an earlier version). */
    readonly storedUsername?: string,
  ) {}

  /** The `jti` of this account's credential: which of its tokens it is. */
  get settledCredentialId(): string | undefined {
    return readJwtClaims(this.token)?.jti;
  }

  /** The username, as the last load or the store knows it. */
  get username(): string | undefined {
    return this.settled?.kind === 'loaded' ? this.settled.user.username : this.storedUsername;
  }

  /** The tokens of the last finished load, or undefined when none has finished or the list failed. */
  knownTokens(): readonly ApiToken[] | undefined {
    const load = this.settled;
    return load?.kind === 'loaded' && !('error' in load.tokens) ? load.tokens : undefined;
  }

  drop(): void {
    this.loading?.abort();
    this.loading = undefined;
    this.reloadQueued = false;
    this.current = undefined;
    this.settled = undefined;
  }
}

/**
 * The signed-in Turso accounts: for each, its credential (from the session), who it is, the
 * credential's validation, its API tokens, and whether a load is running or failed; and which one is
 * active (the one palette commands use). The tree, the status bar and the expiry warning follow it;
 * commands change it (a created or revoked token) without a request.
 *
 * A load asks for user, validation and token list in parallel (one round trip; every account at
 * once). Nothing is asked before someone wants the accounts (`load()`: the view became visible, a
 * command). Per account, at most one load runs at a time; a refresh during a load queues exactly one
 * more; a load superseded while it ran (sign-out, another credential, new settings) is dropped.
 */
export class AccountModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<AccountChange>();
  /** What a view shows of the accounts changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly credentialEmitter = new vscode.EventEmitter<void>();
  /** The active credential or the API settings changed: what was known of the active account is dropped. */
  readonly onDidChangeCredential = this.credentialEmitter.event;
  private readonly loadEmitter = new vscode.EventEmitter<AccountState>();
  /** Fires after every load of the active account, and on sign-out. No extra request is made for it. */
  readonly onDidLoadAccount = this.loadEmitter.event;
  private readonly loadingEmitter = new vscode.EventEmitter<Promise<unknown>>();
  /** A load started; the promise settles when it ends (for a progress indicator). */
  readonly onDidStartLoading = this.loadingEmitter.event;
  private readonly usernameEmitter = new vscode.EventEmitter<{ accountId: string; username: string }>();
  /** A load told an account's username and the store has another one (or none) for it. */
  readonly onDidLearnUsername = this.usernameEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.credentialEmitter, this.loadEmitter, this.loadingEmitter, this.usernameEmitter];

  /** The accounts, in the order they were added. */
  private entries: Account[] = [];
  /** What sign-in fetched moments ago, handed to the first load for that credential (once). */
  private primed: { token: string; at: number; result: PrimedLoad } | undefined;
  /** Token id → what is happening to it ("Revoking…"). */
  private readonly busy = new Map<string, string>();
  /** The first read of the stored credentials, and whether it has ended. */
  private read: Promise<void> | undefined;
  private readDone = false;

  /**
   * `cache`: the last known state of each account (globalState), written after every load and
   * change of the list, shown on a cold open until the first load ends, cleared on sign-out.
   */
  constructor(private readonly session: Session, private readonly log: Log, private readonly cache?: AccountCache) {
    this.disposables.push(
      session.onDidSignIn(({ token, result }) => {
        this.primed = { token, at: Date.now(), result };
      }),
      session.onDidChange((change) => this.reset(change)),
    );
  }

  get signedIn(): boolean {
    return this.session.signedIn;
  }

  /** The id (`jti`) of the active credential. */
  get credentialId(): string | undefined {
    return this.session.credentialId;
  }

  /** Every signed-in account, in the order they were added. */
  get accounts(): readonly Account[] {
    this.follow();
    return this.entries;
  }

  get accountCount(): number {
    return this.accounts.length;
  }

  /** The active account's id. */
  get activeId(): string | undefined {
    return this.session.accountId;
  }

  account(id: string | undefined): Account | undefined {
    return id === undefined ? undefined : this.accounts.find((a) => a.id === id);
  }

  /** A client for an account's credential (undefined when it is no longer signed in). */
  clientFor(accountId: string | undefined): TursoClient | undefined {
    const account = this.account(accountId);
    return account ? this.session.clientFor(account.token) : undefined;
  }

  /**
   * A client for any token value (a pasted one, one found in a file): nothing is stored. Throws
   * ApiSettingsError when the API base URL setting is not usable.
   */
  clientForValue(token: string): TursoClient {
    return this.session.clientFor(token);
  }

  /**
   * Reads the stored credentials again: for a command about to act on an answer, since another
   * window may have signed out or switched while the question was open (before its change event arrived).
   */
  reread(): Promise<void> {
    return this.session.reread();
  }

  /**
   * Resolves once the stored credentials have been read (SecretStorage; no request to Turso), also
   * when reading them failed (initialize() reports that). The tree waits for it before its first rows.
   */
  ready(): Promise<void> {
    return this.whenRead().catch(() => undefined);
  }

  /** Resolves once the stored credentials have been read (the last known state of accounts signed out meanwhile is forgotten). */
  initialize(): Promise<void> {
    return this.whenRead().then(() => this.cache?.retain(this.session.accounts.map((a) => a.id), this.activeId));
  }

  /** Whether the stored credentials have been read (or reading them failed): `ready()` has resolved. */
  get credentialsRead(): boolean {
    return this.readDone;
  }

  /**
   * Before the stored credentials are read (SecretStorage answers in a round trip to the window): the
   * accounts the last known state names, in their order, each with that state as a load marked
   * `cached`, and which was active, so that a cold open paints them at once. Their credentials are
   * not known yet: nothing can be asked for them, and the store has the last word once read.
   * Undefined once they are read, when no account has a last known state, or when several have and
   * which was active is not known.
   */
  lastKnownAccounts(): LastKnownAccounts | undefined {
    const cache = this.readDone ? undefined : this.cache;
    const ids = cache?.accountIds() ?? [];
    const activeId = ids.length === 1 ? ids[0] : cache?.activeId();
    if (!cache || activeId === undefined) {
      return undefined;
    }
    const accounts: LastKnownAccount[] = [];
    for (const id of ids) {
      const cached = cache.get(id);
      if (!cached) {
        return undefined;
      }
      const { user, tokens, credentialId } = cached;
      accounts.push({ id, username: user.username, credentialId, load: { kind: 'loaded', user, tokens, credentialId, cached: true } });
    }
    return { accounts, activeId };
  }

  private whenRead(): Promise<void> {
    this.read ??= this.session.initialize().finally(() => {
      this.readDone = true;
    });
    return this.read;
  }

  /**
   * What the tree can show of an account now, without a request: its last finished load, or, before
   * the first one, its last known state from an earlier session (`cached: true`).
   */
  shownLoad(account: Account): AccountLoad | undefined {
    return account.settled ?? account.cachedLoad;
  }

  /**
   * The active account as loaded for the current credential: the running load, the last one, or a
   * new one. Undefined when signed out.
   */
  async load(): Promise<AccountLoad | undefined> {
    for (;;) {
      const id = this.activeId;
      const load = id === undefined ? undefined : await this.loadAccount(id);
      if (this.activeId === id) {
        return load;
      }
    }
  }

  /** Every account's load, started together (one round trip for all). */
  async loadAll(): Promise<{ account: Account; load: AccountLoad }[]> {
    const loads = await Promise.all(this.accounts.map(async (account) => ({ account, load: await this.loadAccount(account.id) })));
    return loads.flatMap((l) => (l.load ? [{ account: l.account, load: l.load }] : []));
  }

  /** One account's load; undefined once that account is signed out. */
  async loadAccount(id: string): Promise<AccountLoad | undefined> {
    for (;;) {
      const account = this.account(id);
      if (!account) {
        return undefined;
      }
      const pending = this.start(account);
      const result = await pending;
      if (account.current === pending && this.account(id) === account) {
        if (account.settled !== result) {
          account.settled = result;
          account.cachedLoad = undefined;
          this.remember(account, result);
        }
        return result;
      }
    }
  }

  /** Every account has a finished load and none is running: the tree can be built without waiting. */
  get allSettled(): boolean {
    return this.accounts.every((a) => a.loading === undefined && a.current !== undefined && a.settled !== undefined);
  }

  /** The active account's last finished load (no request). */
  get lastLoad(): AccountLoad | undefined {
    return this.account(this.activeId)?.settled;
  }

  /** Reloads every account from the API. During a load, one more load is queued (never more). */
  refresh(): void {
    // An explicit reload asks the API for everything again, even moments after a sign-in.
    this.primed = undefined;
    let changed = false;
    for (const account of this.accounts) {
      if (account.loading) {
        account.reloadQueued = true;
      } else {
        account.current = undefined;
        changed = true;
      }
    }
    if (changed) {
      this.changeEmitter.fire(undefined);
    }
  }

  /** Resolves when the current (or next) load of every account has finished. */
  async whenLoaded(): Promise<void> {
    await this.loadAll();
  }

  /** The active account's tokens of the last finished load, or undefined. */
  knownTokens(accountId = this.activeId): readonly ApiToken[] | undefined {
    return this.account(accountId)?.knownTokens();
  }

  /** A token created here: the API's answer to the create is all its row needs. */
  addToken(token: ApiToken, accountId = this.activeId): void {
    this.updateTokens(accountId, (tokens) => [...tokens.filter((t) => t.id !== token.id), token]);
  }

  /** A revoked token: dropped without asking the API for the list again. */
  removeToken(tokenId: string, accountId = this.accountOfToken(tokenId) ?? this.activeId): void {
    this.updateTokens(accountId, (tokens) => tokens.filter((t) => t.id !== tokenId));
  }

  /** The account whose listed tokens include this one. */
  accountOfToken(tokenId: string): string | undefined {
    return this.accounts.find((a) => a.knownTokens()?.some((t) => t.id === tokenId))?.id;
  }

  /** What is happening to a token ("Revoking…"); `undefined` clears it. */
  setBusy(tokenId: string, text: string | undefined): void {
    if (text === undefined) {
      this.busy.delete(tokenId);
    } else {
      this.busy.set(tokenId, text);
    }
    this.changeEmitter.fire({ tokenId });
  }

  busyText(tokenId: string): string | undefined {
    return this.busy.get(tokenId);
  }

  dispose(): void {
    for (const account of this.entries) {
      account.drop();
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** Changes the list locally; when there is no settled list to change, reloads instead. */
  private updateTokens(accountId: string | undefined, change: (tokens: readonly ApiToken[]) => ApiToken[]): void {
    const account = this.account(accountId);
    const load = account?.settled;
    const tokens = account?.knownTokens();
    if (!account || load?.kind !== 'loaded' || !tokens || account.loading) {
      this.refresh();
      return;
    }
    const updated: AccountLoad = { ...load, tokens: change(tokens) };
    account.settled = updated;
    account.current = Promise.resolve(updated);
    this.remember(account, updated);
    this.changeEmitter.fire(undefined);
  }

  /** Keeps what a load found (no token value: see AccountCache) for the next cold open. */
  private remember(account: Account, load: AccountLoad): void {
    if (load.kind === 'loaded' && !load.cached && !('error' in load.tokens)) {
      try {
        // In the store's order, with the active one noted (one write).
        this.cache?.set(account.id, load.user, load.tokens, Date.now(), load.credentialId, { ids: this.session.accounts.map((a) => a.id), active: this.activeId });
      } catch (err) {
        this.log.warn(`Keeping the account's last known state failed: ${errorMessage(err)}`);
      }
    }
  }

  /** An account's last known state from an earlier session, as a load marked `cached`. */
  private cachedLoadOf(account: Account): AccountLoad | undefined {
    const cached = this.cache?.get(account.id);
    // Kept for another user than the store names (the account's credential changed hands): not shown.
    const same = cached && (account.storedUsername === undefined || account.storedUsername === cached.user.username);
    return cached && same ? { kind: 'loaded', user: cached.user, tokens: cached.tokens, credentialId: account.settledCredentialId, cached: true } : undefined;
  }

  /** Matches the accounts to the session's: an account with the same id and credential keeps its loads. */
  private follow(): boolean {
    const stored = this.session.accounts;
    if (stored.length === this.entries.length && stored.every((s, i) => s.id === this.entries[i].id && s.token === this.entries[i].token)) {
      return false;
    }
    const kept = new Map(this.entries.map((a) => [`${a.id}\n${a.token}`, a]));
    const next = stored.map((s) => kept.get(`${s.id}\n${s.token}`) ?? this.newAccount(s.id, s.token, s.username));
    for (const old of this.entries) {
      if (!next.includes(old)) {
        old.drop();
      }
    }
    this.entries = next;
    return true;
  }

  private newAccount(id: string, token: string, username: string | undefined): Account {
    const account = new Account(id, token, username);
    account.cachedLoad = this.cachedLoadOf(account);
    return account;
  }

  private reset(change: SessionChange): void {
    if (change === 'settings') {
      this.primed = undefined;
      for (const account of this.entries) {
        account.drop();
        account.cachedLoad = undefined;
      }
      // Another API: what was known is another server's.
      this.cache?.clear();
    }
    const before = this.lastActive;
    this.follow();
    // Signed out (here or in another window): its last known state goes too.
    this.cache?.retain(this.session.accounts.map((a) => a.id), this.activeId);
    const active = this.account(this.activeId);
    this.lastActive = active;
    if (change === 'accounts' && before === active) {
      this.changeEmitter.fire(undefined);
      return;
    }
    if (!active) {
      this.loadEmitter.fire({ kind: 'signedOut' });
    }
    this.changeEmitter.fire(undefined);
    // The views already show the new active account when its load has reported (the view asked for
    // it as soon as the signed-in context changed, before this event arrived).
    if (!active?.settled || change === 'settings') {
      this.credentialEmitter.fire();
    } else if (before !== active) {
      this.reportLoad(active.settled);
    }
  }

  /** The active account the views were last told about. */
  private lastActive: Account | undefined;

  private reportLoad(load: AccountLoad): void {
    this.loadEmitter.fire(load.kind === 'loaded' ? { kind: 'signedIn', user: load.user, validation: load.validation } : { kind: 'error', error: load.error });
  }

  private start(account: Account): Promise<AccountLoad> {
    if (!account.current) {
      const controller = new AbortController();
      account.loading = controller;
      const load = this.fetch(account, controller.signal).finally(() => {
        if (account.loading !== controller) {
          return;
        }
        account.loading = undefined;
        if (account.reloadQueued) {
          account.reloadQueued = false;
          account.current = undefined;
          this.changeEmitter.fire(undefined);
        }
      });
      account.current = load;
      this.loadingEmitter.fire(load);
    }
    return account.current;
  }

  /** Sign-in's checks, once, when they are for this credential and fresh. */
  private takePrimed(token: string): PrimedLoad | undefined {
    const primed = this.primed;
    if (primed?.token !== token) {
      return undefined;
    }
    this.primed = undefined;
    return Date.now() - primed.at < PRIMED_FRESH_MS ? primed.result : undefined;
  }

  private async fetch(account: Account, signal: AbortSignal): Promise<AccountLoad> {
    const active = (): boolean => this.activeId === account.id;
    try {
      const client = this.session.clientFor(account.token);
      const credentialId = readJwtClaims(account.token)?.jti;
      // Just signed in: sign-in fetched all three a moment ago, together.
      const primed = this.takePrimed(account.token);
      const [user, validation, tokens] = await Promise.allSettled([
        primed ? Promise.resolve(primed.user) : client.getCurrentUser({ signal }),
        primed ? Promise.resolve(primed.validation) : client.validateToken(undefined, { signal }),
        primed ? primed.tokens : client.listApiTokens({ signal }),
      ]);
      if (signal.aborted) {
        return { kind: 'failed', error: new Error('Superseded') };
      }
      // A 401 on any of them means the credential itself is gone: one "sign in again", for this account only.
      for (const result of [validation, user, tokens]) {
        if (result.status === 'rejected' && isUnauthorized(result.reason)) {
          return this.failed(result.reason, active());
        }
      }
      if (user.status === 'rejected') {
        return this.failed(user.reason, active());
      }
      const checked = validation.status === 'fulfilled' ? validation.value : undefined;
      if (user.value.username !== account.storedUsername) {
        this.usernameEmitter.fire({ accountId: account.id, username: user.value.username });
      }
      if (active()) {
        this.loadEmitter.fire({ kind: 'signedIn', user: user.value, validation: checked });
      }
      if (tokens.status === 'rejected') {
        this.log.error('Loading API tokens failed', tokens.reason);
      }
      if (validation.status === 'rejected') {
        this.log.warn(`Validating the signed-in credential failed: ${errorMessage(validation.reason)}`);
      }
      return {
        kind: 'loaded',
        user: user.value,
        validation: checked,
        tokens: tokens.status === 'fulfilled' ? tokens.value : { error: tokens.reason },
        credentialId,
      };
    } catch (err) {
      // A superseded load is not shown; its cancellation is not an error worth reporting.
      return signal.aborted ? { kind: 'failed', error: err } : this.failed(err, active());
    }
  }

  private failed(error: unknown, active: boolean): AccountLoad {
    this.log.error('Loading the Turso account failed', error);
    if (active) {
      this.loadEmitter.fire({ kind: 'error', error });
    }
    return { kind: 'failed', error };
  }
}

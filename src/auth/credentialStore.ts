import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { errorMessage } from '../util/errors';

/** Which accounts exist and which one is active: ids and usernames only, never a token. */
export const INDEX_KEY = 'turso.accounts';
/** One key per account: `turso.account.<id>` holds that account's credential. */
export const ACCOUNT_KEY_PREFIX = 'turso.account.';
/** Where versions before several accounts kept the one credential; moved into an account on sight. */
export const LEGACY_KEY = 'turso.platformApiToken';

/** SecretStorage could not be used (commonly: no OS keyring on Linux). Nothing was stored anywhere else. */
export class CredentialStorageError extends Error {
  constructor(action: 'read' | 'save' | 'delete', cause: unknown) {
    const reason = errorMessage(cause);
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

/** A signed-in account as stored: an opaque id, the username once known, and its credential. */
export interface StoredAccount {
  readonly id: string;
  readonly username?: string;
  readonly token: string;
}

interface IndexEntry {
  id: string;
  username?: string;
}
interface Index {
  accounts: IndexEntry[];
  active?: string;
}

/**
 * The only place that touches `context.secrets`. Each account's credential lives under its own key;
 * an index (ids, usernames, the active one) says which exist. Tokens live nowhere else: not in
 * settings, not in globalState, not in logs. Writes from this window are made one at a time; other
 * windows share the same storage and their changes arrive through `onDidChange`.
 */
export class CredentialStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when an account was added, removed, changed or activated, in this window or another one. */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** This window's writes, in order. */
  private writes: Promise<unknown> = Promise.resolve();
  /** How many of this window's writes have not ended. */
  private writing = 0;

  /**
   * `likelyAccountIds`: the accounts the index probably lists (the accounts' last known state in
   * globalState, which holds ids only): their credentials are asked together with the index, so a
   * cold open waits for one round trip to the secret storage, not three one after another.
   */
  constructor(private readonly secrets: vscode.SecretStorage, private readonly likelyAccountIds: () => readonly string[] = () => []) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === INDEX_KEY || e.key === LEGACY_KEY || e.key.startsWith(ACCOUNT_KEY_PREFIX)) {
        this.emitter.fire();
      }
    });
  }

  /** Every stored account, the active one first. A credential stored by an earlier version is moved in first. */
  async accounts(): Promise<StoredAccount[]> {
    const { accounts, activeId } = await this.snapshot();
    const active = accounts.findIndex((a) => a.id === activeId);
    return active > 0 ? [accounts[active], ...accounts.filter((_, i) => i !== active)] : accounts;
  }

  /** Every stored account in the order they were added, and which one is active (the first when none is marked). */
  async snapshot(): Promise<{ accounts: StoredAccount[]; activeId?: string }> {
    // Each read is a round trip to wherever VS Code keeps secrets (in a browser: the page). With no
    // write of this window under way, the legacy key, the index and the credentials of the accounts
    // it probably lists are asked together: the cold open's first paint waits for one round trip.
    const early = this.writing === 0 ? this.readTogether() : undefined;
    let index: Index;
    let guessed = new Map<string, Promise<string | undefined>>();
    if (early && !(await early.legacy)) {
      index = await early.index;
      guessed = early.tokens;
    } else {
      await this.migrate();
      index = await this.readIndex();
    }
    const tokens = await Promise.all(index.accounts.map((entry) => guessed.get(entry.id) ?? this.read(ACCOUNT_KEY_PREFIX + entry.id)));
    const out: StoredAccount[] = [];
    index.accounts.forEach((entry, i) => {
      const token = tokens[i];
      if (token) {
        out.push({ id: entry.id, username: entry.username, token });
      }
    });
    const activeId = out.some((a) => a.id === index.active) ? index.active : out[0]?.id;
    return { accounts: out, activeId };
  }

  /** The active account (the first one when none is marked), or undefined when signed out. */
  async active(): Promise<StoredAccount | undefined> {
    return (await this.accounts())[0];
  }

  /** The active account's credential. */
  async get(): Promise<string | undefined> {
    return (await this.active())?.token;
  }

  /**
   * Stores a verified credential and makes its account the active one. The account of the same
   * username, when there is one, gets the new credential (signing in again replaces, never doubles).
   * Resolves to the account's id.
   */
  store(token: string, username?: string): Promise<string> {
    return this.write(async () => {
      const index = await this.readIndex();
      const same = username === undefined ? undefined : index.accounts.find((a) => a.username === username);
      const id = same?.id ?? randomUUID();
      await this.save(ACCOUNT_KEY_PREFIX + id, token);
      const accounts = same ? index.accounts : [...index.accounts, { id, username }];
      await this.writeIndex({ accounts, active: id });
      return id;
    });
  }

  /** Forgets one account (by default the active one); another one, if any, becomes active. */
  delete(id?: string): Promise<void> {
    return this.write(async () => {
      const index = await this.readIndex();
      const target = id ?? index.active ?? index.accounts[0]?.id;
      if (target === undefined) {
        return;
      }
      const accounts = index.accounts.filter((a) => a.id !== target);
      const active = index.active === target || !accounts.some((a) => a.id === index.active) ? accounts[0]?.id : index.active;
      // The index first: an account it no longer names is signed out even if deleting its key fails.
      await this.writeIndex({ accounts, active });
      await this.remove(ACCOUNT_KEY_PREFIX + target);
    });
  }

  /** Makes an account the active one. */
  setActive(id: string): Promise<void> {
    return this.write(async () => {
      const index = await this.readIndex();
      if (index.accounts.some((a) => a.id === id) && index.active !== id) {
        await this.writeIndex({ ...index, active: id });
      }
    });
  }

  /**
   * Notes an account's username once a load has told it (a credential moved in from an earlier
   * version has none). When another account already has that username (someone signed in to the
   * same account before the moved credential's first load), the two are one account: the one signed
   * in by name stays, the other is forgotten.
   */
  setUsername(id: string, username: string): Promise<void> {
    return this.write(async () => {
      const index = await this.readIndex();
      const entry = index.accounts.find((a) => a.id === id);
      if (!entry || entry.username === username) {
        return;
      }
      const named = index.accounts.find((a) => a.id !== id && a.username === username);
      if (!named) {
        await this.writeIndex({ ...index, accounts: index.accounts.map((a) => (a.id === id ? { ...a, username } : a)) });
        return;
      }
      const accounts = index.accounts.filter((a) => a.id !== id);
      await this.writeIndex({ accounts, active: index.active === id ? named.id : index.active });
      await this.remove(ACCOUNT_KEY_PREFIX + id);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }

  /**
   * The one credential of an earlier version becomes an account (the active one): nobody is signed
   * out by the update. Also when a window still running that version stores one.
   */
  private migrate(): Promise<void> {
    return this.write(async () => {
      const legacy = await this.read(LEGACY_KEY);
      if (!legacy) {
        return;
      }
      const index = await this.readIndex();
      const known = await Promise.all(index.accounts.map(async (a) => (await this.read(ACCOUNT_KEY_PREFIX + a.id)) === legacy));
      const existing = index.accounts.find((_, i) => known[i]);
      const id = existing?.id ?? randomUUID();
      if (!existing) {
        await this.save(ACCOUNT_KEY_PREFIX + id, legacy);
      }
      await this.writeIndex({ accounts: existing ? index.accounts : [...index.accounts, { id }], active: id });
      await this.remove(LEGACY_KEY);
    });
  }

  private write<T>(change: () => Promise<T>): Promise<T> {
    this.writing++;
    const next = this.writes.then(change, change).finally(() => this.writing--);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** The legacy key, the index and the likely accounts' credentials, asked at once (see `snapshot`). */
  private readTogether(): { legacy: Promise<string | undefined>; index: Promise<Index>; tokens: Map<string, Promise<string | undefined>> } {
    const quiet = <T>(p: Promise<T>): Promise<T> => {
      // Not every answer is awaited (an account no longer listed): its failure is no unhandled rejection.
      p.catch(() => undefined);
      return p;
    };
    const legacy = quiet(this.read(LEGACY_KEY));
    const index = quiet(this.readIndex());
    const ids = [...new Set(this.likelyAccountIds())].slice(0, 32);
    return { legacy, index, tokens: new Map(ids.map((id) => [id, quiet(this.read(ACCOUNT_KEY_PREFIX + id))])) };
  }

  private async readIndex(): Promise<Index> {
    const text = await this.read(INDEX_KEY);
    if (!text) {
      return { accounts: [] };
    }
    try {
      const parsed = JSON.parse(text) as Partial<Index>;
      const accounts = Array.isArray(parsed.accounts)
        ? parsed.accounts.filter((a): a is IndexEntry => typeof a?.id === 'string' && (a.username === undefined || typeof a.username === 'string'))
        : [];
      return { accounts, active: typeof parsed.active === 'string' ? parsed.active : undefined };
    } catch {
      return { accounts: [] };
    }
  }

  private writeIndex(index: Index): Promise<void> {
    const entries = index.accounts.map((a) => (a.username === undefined ? { id: a.id } : { id: a.id, username: a.username }));
    return this.save(INDEX_KEY, JSON.stringify({ accounts: entries, active: index.active }));
  }

  private async read(key: string): Promise<string | undefined> {
    try {
      return (await this.secrets.get(key)) || undefined;
    } catch (err) {
      throw new CredentialStorageError('read', err);
    }
  }

  private async save(key: string, value: string): Promise<void> {
    try {
      await this.secrets.store(key, value);
    } catch (err) {
      throw new CredentialStorageError('save', err);
    }
  }

  private async remove(key: string): Promise<void> {
    try {
      await this.secrets.delete(key);
    } catch (err) {
      throw new CredentialStorageError('delete', err);
    }
  }
}

/**
 * The last known state of each signed-in account, kept in `globalState` so that a cold open paints
 * the tree at once (marked as refreshing) instead of after a round trip: who the user is (username,
 * name, plan) and the API tokens' names, ids, scopes and dates. Never a token value, never the
 * credential: every field written is picked by name. No `vscode` import, so it is tested in plain Node.
 */
import type { ApiToken, TursoUser } from '../platform/types';

export const ACCOUNT_CACHE_KEY = 'turso.accountCache';

/** What the cache needs of `vscode.Memento`. */
export interface CacheMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** One account as it was last seen. */
export interface CachedAccount {
  user: Pick<TursoUser, 'username' | 'name' | 'plan'>;
  tokens: ApiToken[];
  /** When it was seen (epoch ms). */
  savedAt: number;
  /** The id (`jti`) of the account's credential then: which of its tokens it is (an id, never a value). */
  credentialId?: string;
}

interface Stored {
  /** The API base URL the state came from: another server's state is not shown. */
  api: string;
  accounts: Record<string, CachedAccount>;
  /** Which of the accounts was active (an id). */
  active?: string;
}

/** Longest string kept from the server (names, ids): longer ones are cut. */
const MAX_TEXT = 512;
/** What a credential's id (`jti`) may look like to be kept. */
const CREDENTIAL_ID = /^[\w-]{1,64}$/;
/** Most tokens kept per account. */
const MAX_TOKENS = 10_000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : undefined;
}

function cleanUser(value: unknown): CachedAccount['user'] | undefined {
  const u = value as Partial<TursoUser> | undefined;
  const username = text(u?.username);
  if (!username) {
    return undefined;
  }
  const user: CachedAccount['user'] = { username };
  const name = text(u?.name);
  const plan = text(u?.plan);
  if (name) user.name = name;
  if (plan) user.plan = plan;
  return user;
}

function cleanToken(value: unknown): ApiToken | undefined {
  const t = value as Partial<ApiToken> | undefined;
  const name = text(t?.name);
  const id = text(t?.id);
  if (name === undefined || !id) {
    return undefined;
  }
  const token: ApiToken = { name, id };
  const organization = text(t?.organization);
  const group = text(t?.group);
  const createdAt = text(t?.createdAt);
  if (organization !== undefined) token.organization = organization;
  if (group !== undefined) token.group = group;
  if (Array.isArray(t?.scopes)) token.scopes = t.scopes.map(text).filter((s): s is string => s !== undefined);
  if (createdAt !== undefined) token.createdAt = createdAt;
  return token;
}

function cleanAccount(value: unknown): CachedAccount | undefined {
  const a = value as Partial<CachedAccount> | undefined;
  const user = cleanUser(a?.user);
  if (!user || !Array.isArray(a?.tokens)) {
    return undefined;
  }
  const tokens = a.tokens.slice(0, MAX_TOKENS).map(cleanToken).filter((t): t is ApiToken => t !== undefined);
  const account: CachedAccount = { user, tokens, savedAt: typeof a.savedAt === 'number' ? a.savedAt : 0 };
  // An id as the API lists them (a UUID in base64url): anything longer or shaped otherwise is dropped.
  if (typeof a.credentialId === 'string' && CREDENTIAL_ID.test(a.credentialId)) account.credentialId = a.credentialId;
  return account;
}

/** Every signed-in account (ids, in the store's order) and the active one. */
export interface SignedIn {
  ids: readonly string[];
  active: string | undefined;
}

/** Those of `accounts` named by `ids`, in that order. */
function arranged(accounts: Record<string, unknown>, ids: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(ids.filter((id) => Object.hasOwn(accounts, id)).map((id) => [id, accounts[id]]));
}

/** The accounts' last known state, for one API base URL. Whatever is read is checked field by field. */
export class AccountCache {
  constructor(private readonly memento: CacheMemento, private readonly api: () => string) {}

  /** The last known state of an account, when there is one for the API in use. */
  get(accountId: string): CachedAccount | undefined {
    return cleanAccount(this.read()[accountId]);
  }

  /** The accounts with a last known state (ids only, in the order they were added): those signed in when it was last written. */
  accountIds(): string[] {
    return Object.keys(this.read());
  }

  /** Which of those accounts was active when it was last written (undefined: not known, or not one of them). */
  activeId(): string | undefined {
    const active = this.memento.get<Partial<Stored>>(ACCOUNT_CACHE_KEY)?.active;
    return typeof active === 'string' && Object.hasOwn(this.read(), active) ? active : undefined;
  }

  /**
   * Notes an account's state (only the fields above are written). `signedIn`: every signed-in account
   * in the store's order and the active one, noted in the same write (see `retain`).
   */
  set(accountId: string, user: TursoUser, tokens: readonly ApiToken[], now = Date.now(), credentialId?: string, signedIn?: SignedIn): void {
    const account = cleanAccount({ user, tokens, savedAt: now, credentialId });
    if (account) {
      const accounts = { ...this.read(), [accountId]: account };
      this.write(signedIn ? arranged(accounts, signedIn.ids) : accounts, signedIn ? signedIn.active : this.activeId());
    }
  }

  /**
   * Forgets every account but these (signed out, here or in another window), keeps them in this order
   * (the store's: the order they were added) so that a cold open paints them as the store lists them,
   * and notes which is active. Writes only when any of it changed.
   */
  retain(accountIds: readonly string[], active = this.activeId()): void {
    const accounts = this.read();
    const kept = arranged(accounts, accountIds);
    const noted = active !== undefined && Object.hasOwn(kept, active) ? active : undefined;
    // An active account with no state of its own is noted as none: a cold open then waits for the store.
    if (Object.keys(kept).join('\n') !== Object.keys(accounts).join('\n') || noted !== this.activeId()) {
      this.write(kept, noted);
    }
  }

  /** Forgets everything (another API). */
  clear(): void {
    if (this.memento.get(ACCOUNT_CACHE_KEY) !== undefined) {
      void this.memento.update(ACCOUNT_CACHE_KEY, undefined);
    }
  }

  private read(): Record<string, unknown> {
    const stored = this.memento.get<Partial<Stored>>(ACCOUNT_CACHE_KEY);
    const accounts = stored?.accounts;
    return stored?.api === this.api() && accounts && typeof accounts === 'object' ? { ...accounts } : {};
  }

  /** `active`: which account is active (noted only when it is among `accounts`). */
  private write(accounts: Record<string, unknown>, active: string | undefined): void {
    const value: Stored | undefined = Object.keys(accounts).length
      ? { api: this.api(), accounts: accounts as Record<string, CachedAccount>, ...(active !== undefined && Object.hasOwn(accounts, active) ? { active } : {}) }
      : undefined;
    // The memento keeps the value at once (later reads see it); storing it to disk may fail.
    void Promise.resolve(this.memento.update(ACCOUNT_CACHE_KEY, value)).catch(() => undefined);
  }
}

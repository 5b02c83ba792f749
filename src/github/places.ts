/**
 * What went where: the GitHub Actions secrets a token was saved to, remembered by the token's id in
 * `globalState` so that its row can say so and Rotate can update them. Names only — the host, the
 * repository, the environment and the secret's name; never a value, never a GitHub token. Every field
 * read back is checked (globalState is a file any process of the user can write), and an entry that
 * does not fit is dropped. No `vscode` import, so it is tested in plain Node.
 */
import { parseRemoteUrl, repositoryName, type GitHubRepository } from './remotes';
import { inertText } from '../util/text';
import { normalizeSecretName, secretNameHint } from './secretNames';

export const SECRET_PLACES_KEY = 'turso.githubSecretPlaces';

/** Where one secret lives. */
export interface SecretPlace extends GitHubRepository {
  /** The repository's environment, or undefined for a repository secret. */
  environment?: string;
  /** The secret's name as GitHub lists it (capitals). */
  name: string;
}

/** What the places need of `vscode.Memento`. */
export interface PlacesMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** Writes a secret: seals `value` with the place's public key and PUTs it (src/githubSecrets/). */
export interface SecretWriter {
  /**
   * Resolves once GitHub answered the write; rejects with a GitHubApiError (src/github/errors.ts) or
   * an error whose message says what to do (no GitHub sign-in, …) — never naming the value.
   */
  write(place: SecretPlace, value: string): Promise<'created' | 'updated'>;
}

/** Most tokens remembered (the oldest entries go first), and places per token. */
export const MAX_TOKENS = 1_000;
export const MAX_PLACES_PER_TOKEN = 20;
const MAX_TEXT = 256;
/** Tries at a change that VS Code's global state lost (see `SecretPlaces.change`). */
const CHANGE_TRIES = 3;

type Stored = Record<string, SecretPlace[]>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT ? value : undefined;
}

/** A place read back from storage, or undefined when any part of it does not fit. */
export function cleanPlace(value: unknown): SecretPlace | undefined {
  const v = value as Partial<SecretPlace> | undefined;
  const host = text(v?.host);
  const owner = text(v?.owner);
  const repo = text(v?.repo);
  const name = text(v?.name);
  if (!host || !owner || !repo || !name || secretNameHint(name) !== undefined) {
    return undefined;
  }
  // The repository must be one a remote could name: the same parser decides.
  const parsed = parseRemoteUrl(`https://${host}/${owner}/${repo}`);
  if (!parsed || parsed.owner !== owner || parsed.repo !== repo) {
    return undefined;
  }
  const place: SecretPlace = { host: parsed.host, owner, repo, name: normalizeSecretName(name) };
  if (v?.environment !== undefined) {
    const environment = text(v.environment);
    if (!environment || inertText(environment) !== environment) {
      return undefined;
    }
    place.environment = environment;
  }
  return place;
}

/** The same secret: same host, repository (case-insensitive, as GitHub), environment and name. */
export function samePlace(a: SecretPlace, b: SecretPlace): boolean {
  return a.host === b.host
    && a.owner.toLowerCase() === b.owner.toLowerCase()
    && a.repo.toLowerCase() === b.repo.toLowerCase()
    && (a.environment ?? '') === (b.environment ?? '')
    && normalizeSecretName(a.name) === normalizeSecretName(b.name);
}

/** "owner/repo · NAME", "owner/repo (production) · NAME"; another host than github.com is named first. */
export function placeLabel(place: SecretPlace): string {
  const repo = place.host === 'github.com' ? repositoryName(place) : `${place.host}/${repositoryName(place)}`;
  return place.environment ? `${repo} (${place.environment}) · ${place.name}` : `${repo} · ${place.name}`;
}

/** The secrets each token was saved to, kept in `globalState`. */
export class SecretPlaces {
  private readonly listeners = new Set<() => void>();
  /** The stored value last read, and what its check kept. */
  private checked: { raw: unknown; stored: Stored } | undefined;
  /** The change being made: changes are made one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly memento: PlacesMemento) {}

  /** Called after every change made through this object (the tree repaints the rows). */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Where `tokenId`'s value was saved, oldest first. */
  of(tokenId: string): SecretPlace[] {
    return [...(this.current()[tokenId] ?? [])];
  }

  /** Remembers that `tokenId`'s value is in `place` (once per place). */
  add(tokenId: string, place: SecretPlace): Promise<void> {
    const clean = cleanPlace(place);
    if (!clean || !text(tokenId)) {
      return Promise.resolve();
    }
    return this.change((stored) => {
      const places = (stored[tokenId] ?? []).filter((p) => !samePlace(p, clean));
      places.push(clean);
      delete stored[tokenId];
      stored[tokenId] = places.slice(-MAX_PLACES_PER_TOKEN);
    });
  }

  /** After a rotation: `places` now hold `toId`'s value, no longer `fromId`'s. */
  move(fromId: string, toId: string, places: readonly SecretPlace[]): Promise<void> {
    const moved = places.map(cleanPlace).filter((p): p is SecretPlace => p !== undefined);
    return this.change((stored) => {
      const left = (stored[fromId] ?? []).filter((p) => !moved.some((m) => samePlace(m, p)));
      if (left.length > 0) {
        stored[fromId] = left;
      } else {
        delete stored[fromId];
      }
      if (moved.length > 0 && text(toId)) {
        const kept = (stored[toId] ?? []).filter((p) => !moved.some((m) => samePlace(m, p)));
        delete stored[toId];
        stored[toId] = [...kept, ...moved].slice(-MAX_PLACES_PER_TOKEN);
      }
    });
  }

  /** Forgets a token (revoked: its secrets hold a value that no longer works). */
  forget(tokenId: string): Promise<void> {
    return this.change((stored) => {
      delete stored[tokenId];
    });
  }

  /**
   * Applies `edit` to what is stored, one change after another, and reads the result back: VS Code's
   * global state replaces its whole value with what another write of this extension (the accounts'
   * cache) sent a moment earlier when that write's echo comes back first, and then keeps that older
   * value — the change is lost. Once an update has resolved, the earlier echoes have come back, so a
   * change read back as made stays made; one that is not is made again (at most CHANGE_TRIES times).
   */
  private change(edit: (stored: Stored) => void): Promise<void> {
    const run = this.queue.then(async () => {
      for (let i = 0; i < CHANGE_TRIES; i++) {
        const stored = this.read();
        const before = JSON.stringify(stored);
        edit(stored);
        const ids = Object.keys(stored);
        for (const old of ids.slice(0, Math.max(0, ids.length - MAX_TOKENS))) {
          delete stored[old];
        }
        const wanted = JSON.stringify(stored);
        if (wanted === before) {
          return;
        }
        await this.memento.update(SECRET_PLACES_KEY, stored);
        if (JSON.stringify(this.read()) === wanted) {
          this.changed();
          return;
        }
      }
      this.changed();
      throw new Error(`VS Code's global state did not keep the change after ${CHANGE_TRIES} tries`);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  /**
   * What is stored, checked, as a copy the caller may change. The check runs once per stored value:
   * the tree asks for every token row (5,000 rows must not check every place 5,000 times).
   */
  private read(): Stored {
    return Object.fromEntries(Object.entries(this.current()).map(([id, places]) => [id, [...places]]));
  }

  /** What is stored, checked (not to be changed: see `read`). */
  private current(): Stored {
    const raw = this.memento.get<unknown>(SECRET_PLACES_KEY);
    if (!this.checked || raw !== this.checked.raw) {
      this.checked = { raw, stored: this.check(raw) };
    }
    return this.checked.stored;
  }

  private check(raw: unknown): Stored {
    const stored: Stored = {};
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      return stored;
    }
    for (const [tokenId, list] of Object.entries(raw as Record<string, unknown>)) {
      if (!text(tokenId) || !Array.isArray(list)) continue;
      const places = list.map(cleanPlace).filter((p): p is SecretPlace => p !== undefined).slice(-MAX_PLACES_PER_TOKEN);
      if (places.length > 0) stored[tokenId] = places;
    }
    return stored;
  }
}

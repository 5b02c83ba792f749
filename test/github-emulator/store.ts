// The GitHub emulator's state: users (by token), repositories with each user's role, environments,
// one X25519 keypair per repository and per environment, and secrets kept sealed as GitHub keeps them.
import * as crypto from 'node:crypto';

// the module object itself (not a copy made at import time: libsodium fills it in once ready)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sodium = require('libsodium-wrappers') as typeof import('libsodium-wrappers');

export type Role = 'admin' | 'read';

export interface KeyPair {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export interface StoredSecret {
  /** As GitHub lists it: in capitals. */
  name: string;
  sealed: Uint8Array;
  keyId: string;
  createdAt: string;
  updatedAt: string;
}

/** A repository or one of its environments: a keypair and sealed secrets. */
export interface SecretScope {
  key: KeyPair;
  secrets: Map<string, StoredSecret>;
}

export interface Environment extends SecretScope {
  id: number;
  name: string;
}

export interface Repository extends SecretScope {
  owner: string;
  name: string;
  access: Map<string, Role>;
  actionsEnabled: boolean;
  environments: Map<string, Environment>;
}

export interface RepositorySpec {
  /** `owner/repo` */
  fullName: string;
  /** login → role; users not named here get 404 (the repository is private). */
  access?: Record<string, Role>;
  environments?: string[];
  actionsEnabled?: boolean;
}

export const SEED_USERS = ['octo-admin', 'octo-reader', 'octo-stranger'] as const;
export const SEED_REPOSITORIES: readonly RepositorySpec[] = [
  { fullName: 'octo-org/app', access: { 'octo-admin': 'admin', 'octo-reader': 'read' }, environments: ['production', 'staging'] },
  { fullName: 'octo-org/site', access: { 'octo-admin': 'admin', 'octo-reader': 'read' } },
  { fullName: 'octo-org/no-actions', access: { 'octo-admin': 'admin' }, actionsEnabled: false },
];

/** GitHub's documented rule for secret names. */
export function validSecretName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^GITHUB_/i.test(name);
}

/** Lower-cased `owner/repo` (GitHub's names ignore case). */
const repoKey = (fullName: string): string => fullName.toLowerCase();

export class GitHubStore {
  private readonly tokens = new Map<string, string>();
  private readonly logins = new Map<string, string>();
  private repos = new Map<string, Repository>();
  private nextEnvId = 1;

  constructor() {
    for (const login of SEED_USERS) this.addUser(login);
    this.reset();
  }

  /** A user (if new) and their token (`ghu_…`, random, stable until close). */
  addUser(login: string): string {
    const existing = this.logins.get(login);
    if (existing) return existing;
    const token = `ghu_${crypto.randomBytes(27).toString('base64url')}`;
    this.tokens.set(token, login);
    this.logins.set(login, token);
    return token;
  }

  tokenFor(login: string): string {
    const token = this.logins.get(login);
    if (!token) throw new TypeError(`unknown user ${JSON.stringify(login)}`);
    return token;
  }

  /** The login a bearer token belongs to. */
  authenticate(header: string | undefined): string | undefined {
    const m = /^(?:Bearer|token) (\S+)$/i.exec(header ?? '');
    return m ? this.tokens.get(m[1]) : undefined;
  }

  /** Back to the seed: seed repositories with new keys and no secrets; users and tokens stay. */
  reset(): void {
    this.repos = new Map();
    for (const spec of SEED_REPOSITORIES) this.addRepository(spec);
  }

  addRepository(spec: RepositorySpec): Repository {
    const [owner, name, ...rest] = spec.fullName.split('/');
    if (!owner || !name || rest.length > 0) throw new TypeError('fullName must be owner/repo');
    if (this.repos.has(repoKey(spec.fullName))) throw new TypeError(`${spec.fullName} exists`);
    const access = new Map<string, Role>();
    for (const [login, role] of Object.entries(spec.access ?? {})) {
      this.addUser(login);
      access.set(login, role);
    }
    const repo: Repository = {
      owner, name, access, actionsEnabled: spec.actionsEnabled ?? true, environments: new Map(), key: newKeyPair(), secrets: new Map(),
    };
    this.repos.set(repoKey(spec.fullName), repo);
    for (const env of spec.environments ?? []) this.addEnvironment(spec.fullName, env);
    return repo;
  }

  removeRepository(fullName: string): void {
    this.repos.delete(repoKey(fullName));
  }

  repository(fullName: string): Repository | undefined {
    return this.repos.get(repoKey(fullName));
  }

  addEnvironment(fullName: string, name: string): Environment {
    const repo = this.mustRepo(fullName);
    const existing = repo.environments.get(name.toLowerCase());
    if (existing) return existing;
    const env: Environment = { id: this.nextEnvId++, name, key: newKeyPair(), secrets: new Map() };
    repo.environments.set(name.toLowerCase(), env);
    return env;
  }

  removeEnvironment(fullName: string, name: string): void {
    this.mustRepo(fullName).environments.delete(name.toLowerCase());
  }

  setRole(fullName: string, login: string, role: Role | null): void {
    const repo = this.mustRepo(fullName);
    this.addUser(login);
    if (role === null) repo.access.delete(login);
    else repo.access.set(login, role);
  }

  setActionsEnabled(fullName: string, enabled: boolean): void {
    this.mustRepo(fullName).actionsEnabled = enabled;
  }

  /** The repository's scope, or an environment's. */
  scope(fullName: string, environment?: string): SecretScope {
    const repo = this.mustRepo(fullName);
    if (environment === undefined) return repo;
    const env = repo.environments.get(environment.toLowerCase());
    if (!env) throw new TypeError(`no environment ${JSON.stringify(environment)} in ${fullName}`);
    return env;
  }

  /** A new keypair for the scope: values sealed for the old key_id are refused from now on. */
  rotateKey(fullName: string, environment?: string): void {
    this.scope(fullName, environment).key = newKeyPair();
  }

  /**
   * Stores a sealed value after checking it opens with the scope's current key.
   * 'created' or 'updated'; 'badKey' for a stale key_id, 'undecryptable' for a value that does not open.
   */
  putSealed(scope: SecretScope, name: string, keyId: string, sealed: Uint8Array): 'created' | 'updated' | 'badKey' | 'undecryptable' {
    if (keyId !== scope.key.keyId) return 'badKey';
    try {
      sodium.crypto_box_seal_open(sealed, scope.key.publicKey, scope.key.privateKey);
    } catch {
      return 'undecryptable';
    }
    const upper = name.toUpperCase();
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const existing = scope.secrets.get(upper);
    scope.secrets.set(upper, { name: upper, sealed, keyId, createdAt: existing?.createdAt ?? now, updatedAt: now });
    return existing ? 'updated' : 'created';
  }

  /** Seals and stores a value as a client would (fixtures: existing secrets, many of them). */
  seedSecret(fullName: string, environment: string | undefined, name: string, value: string): void {
    const scope = this.scope(fullName, environment);
    const sealed = sodium.crypto_box_seal(Buffer.from(value, 'utf8'), scope.key.publicKey);
    this.putSealed(scope, name, scope.key.keyId, sealed);
  }

  /** A secret's value, opened with the scope's private key; undefined when there is no such secret. */
  openSecret(fullName: string, environment: string | undefined, name: string): string | undefined {
    const scope = this.scope(fullName, environment);
    const secret = scope.secrets.get(name.toUpperCase());
    if (!secret) return undefined;
    const opened = sodium.crypto_box_seal_open(secret.sealed, scope.key.publicKey, scope.key.privateKey);
    return Buffer.from(opened).toString('utf8');
  }

  secretNames(fullName: string, environment?: string): string[] {
    return [...this.scope(fullName, environment).secrets.keys()].sort();
  }

  private mustRepo(fullName: string): Repository {
    const repo = this.repository(fullName);
    if (!repo) throw new TypeError(`unknown repository ${JSON.stringify(fullName)}`);
    return repo;
  }
}

function newKeyPair(): KeyPair {
  const pair = sodium.crypto_box_keypair();
  // GitHub's key ids are long decimal numbers
  const keyId = String(BigInt(`0x${crypto.randomBytes(7).toString('hex')}`));
  return { keyId, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** libsodium must be ready before a store is made. */
export function sodiumReady(): Promise<void> {
  return sodium.ready;
}

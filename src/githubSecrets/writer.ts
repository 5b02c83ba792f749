/**
 * Writes a GitHub Actions secret: the sign-in for the place's host (VS Code may ask), its public key,
 * the value sealed with it (the sealing code, loaded on first use), one PUT. Rotate writes each remembered
 * place of a token with it; the save command shares `clientFor` and `putSealed`.
 */
import * as vscode from 'vscode';
import { GitHubClient, type SecretsPublicKey } from '../github/client';
import type { SecretPlace, SecretWriter } from '../github/places';
import { sealForGitHub } from '../github/seal';
import { gitHubAccess, type GitHubAccess } from './sessions';

export interface WriterLog {
  info(message: string): void;
}

/** A client for `access`: its token goes to `access.apiBase` only (see sessions.ts). */
export function clientFor(access: GitHubAccess, log?: WriterLog): GitHubClient {
  return new GitHubClient({
    apiBase: access.apiBase,
    token: access.token,
    userAgent: `turso-api-tokens-vscode (VS Code ${vscode.version})`,
    // Method, path (repository, environment and secret names), status: never a token or a value.
    onRequest: (e) => log?.info(`GitHub ${e.method} ${e.path} → ${e.status ?? e.errorKind ?? '?'} (${Math.round(e.durationMs)} ms)`),
  });
}

/** Seals `value` with `key` and writes it to `place` (one request, never retried). */
export async function putSealed(client: GitHubClient, place: SecretPlace, key: SecretsPublicKey, value: string): Promise<'created' | 'updated'> {
  const encryptedValue = await sealForGitHub(value, key.key);
  return client.putSecret(place, place.environment, place.name, { encryptedValue, keyId: key.keyId });
}

export class GitHubSecretWriter implements SecretWriter {
  constructor(private readonly log?: WriterLog) {}

  async write(place: SecretPlace, value: string): Promise<'created' | 'updated'> {
    const access = await gitHubAccess(place.host);
    if (!access) {
      throw new Error(vscode.l10n.t('There is no GitHub sign-in for {0}.', place.host));
    }
    const client = clientFor(access, this.log);
    const key = place.environment === undefined
      ? await client.repositoryPublicKey(place)
      : await client.environmentPublicKey(place, place.environment);
    return putSealed(client, place, key, value);
  }
}

/** The writer Rotate uses (src/lazy/commands.ts loads it on first use). */
export function createGitHubSecretWriter(log?: WriterLog): SecretWriter {
  return new GitHubSecretWriter(log);
}

/**
 * Save as GitHub Actions Secret: which repository, the GitHub sign-in for its host, repository or
 * environment, the name, then one PUT. Right after the sign-in the repository's public key, secret
 * names and environments are asked while the person answers; once an environment is chosen, its key
 * and names. The value comes from the reveal panel that holds it and never appears in a message, the
 * log or an error; whatever happens, it is still in the panel.
 */
import * as vscode from 'vscode';
import type { SecretPlace, SecretPlaces } from '../github/places';
import { repositoryName } from '../github/remotes';
import { defaultSecretName, type SecretTokenKind } from '../github/secretNames';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { failedMessage, savedMessage } from './choices';
import { Prefetch } from './prefetch';
import { askName, askRepository, askWhere } from './questions';
import { workspaceRepositories } from './repositories';
import { gitHubAccess } from './sessions';
import { clientFor, putSealed } from './writer';

/** What the reveal panel hands over: the value it holds and what kind of token it is. */
export interface GitHubSaveRequest {
  value: string;
  kind: SecretTokenKind;
  /** A Platform API token's id: where it was saved is remembered under it (database tokens have none). */
  tokenId?: string;
  tokenName: string;
}

export interface GitHubSaveOutcome {
  status: 'saved' | 'cancelled' | 'failed';
  /** For the panel's status line (already shown as a notification when saved or failed). */
  message: string;
}

export interface GitHubSaveDeps {
  places: SecretPlaces;
  log: { info(message: string): void; error(message: string, err?: unknown): void };
}

/** Runs the questions and the write; never rejects. */
export async function saveToGitHub(deps: GitHubSaveDeps, request: GitHubSaveRequest): Promise<GitHubSaveOutcome> {
  try {
    return await run(deps, request);
  } catch (err) {
    const message = failedMessage(err);
    deps.log.error(`Saving the token "${request.tokenName}" as a GitHub Actions secret failed`, err);
    void showErrorMessage(message);
    return { status: 'failed', message };
  }
}

function cancelled(): GitHubSaveOutcome {
  return { status: 'cancelled', message: vscode.l10n.t('Not saved to GitHub.') };
}

async function run(deps: GitHubSaveDeps, request: GitHubSaveRequest): Promise<GitHubSaveOutcome> {
  const repository = await askRepository(workspaceRepositories());
  if (!repository) {
    return cancelled();
  }
  const repoName = repositoryName(repository);
  const access = await gitHubAccess(repository.host, { ask: { repositoryLabel: repoName } });
  if (!access) {
    return cancelled();
  }
  const client = clientFor(access, deps.log);
  // Asked now, answered while the person chooses.
  const prefetch = new Prefetch(client, repository);
  const repositoryReads = prefetch.place(undefined);
  const where = await askWhere(repoName, prefetch.environments, Prefetch.firstFailure(prefetch.environments, repositoryReads.key));
  if (!where) {
    return cancelled();
  }
  const reads = prefetch.place(where.environment);
  const name = await askName(defaultSecretName(request.kind), reads, Prefetch.firstFailure(reads.key, reads.names));
  if (!name) {
    return cancelled();
  }
  const place: SecretPlace = { ...repository, ...(where.environment !== undefined ? { environment: where.environment } : {}), name };
  const key = await reads.key;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Saving GitHub Actions secret {0} to {1}…', name, repoName) },
    () => putSealed(client, place, key, request.value),
  );
  deps.log.info(`The token "${request.tokenName}" was saved as GitHub Actions secret ${name} of ${repoName}${place.environment ? ` (environment "${place.environment}")` : ''}: ${result}`);
  if (request.kind === 'platformApi' && request.tokenId) {
    await deps.places.add(request.tokenId, place).catch((err: unknown) => deps.log.error('Remembering where the token was saved failed', err));
  }
  const message = savedMessage(result, place);
  void showInformationMessage(message);
  return { status: 'saved', message };
}

/**
 * The save flow's decisions that need no VS Code: the workspace's GitHub repositories from git
 * remotes, a typed repository, which GitHub sign-in may receive which API host, the name picker's
 * items and the messages said at the end. No `vscode` import (listed in eslint.config.mjs PURE_FILES).
 */
import * as l10n from '@vscode/l10n';
import { GitHubApiError } from '../github/errors';
import { errorMessage } from '../util/errors';
import type { SecretPlace } from '../github/places';
import { apiBaseFor, isGitHubDotCom, parseRemoteUrl, repositoryName, sameRepository, type GitHubRepository } from '../github/remotes';
import { normalizeSecretName, secretExists, secretNameHint } from '../github/secretNames';

/** A git remote as the built-in git extension gives it (`Repository.state.remotes[]`). */
export interface GitRemote {
  name: string;
  fetchUrl?: string;
  pushUrl?: string;
}

/** One GitHub repository of the workspace, with the names of the remotes that point at it. */
export interface RepositoryChoice {
  repository: GitHubRepository;
  remotes: string[];
}

/** The API base of github.com: the only host the `github` session's token is ever sent to. */
export const GITHUB_DOT_COM_API = 'https://api.github.com';

/**
 * The GitHub repositories `remotes` name, each once (owner and repository names ignore case), those
 * of a remote named `origin` first, then in the order given; a remote naming no GitHub-like
 * repository (a local path, a malformed URL) is left out.
 */
export function repositoryChoices(remotes: readonly GitRemote[]): RepositoryChoice[] {
  const choices: RepositoryChoice[] = [];
  for (const remote of remotes) {
    for (const url of [remote.fetchUrl, remote.pushUrl]) {
      const repository = typeof url === 'string' ? parseRemoteUrl(url) : undefined;
      if (!repository) continue;
      const known = choices.find((c) => sameRepository(c.repository, repository));
      if (!known) {
        choices.push({ repository, remotes: [remote.name] });
      } else if (!known.remotes.includes(remote.name)) {
        known.remotes.push(remote.name);
      }
    }
  }
  const isOrigin = (c: RepositoryChoice): number => (c.remotes.includes('origin') ? 0 : 1);
  // A stable sort: the order given is kept within each group.
  return choices.map((c, i) => ({ c, i })).sort((a, b) => isOrigin(a.c) - isOrigin(b.c) || a.i - b.i).map(({ c }) => c);
}

/** The remotes in `git config --get-regexp '^remote\..*\.url$'`'s output (`remote.<name>.url <url>` lines). */
export function parseGitConfigRemotes(output: string): GitRemote[] {
  const remotes: GitRemote[] = [];
  for (const line of String(output).split(/\r?\n/)) {
    const m = /^remote\.(.+)\.url\s+(\S.*)$/.exec(line.trim());
    if (m) remotes.push({ name: m[1], fetchUrl: m[2].trim() });
  }
  return remotes;
}

/** A repository typed as `owner/repo` (on github.com) or `host/owner/repo`, or undefined. */
export function parseTypedRepository(text: string): GitHubRepository | undefined {
  const typed = String(text).trim().replace(/\.git$/i, '').replace(/\/+$/, '');
  if (typed.includes('://') || typed.includes('@')) {
    return parseRemoteUrl(typed);
  }
  const parts = typed.split('/');
  if (parts.length === 2) {
    return parseRemoteUrl(`https://github.com/${typed}`);
  }
  return parts.length === 3 ? parseRemoteUrl(`https://${typed}`) : undefined;
}

/** "owner/repo", with the host first when it is not github.com. */
export function repositoryLabel(repository: GitHubRepository): string {
  return isGitHubDotCom(repository.host) ? repositoryName(repository) : `${repository.host}/${repositoryName(repository)}`;
}

/** The origin (scheme, host, port) `github-enterprise.uri` names, or undefined when it names none. */
export function enterpriseOrigin(setting: unknown): string | undefined {
  if (typeof setting !== 'string' || setting.trim() === '') {
    return undefined;
  }
  try {
    const url = new URL(setting.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The origin GitHub Enterprise Server at `host` is reached on (http only for loopback), or undefined. */
export function hostOrigin(host: string): string | undefined {
  try {
    return new URL(apiBaseFor(host)).origin;
  } catch {
    return undefined;
  }
}

/** Whether `github-enterprise.uri` (its value `setting`) names the server at `host`: scheme, host and port. */
export function enterpriseNames(setting: unknown, host: string): boolean {
  const wanted = hostOrigin(host);
  return !isGitHubDotCom(host) && wanted !== undefined && enterpriseOrigin(setting) === wanted;
}

/**
 * Where a session of `providerId` may be used for a repository on `host`: the API base its token is
 * sent to. A session's token goes only to its own provider's host: `github` to api.github.com and
 * only for github.com; `github-enterprise` only to the server `github-enterprise.uri` names, and only
 * when that is `host`. Anything else throws (nothing is sent).
 */
export function apiBaseForSession(providerId: 'github' | 'github-enterprise', host: string, enterpriseSetting: unknown): string {
  if (providerId === 'github') {
    if (!isGitHubDotCom(host)) {
      throw new Error(l10n.t('The github.com sign-in is used for github.com only, not for {0}.', host));
    }
    return GITHUB_DOT_COM_API;
  }
  if (!enterpriseNames(enterpriseSetting, host)) {
    throw new Error(l10n.t('The GitHub Enterprise sign-in is for {0}, not for {1}.', enterpriseOrigin(enterpriseSetting) ?? l10n.t('no server'), host));
  }
  return apiBaseFor(host);
}

/** An item of the name picker. */
export interface NameItem {
  label: string;
  description: string;
  /** Set when GitHub would refuse the name (its rule): accepting it keeps the picker open. */
  hint?: string;
}

/**
 * The name picker's items: what is typed first (when it is not already listed), then the default
 * name, then the place's existing names (which are replaced when chosen).
 */
export function nameItems(typed: string, defaultName: string, existing: readonly string[]): NameItem[] {
  const replaces = l10n.t('replaces its value');
  const fresh = l10n.t('new secret');
  const items: NameItem[] = [{ label: defaultName, description: secretExists(defaultName, existing) ? replaces : fresh }];
  for (const name of existing) {
    if (normalizeSecretName(name) !== normalizeSecretName(defaultName)) {
      items.push({ label: name, description: replaces });
    }
  }
  const text = typed.trim();
  if (text === '' || items.some((i) => normalizeSecretName(i.label) === normalizeSecretName(text))) {
    return items;
  }
  const hint = secretNameHint(text);
  const typedItem: NameItem = hint
    ? { label: text, description: hint, hint }
    : { label: normalizeSecretName(text), description: secretExists(text, existing) ? replaces : fresh };
  return [typedItem, ...items];
}

/** Where a place is, for messages: `owner/repo` or `owner/repo, environment "production"`. */
function placeWords(place: SecretPlace): string {
  const repo = repositoryName(place);
  return place.environment ? l10n.t('{0}, environment "{1}"', repo, place.environment) : repo;
}

/** Said when the write succeeded (never the value). */
export function savedMessage(result: 'created' | 'updated', place: SecretPlace): string {
  return result === 'created'
    ? l10n.t('Saved as GitHub Actions secret {0} of {1}.', place.name, placeWords(place))
    : l10n.t('Replaced GitHub Actions secret {0} of {1}.', place.name, placeWords(place));
}

/** Said when saving failed: what went wrong and what to do; the value is still in the panel. */
export function failedMessage(err: unknown): string {
  const still = l10n.t('The value is still in its panel.');
  if (err instanceof GitHubApiError) {
    return `${err.message} ${still}`;
  }
  return l10n.t('Not saved to GitHub: {0} {1}', errorMessage(err), still);
}

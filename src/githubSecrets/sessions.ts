/**
 * A GitHub sign-in for a repository's host, only through VS Code's authentication API (the extension
 * keeps no GitHub token): github.com → the `github` provider, its token sent to api.github.com only;
 * any other host → the `github-enterprise` provider, only while `github-enterprise.uri` names that
 * host, its token sent to that server only (apiBaseForSession decides, and refuses anything else).
 */
import * as vscode from 'vscode';
import { isGitHubDotCom } from '../github/remotes';
import { showWarningMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';
import { apiBaseForSession, enterpriseOrigin, hostOrigin } from './choices';

export const ENTERPRISE_URI_SETTING = 'github-enterprise.uri';
const SCOPES = ['repo'];

/** A signed-in GitHub account for one host: where its token may go, and the token (never logged). */
export interface GitHubAccess {
  host: string;
  providerId: 'github' | 'github-enterprise';
  apiBase: string;
  token: string;
  account: string;
}

/** No GitHub sign-in: cancelled, refused or not possible; the message says what to do. */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

function enterpriseSetting(): unknown {
  return vscode.workspace.getConfiguration().get<unknown>(ENTERPRISE_URI_SETTING);
}

/**
 * The GitHub sign-in for `host`. `ask` (the save command): when `github-enterprise.uri` names another
 * server, asks (modal) whether to set it to `host`; undefined when the person says no. Without `ask`
 * (Rotate) it fails saying what to set. VS Code itself may ask the person to sign in.
 */
export async function gitHubAccess(host: string, options: { ask?: { repositoryLabel: string } } = {}): Promise<GitHubAccess | undefined> {
  const providerId = isGitHubDotCom(host) ? 'github' : 'github-enterprise';
  if (providerId === 'github-enterprise' && !(await enterpriseReady(host, options.ask))) {
    return undefined;
  }
  let session: vscode.AuthenticationSession | undefined;
  try {
    session = await vscode.authentication.getSession(providerId, SCOPES, { createIfNone: true });
  } catch (err) {
    throw new SignInError(signInFailed(host, err));
  }
  if (!session) {
    throw new SignInError(signInFailed(host, undefined));
  }
  // Checked again after the sign-in: the setting may have changed meanwhile.
  const apiBase = apiBaseForSession(providerId, host, enterpriseSetting());
  return { host, providerId, apiBase, token: session.accessToken, account: session.account.label };
}

function signInFailed(host: string, err: unknown): string {
  const text = err === undefined ? '' : errorMessage(err);
  const why = text ? ` (${text.slice(0, 200)})` : '';
  return vscode.l10n.t('There is no GitHub sign-in for {0}{1}: sign in to GitHub when VS Code asks, then try again.', host, why);
}

/** Whether `github-enterprise.uri` names `host` (set to it when the person agrees). */
async function enterpriseReady(host: string, ask: { repositoryLabel: string } | undefined): Promise<boolean> {
  const wanted = hostOrigin(host);
  if (!wanted) {
    throw new SignInError(vscode.l10n.t('{0} is not a GitHub host this extension can sign in to.', host));
  }
  const current = enterpriseOrigin(enterpriseSetting());
  if (current === wanted) {
    return true;
  }
  const setTo = current
    ? vscode.l10n.t('VS Code\'s GitHub Enterprise sign-in is set to {0}.', current)
    : vscode.l10n.t('VS Code\'s GitHub Enterprise sign-in is not set.');
  if (!ask) {
    throw new SignInError(vscode.l10n.t({
      message: 'The repository is on {0}. {1} Set "{2}" to {3}, then try again.',
      args: [host, setTo, ENTERPRISE_URI_SETTING, wanted],
      comment: ['{0} is a host name, {1} a sentence saying what the setting is now, {2} the setting\'s id, {3} the address to set it to.'],
    }));
  }
  const use = vscode.l10n.t('Use {0}', host);
  const answer = await showWarningMessage(
    vscode.l10n.t({
      message: '{0} is on {1}; {2} Use {1}?',
      args: [ask.repositoryLabel, host, setTo],
      comment: ['{0} is a repository (owner/repo), {1} a host name, {2} a sentence saying what the setting is now.'],
    }),
    { modal: true },
    use,
  );
  if (answer !== use) {
    return false;
  }
  await vscode.workspace.getConfiguration().update(ENTERPRISE_URI_SETTING, wanted, vscode.ConfigurationTarget.Global);
  return true;
}

/**
 * The workspace's GitHub repositories: the remotes the built-in git extension knows (waiting a little
 * for it to open the folders' repositories), or, when it is off, absent or knows none, the remotes
 * `git config` lists in each workspace folder (no shell, a time limit).
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { parseGitConfigRemotes, repositoryChoices, type GitRemote, type RepositoryChoice } from './choices';

/** The parts of the git extension's API (`vscode.git`, getAPI(1)) read here. */
interface GitApi {
  state: 'uninitialized' | 'initialized';
  onDidChangeState(listener: (state: string) => void): vscode.Disposable;
  onDidOpenRepository(listener: () => void): vscode.Disposable;
  repositories: { state: { remotes: GitRemote[] } }[];
}

const GIT_WAIT_MS = 3000;
const GIT_CONFIG_TIMEOUT_MS = 5000;

/** The workspace's GitHub repositories, `origin`'s first. */
export async function workspaceRepositories(): Promise<RepositoryChoice[]> {
  const fromExtension = await remotesFromGitExtension().catch(() => []);
  const choices = repositoryChoices(fromExtension);
  if (choices.length > 0) {
    return choices;
  }
  return repositoryChoices(await remotesFromGitConfig());
}

async function remotesFromGitExtension(): Promise<GitRemote[]> {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  if (!extension) {
    return [];
  }
  const exports = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), GIT_WAIT_MS);
  const api = exports?.getAPI(1);
  if (!api) {
    return [];
  }
  if (api.state !== 'initialized') {
    await waitForEvent((listener) => api.onDidChangeState(listener), () => api.state === 'initialized', GIT_WAIT_MS);
  }
  const folders = vscode.workspace.workspaceFolders?.length ?? 0;
  if (api.repositories.length === 0 && folders > 0) {
    await waitForEvent((listener) => api.onDidOpenRepository(listener), () => api.repositories.length > 0, GIT_WAIT_MS);
  }
  return api.repositories.flatMap((r) => r.state.remotes);
}

/**
 * `git config --get-regexp '^remote\..*\.url$'` in each workspace folder (nothing when git is missing).
 * Not in Restricted Mode: git is not run in a folder the person has not trusted (VS Code's own git
 * extension is off there too); "Another repository…" still works.
 */
async function remotesFromGitConfig(): Promise<GitRemote[]> {
  if (!vscode.workspace.isTrusted) {
    return [];
  }
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  const lists = await Promise.all(folders.map((folder) => new Promise<GitRemote[]>((resolve) => {
    execFile('git', ['config', '--get-regexp', '^remote\\..*\\.url$'], { cwd: folder.uri.fsPath, timeout: GIT_CONFIG_TIMEOUT_MS, windowsHide: true },
      (err, stdout) => resolve(err ? [] : parseGitConfigRemotes(String(stdout))));
  })));
  return lists.flat();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Resolves when `done()` holds after an event, or after `ms` (a bounded wait: the list is shown either way). */
function waitForEvent(on: (listener: () => void) => vscode.Disposable, done: () => boolean, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(finish, ms);
    const sub = on(() => {
      if (done()) finish();
    });
    function finish(): void {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}

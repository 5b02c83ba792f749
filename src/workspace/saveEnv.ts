import * as vscode from 'vscode';
import { showWarningMessage } from '../ui/notify';
import { appendGitignoreEntry, gitignoreCovers, upsertEnvVar } from './envFile';

/** The variable the Turso CLI and SDK examples read a Platform API token from. */
export const TOKEN_ENV_VAR = 'TURSO_API_TOKEN';

export type SaveEnvStatus = 'saved' | 'no-folder' | 'read-only' | 'cancelled' | 'failed';

export interface SaveEnvResult {
  status: SaveEnvStatus;
  /** One sentence for the user; never contains the token. */
  message: string;
  /** The `.env` written, when saved. */
  file?: vscode.Uri;
}

/**
 * Writes `TURSO_API_TOKEN=<value>` into `.env` in a workspace folder (asking which one when there
 * are several, and before replacing an existing value). In a git repository whose `.gitignore` does
 * not ignore `.env` yet, `.env` is added to it first, so the secret is never committable even for a
 * moment. Only `vscode.workspace.fs` is used, so it works in remote and virtual workspaces too.
 * Never throws: failures come back as `status: 'failed'` with the reason.
 */
export async function saveTokenToEnv(value: string): Promise<SaveEnvResult> {
  const folder = await pickFolder();
  if (folder === 'none') {
    return { status: 'no-folder', message: vscode.l10n.t('No folder is open: open a folder to save the token in its .env file.') };
  }
  if (!folder) {
    return { status: 'cancelled', message: vscode.l10n.t('Not saved to .env.') };
  }
  const fs = vscode.workspace.fs;
  if (fs.isWritableFileSystem(folder.uri.scheme) === false) {
    return { status: 'read-only', message: vscode.l10n.t('The folder {0} is read-only: the token was not saved to .env.', folder.name) };
  }
  const envFile = vscode.Uri.joinPath(folder.uri, '.env');
  const where = `${folder.name}/.env`;
  try {
    const before = await readTextIfExists(envFile);
    if (before !== undefined && upsertEnvVar(before, TOKEN_ENV_VAR, value).replaced && !(await confirmReplace(where))) {
      return { status: 'cancelled', message: vscode.l10n.t('Not saved: {0} still has its old {1}.', where, TOKEN_ENV_VAR) };
    }
    const gitignoreNote = await ignoreEnvFile(folder);
    // Read again: the file may have changed while the question was open.
    const current = await readTextIfExists(envFile);
    const { text, replaced } = upsertEnvVar(current ?? '', TOKEN_ENV_VAR, value);
    await fs.writeFile(envFile, new TextEncoder().encode(text));
    const action = current === undefined
      ? vscode.l10n.t('Created {0} with {1}.', where, TOKEN_ENV_VAR)
      : replaced
        ? vscode.l10n.t('Replaced {1} in {0}.', where, TOKEN_ENV_VAR)
        : vscode.l10n.t('Added {1} to {0}.', where, TOKEN_ENV_VAR);
    return { status: 'saved', message: gitignoreNote ? `${action} ${gitignoreNote}` : action, file: envFile };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { status: 'failed', message: vscode.l10n.t("Couldn't save the token to {0}: {1}", where, reason) };
  }
}

/** The folder to save in: the only one, the one picked, 'none' when no folder is open, undefined when the pick was dismissed. */
async function pickFolder(): Promise<vscode.WorkspaceFolder | 'none' | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    return 'none';
  }
  if (folders.length === 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: vscode.l10n.t('Save {0} to the .env file of which folder?', TOKEN_ENV_VAR),
    ignoreFocusOut: true,
  });
}

async function confirmReplace(where: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const answer = await showWarningMessage(
    vscode.l10n.t('{0} already sets {1}. Replace it with the new token?', where, TOKEN_ENV_VAR),
    { modal: true, detail: vscode.l10n.t('The old value is overwritten. Every other line of the file stays as it is.') },
    replace,
  );
  return answer === replace;
}

/**
 * In a git repository, makes sure `.gitignore` ignores `.env` (creating `.gitignore` if needed).
 * Returns a sentence to add to the result ('' when nothing changed).
 */
async function ignoreEnvFile(folder: vscode.WorkspaceFolder): Promise<string> {
  // `.git` is a folder in a normal clone and a file in worktrees and submodules: either counts.
  if (!(await exists(vscode.Uri.joinPath(folder.uri, '.git')))) {
    return '';
  }
  const gitignore = vscode.Uri.joinPath(folder.uri, '.gitignore');
  const text = await readTextIfExists(gitignore);
  if (text !== undefined && gitignoreCovers(text, '.env')) {
    return '';
  }
  await vscode.workspace.fs.writeFile(gitignore, new TextEncoder().encode(appendGitignoreEntry(text ?? '', '.env')));
  return text === undefined
    ? vscode.l10n.t('Created .gitignore with .env in it, so the token is not committed.')
    : vscode.l10n.t('Added .env to .gitignore, so the token is not committed.');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (err) {
    if (isNotFound(err)) {
      return false;
    }
    throw err;
  }
}

/** The file's text (a byte order mark kept, so it is written back as it was), or undefined if there is no such file. */
async function readTextIfExists(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  // Compared by code rather than `instanceof`: providers of remote file systems may throw their own errors.
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return code === 'FileNotFound' || code === 'EntryNotFound' || code === 'ENOENT';
}

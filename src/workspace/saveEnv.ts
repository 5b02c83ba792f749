import * as vscode from 'vscode';
import { showWarningMessage } from '../ui/notify';
import { saveEnvWaitsForTrust, workspaceTrusted } from '../ui/trust';
import { upsertEnvVar } from './envFile';
import { askGitConsent, gitConsentNeed, gitOptions, GITIGNORE_MODE, ignoreWithGit, listInGitignore, type GitignoreAccess } from './gitConsent';
import { gitFileState, isIgnoredByRules, untrack, type GitFileState } from './gitState';
import {
  AppearedError, assertRegularOrMissing, createLocalText, NotRegularFileError, OutsideFolderError, readLocalText, rewriteLocalText,
} from './localFile';
import { errorMessage } from '../util/errors';

/** The variable the Turso CLI and SDK examples read a Platform API token from. */
export const TOKEN_ENV_VAR = 'TURSO_API_TOKEN';

/** A line to write: its variable and value. */
export interface EnvVar {
  name: string;
  value: string;
}

export type SaveEnvStatus = 'saved' | 'no-folder' | 'read-only' | 'cancelled' | 'refused' | 'failed';

export interface SaveEnvResult {
  status: SaveEnvStatus;
  /** What was done and what was not, for the user; never contains the token. */
  message: string;
  /** The `.env` written, when saved. */
  file?: vscode.Uri;
}

const ENV = '.env';
const GITIGNORE = '.gitignore';
/** A new `.env` holds a secret: only its owner may read it. */
const SECRET_MODE = 0o600;

/** Saving would break a rule (a link, a tracked file…): the message says which and what was left as it was. */
class Refusal extends Error {}

/**
 * Writes `TURSO_API_TOKEN=<value>` into `.env` in a workspace folder (asking which one when there
 * are several, and before replacing an existing value), and never:
 * - through a symbolic link (`.env` or `.gitignore`, or a folder on the way), nor into anything but
 *   a regular file: on this computer's disk, each file is opened without following a link right
 *   before it is written, and its folder's real path checked (see `localFile.ts` for exactly what
 *   that does and does not catch); elsewhere (`vscode.workspace.fs`) a link is looked for right before;
 * - through an editor: the file is written on disk, never saved from a document, so VS Code's local
 *   history keeps no copy of the token; an editor open on it reloads it. A `.env` (or `.gitignore`)
 *   open with unsaved changes is refused, naming it (save or revert first): the token stays in the panel;
 * - into a file git tracks: a `.gitignore` does not apply to it, so the next commit would carry the
 *   token. The person may choose to stop tracking it (`git rm --cached`) first.
 * In a git repository whose rules do not ignore `.env` yet, `.env` is added to the folder's
 * `.gitignore` first, and git is asked again that it now ignores it. Git itself answers (wherever the
 * repository's root is); a folder git cannot look at (not on this disk, git missing) is saved only
 * when the person says so. The message says exactly what is and is not protected.
 * Never throws: failures come back as `status: 'failed'` or `'refused'` with the reason.
 */
export function saveTokenToEnv(value: string): Promise<SaveEnvResult> {
  return saveVarsToEnv([{ name: TOKEN_ENV_VAR, value }]);
}

/**
 * `saveTokenToEnv` for several variables written together, with the same care: a database token
 * and its database's URL (`TURSO_DATABASE_URL`, `TURSO_AUTH_TOKEN`). All are written in one write,
 * or none.
 */
export async function saveVarsToEnv(vars: readonly EnvVar[]): Promise<SaveEnvResult> {
  if (!workspaceTrusted()) return saveEnvWaitsForTrust();
  const names = vars.map((v) => v.name).join(', ');
  const folder = await pickFolder(names);
  if (folder === 'none') {
    return { status: 'no-folder', message: vscode.l10n.t('No folder is open: open a folder to save the token in its .env file.') };
  }
  if (!folder) {
    return { status: 'cancelled', message: vscode.l10n.t('Not saved to .env.') };
  }
  if (vscode.workspace.fs.isWritableFileSystem(folder.uri.scheme) === false) {
    return { status: 'read-only', message: vscode.l10n.t('The folder {0} is read-only: the token was not saved to .env.', folder.name) };
  }
  const files = folder.uri.scheme === 'file' ? localFiles(folder.uri) : workspaceFiles(folder.uri);
  const where = `${folder.name}/${ENV}`;
  try {
    return await save(folder, files, where, vars);
  } catch (err) {
    if (err instanceof Refusal) {
      return { status: 'refused', message: err.message };
    }
    return { status: 'failed', message: vscode.l10n.t("Couldn't save the token to {0}: {1}", where, describeError(err, folder.name)) };
  }
}

/** `text` with each variable set (replaced where it was, added at the end where it was not). */
function upsertAll(text: string, vars: readonly EnvVar[]): { text: string; replaced: boolean } {
  let replaced = false;
  for (const v of vars) {
    const result = upsertEnvVar(text, v.name, v.value);
    text = result.text;
    replaced ||= result.replaced;
  }
  return { text, replaced };
}

async function save(folder: vscode.WorkspaceFolder, files: FolderFiles, where: string, vars: readonly EnvVar[]): Promise<SaveEnvResult> {
  const names = vars.map((v) => v.name).join(', ');
  // Nothing is asked before a refusal that no answer could change.
  files.assertNoUnsavedChanges(ENV);
  await files.assertRegular(ENV);
  const git = await files.gitState(ENV);
  if (git.kind === 'repo' && !git.ignoredByRules) {
    await files.assertRegular(GITIGNORE);
  }

  const need = gitConsentNeed(git);
  let untrackAgreed = false;
  if (need.kind === 'tracked') {
    untrackAgreed = await confirmUntrack(where);
    if (!untrackAgreed) {
      return {
        status: 'cancelled',
        message: vscode.l10n.t('Not saved: git tracks {0}, so the token would be in the next commit. Nothing was changed.', where),
      };
    }
  } else if (need.kind === 'unchecked' && !(await confirmUnchecked(where, need.reason))) {
    return { status: 'cancelled', message: vscode.l10n.t('Not saved to {0}: git could not check it. Nothing was changed.', where) };
  }
  const before = await files.read(ENV);
  if (before !== undefined && upsertAll(before, vars).replaced && !(await confirmReplace(where, names))) {
    return { status: 'cancelled', message: vscode.l10n.t('Not saved: {0} still has its old {1}.', where, names) };
  }

  // Ask git again: the repository may have changed while a question was open.
  const now = git.kind === 'unknown' ? git : await files.gitState(ENV);
  if (now.kind === 'repo' && now.tracked && !untrackAgreed) {
    throw new Refusal(vscode.l10n.t('Not saved: git tracks {0} now, so the token would be in the next commit. Nothing was changed.', where));
  }
  if (now.kind !== git.kind) {
    throw new Refusal(vscode.l10n.t('Not saved: the git repository of {0} changed while saving. Nothing was changed; try again.', folder.name));
  }
  const notes: string[] = [];
  if (now.kind === 'repo') {
    // Ignored first: a refusal there leaves the index as it was.
    notes.push(await ignoreEnv(files, folder.name, where));
    if (now.tracked) {
      await files.untrack(ENV);
      notes.push(vscode.l10n.t('Git no longer tracks {0}: its removal is staged for your next commit, and earlier commits keep the contents it had.', ENV));
    }
  } else if (now.kind === 'none') {
    notes.push(vscode.l10n.t('{0} is not in a git repository, so nothing was added to a .gitignore.', folder.name));
  } else {
    notes.push(await ignoreUnchecked(files, folder.name, now.reason));
  }

  // Read again: the file may have changed while a question was open.
  await files.assertRegular(ENV);
  const current = await files.read(ENV);
  const { text, replaced } = upsertAll(current ?? '', vars);
  await files.write(ENV, text, current !== undefined, SECRET_MODE);
  const action = current === undefined
    ? vscode.l10n.t('Created {0} with {1}.', where, names)
    : replaced
      ? vscode.l10n.t('Replaced {1} in {0}.', where, names)
      : vscode.l10n.t('Added {1} to {0}.', where, names);
  return { status: 'saved', message: [action, ...notes].join(' '), file: files.uri(ENV) };
}

/** Makes git ignore `.env` (adding it to the folder's `.gitignore` when needed) and checks with git that it does. */
async function ignoreEnv(files: FolderFiles, folderName: string, where: string): Promise<string> {
  const { change, ignored } = await ignoreWithGit(gitignoreOf(files), ENV, ENV);
  const gitignore = `${folderName}/${GITIGNORE}`;
  if (!ignored) {
    throw new Refusal(vscode.l10n.t({
      message: 'Not saved: {0} now lists {1}, but git still does not ignore {2} (another rule brings it back). The token was not written.',
      args: [gitignore, ENV, where],
      comment: ['{0} is the folder\'s .gitignore file (folder/.gitignore), {1} the file name .env, {2} the folder\'s .env file (folder/.env).'],
    }));
  }
  switch (change) {
    case 'created':
      return vscode.l10n.t('Created {0} with {1}: git ignores it.', gitignore, ENV);
    case 'appended':
      return vscode.l10n.t('Added {1} to {0}: git ignores it.', gitignore, ENV);
    default:
      return vscode.l10n.t('Git ignores {0}.', ENV);
  }
}

/** Git could not be asked (and the person chose to save anyway): the folder's own `.gitignore` is made to list `.env` if it has a `.git`. */
async function ignoreUnchecked(files: FolderFiles, folderName: string, reason: string): Promise<string> {
  if (!(await files.hasGitFolder())) {
    return vscode.l10n.t('Git could not check it ({0}), so nothing was added to a .gitignore.', reason);
  }
  if ((await listInGitignore(gitignoreOf(files), ENV, ENV)) === 'listed') {
    return vscode.l10n.t({
      message: '{0}/{1} lists {2}; git could not confirm that it ignores it or that it is not tracked ({3}).',
      args: [folderName, GITIGNORE, ENV, reason],
      comment: ['{0} is the workspace folder\'s name, {1} the file name .gitignore, {2} the file name .env, {3} why git could not be asked.'],
    });
  }
  return vscode.l10n.t({
    message: 'Added {2} to {0}/{1}; git could not confirm that it ignores it or that it is not tracked ({3}).',
    args: [folderName, GITIGNORE, ENV, reason],
    comment: ['{0} is the workspace folder\'s name, {1} the file name .gitignore, {2} the file name .env, {3} why git could not be asked.'],
  });
}

/** The folder's `.gitignore` (never through a link, nor under an editor's unsaved changes), and git's answer for `.env`. */
function gitignoreOf(files: FolderFiles): GitignoreAccess {
  return {
    read: async () => {
      await files.assertRegular(GITIGNORE);
      return files.read(GITIGNORE);
    },
    write: (text, exists) => files.write(GITIGNORE, text, exists, GITIGNORE_MODE),
    ignored: () => files.ignoredByRules(ENV),
  };
}

/** The folder to save in: the only one, the one picked, 'none' when no folder is open, undefined when the pick was dismissed. */
async function pickFolder(names: string): Promise<vscode.WorkspaceFolder | 'none' | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    return 'none';
  }
  if (folders.length === 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: vscode.l10n.t('Save {0} to the .env file of which folder?', names),
    ignoreFocusOut: true,
  });
}

async function confirmReplace(where: string, names: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const answer = await showWarningMessage(
    vscode.l10n.t('{0} already sets {1}. Replace it with the new token?', where, names),
    { modal: true, detail: vscode.l10n.t('The old value is overwritten. Every other line of the file stays as it is.') },
    replace,
  );
  return answer === replace;
}

async function confirmUntrack(where: string): Promise<boolean> {
  return (await askGitConsent({
    message: vscode.l10n.t('Git tracks {0}: a .gitignore does not apply to it, so the next commit would carry the token.', where),
    detail: vscode.l10n.t(
      'Stop tracking it ("git rm --cached .env") and then save? The file stays on disk; its removal from the repository is staged for your next commit. Earlier commits keep the contents it had.',
    ),
    agree: vscode.l10n.t('Stop Tracking and Save'),
  })) === 'agree';
}

async function confirmUnchecked(where: string, reason: string): Promise<boolean> {
  return (await askGitConsent({
    message: vscode.l10n.t('Git could not check {0}: {1}.', where, reason),
    detail: vscode.l10n.t('If git tracks this file, or does not ignore it, the token can end up in a commit. Save it anyway?'),
    agree: vscode.l10n.t('Save Anyway'),
  })) === 'agree';
}

function describeError(err: unknown, folderName: string): string {
  if (err instanceof AppearedError) {
    return vscode.l10n.t('a file appeared in {0} while saving; nothing was written to it, try again', folderName);
  }
  return errorMessage(err);
}

// ---------------------------------------------------------------------------------------------
// The folder's files: on this disk through Node (no link followed, a new `.env` created 0600 in one
// step), elsewhere (remote and virtual file systems) through `vscode.workspace.fs`.

interface FolderFiles {
  uri(name: string): vscode.Uri;
  /** Refuses (with the reason, and a link's target) anything but a regular file or nothing. */
  assertRegular(name: string): Promise<void>;
  /** Refuses a file open in an editor with unsaved changes: see `assertNoUnsaved`. */
  assertNoUnsavedChanges(name: string): void;
  read(name: string): Promise<string | undefined>;
  write(name: string, text: string, exists: boolean, mode: number): Promise<void>;
  hasGitFolder(): Promise<boolean>;
  gitState(name: string): Promise<GitFileState>;
  ignoredByRules(name: string): Promise<boolean>;
  untrack(name: string): Promise<void>;
}

function refusalFor(err: NotRegularFileError, name: string): Refusal {
  return new Refusal(err.kind === 'symlink'
    ? err.target
      ? vscode.l10n.t('Not saved: {0} is a symbolic link to {1}, and nothing is written through a link. Nothing was changed.', name, err.target)
      : vscode.l10n.t('Not saved: {0} is a symbolic link, and nothing is written through a link. Nothing was changed.', name)
    : vscode.l10n.t('Not saved: {0} is not a regular file. Nothing was changed.', name));
}

/**
 * A file open in an editor with unsaved changes is never written: writing through the editor would
 * save the person's other edits, and keep copies of the token (local history, hot exit backups);
 * writing the disk under it would make their next save overwrite the token or conflict. A file open
 * without unsaved changes is written on disk (no copy anywhere) and the editor reloads it.
 */
function assertNoUnsaved(uri: vscode.Uri): void {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) {
    throw new Refusal(vscode.l10n.t(
      'Not saved: {0} is open with unsaved changes. Save or revert them first, then save the token to .env again. Nothing was changed.',
      vscode.workspace.asRelativePath(uri, true),
    ));
  }
}

function localFiles(folder: vscode.Uri): FolderFiles {
  const root = folder.fsPath;
  const full = (name: string): string => vscode.Uri.joinPath(folder, name).fsPath;
  const shown = (name: string): string => vscode.workspace.asRelativePath(vscode.Uri.joinPath(folder, name), true);
  const refusing = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof OutsideFolderError) {
        throw new Refusal(vscode.l10n.t(
          'Not saved: {0} is reached through a folder that is a symbolic link (it is {1}), and nothing is written through a link. Nothing was changed.',
          shown(name), err.realPath,
        ));
      }
      throw err instanceof NotRegularFileError ? refusalFor(err, shown(name)) : err;
    }
  };
  return {
    uri: (name) => vscode.Uri.joinPath(folder, name),
    assertRegular: (name) => refusing(name, () => assertRegularOrMissing(full(name))),
    assertNoUnsavedChanges: (name) => assertNoUnsaved(vscode.Uri.joinPath(folder, name)),
    read: (name) => refusing(name, () => readLocalText(full(name))),
    write: (name, text, exists, mode) => {
      // Right before the write: no unsaved editor, no link (the file or a folder on the way), checked by the writer.
      assertNoUnsaved(vscode.Uri.joinPath(folder, name));
      return refusing(name, () => (exists ? rewriteLocalText(full(name), text, root) : createLocalText(full(name), text, mode, root)));
    },
    hasGitFolder: async () => exists(vscode.Uri.joinPath(folder, '.git')),
    gitState: (name) => gitFileState(root, name, gitOptions()),
    ignoredByRules: (name) => isIgnoredByRules(root, name, gitOptions()),
    untrack: (name) => untrack(root, name, gitOptions()),
  };
}

function workspaceFiles(folder: vscode.Uri): FolderFiles {
  const fs = vscode.workspace.fs;
  const uri = (name: string): vscode.Uri => vscode.Uri.joinPath(folder, name);
  const shown = (name: string): string => vscode.workspace.asRelativePath(uri(name), true);
  const assertRegular = async (name: string): Promise<void> => {
    let type: vscode.FileType;
    try {
      type = (await fs.stat(uri(name))).type;
    } catch (err) {
      if (isNotFound(err)) {
        return;
      }
      throw err;
    }
    if (type & vscode.FileType.SymbolicLink) {
      throw refusalFor(new NotRegularFileError(name, 'symlink'), shown(name));
    }
    if (!(type & vscode.FileType.File)) {
      throw refusalFor(new NotRegularFileError(name, 'other'), shown(name));
    }
  };
  const unknown = vscode.l10n.t('the folder is not on this computer\'s disk ({0})', folder.scheme);
  return {
    uri,
    assertRegular,
    assertNoUnsavedChanges: (name) => assertNoUnsaved(uri(name)),
    read: async (name) => {
      await assertRegular(name);
      return readTextIfExists(uri(name));
    },
    write: async (name, text) => {
      // Checked again right before writing; this file system offers no way to open without following links.
      assertNoUnsaved(uri(name));
      await assertRegular(name);
      await fs.writeFile(uri(name), new TextEncoder().encode(text));
    },
    hasGitFolder: () => exists(uri('.git')),
    gitState: async () => ({ kind: 'unknown', reason: unknown }),
    ignoredByRules: async () => false,
    untrack: async () => {
      throw new Refusal(unknown);
    },
  };
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

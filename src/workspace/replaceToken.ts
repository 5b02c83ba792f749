import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gitFileState, untrack } from './gitState';
import {
  linkTarget, localFileKind, NotRegularFileError, OutsideFolderError, readLocalText,
} from './localFile';
import { gitConsentNeed, gitOptions } from './gitConsent';
import { findTokens, readPlatformToken } from './tokenFinder';
import { readWorkspaceText, writeWorkspaceText } from './diskText';
import type { WorkspaceTokens } from './workspaceTokens';
import { errorMessage } from '../util/errors';

/**
 * Replacing a rotated token in the workspace's env files: where it is (the scanner's findings, after
 * a rescan), whether each file may be written, and the replacement itself — each file read from
 * disk, exactly the token's columns replaced (quotes, `export`, comments and line endings stay as
 * they were), written back to disk by this extension (never through a `WorkspaceEdit` or a document
 * save), then read back. Nothing here logs or shows a token's value: places are paths and line numbers.
 *
 * Why on disk: VS Code's Local History keeps a copy of every file saved through an editor (under the
 * user data folder, `User/History`, readable by anyone who can read the profile): a save would leave
 * the new live token there. A file written on disk is not recorded; an editor open on it (without
 * unsaved changes) reloads it. The price: the replacement is not one Undo step in the editor.
 *
 * What is protected, and what is not:
 * - A file that is a symbolic link, or lies in a folder reached through one (its real path is not its
 *   path under the workspace folder), is never written: the new token would land wherever the link
 *   points. Same for anything that is not a regular file, a file outside the workspace folders, and
 *   a read-only file system.
 * - Right before each write on this computer's disk, the file is opened without following a link
 *   (`O_NOFOLLOW`: a link swapped in at the last moment fails the open), and the real path of its
 *   folders is checked to be still inside the workspace folder; on Linux the opened file itself is
 *   checked too, so a folder swapped for a link between that check and the open is caught before a
 *   byte is written (elsewhere such a swap, within microseconds, is not; see `localFile.ts`). Not
 *   looked for: the workspace folder itself being replaced, and links above it.
 * - A file git tracks is written only when the person agrees to stop tracking it first (`git rm
 *   --cached`, as Save to .env does): otherwise the new token would be in the next commit. A file git
 *   cannot check (git missing, a remote or virtual file system) is written only when the person says so.
 * - A document with unsaved changes is left alone: its edits would conflict with the file written.
 * - Everything is checked again right before the write (a question may have been open a long time).
 * - Folders not on this computer's disk (remote, virtual) are written through `vscode.workspace.fs`
 *   (no local history either), which offers no way to write without following links: a link is
 *   looked for right before the write, and one swapped in after that would be followed.
 * - Not protected: git's history keeps the old token of a file that was committed (it is revoked at
 *   the end, so it stops working, but it stays readable there).
 * - Never throws for one file's problem: each file not written is in `skipped` or `failures`, with why.
 */

/** Whether a file may be written, as checked now. */
export type FileState =
  /** A regular file inside the workspace folder that git does not track (or no repository). */
  | { kind: 'writable' }
  /** Git tracks it: written only after "stop tracking". */
  | { kind: 'tracked' }
  /**
   * In a git repository that neither tracks nor ignores it: written only after the person agrees to
   * add it to its folder's `.gitignore` (as Save to .env does), else the next `git add` takes it.
   */
  | { kind: 'unignored'; reason: string }
  /** Git could not say whether it tracks it: written only if the person says so. */
  | { kind: 'unchecked'; reason: string }
  /** Never written; the reason says why (a link, not a regular file, unsaved changes…). */
  | { kind: 'refused'; reason: string };

/** A file that holds the token. */
export interface FilePlan {
  uri: vscode.Uri;
  /** The workspace-relative path, as shown. */
  shown: string;
  /** 0-based lines holding the token (as the last scan found them). */
  lines: number[];
  state: FileState;
  /**
   * The person agreed: stop tracking it (`tracked`), add it to `.gitignore` (`unignored`), or write
   * without git's answer (`unchecked`).
   */
  consent?: boolean;
  /** The person left it out of the list of files to write (it keeps the old token). */
  excluded?: boolean;
}

/** `path:line` (1-based) of each place, as shown to the person. */
export function placesOf(plan: Pick<FilePlan, 'shown' | 'lines'>): string[] {
  return plan.lines.map((line) => `${plan.shown}:${line + 1}`);
}

/** Every file holding the token `tokenId`, in file order, each with whether it may be written. */
export async function planTokenReplacement(tokens: WorkspaceTokens, tokenId: string): Promise<FilePlan[]> {
  // The watchers miss some changes (see WorkspaceTokens): the list must be current before acting on it.
  await tokens.rescan();
  const byFile = new Map<string, { uri: vscode.Uri; lines: number[] }>();
  for (const f of tokens.findings()) {
    if (f.tokenId !== tokenId) continue;
    const entry = byFile.get(f.uri.toString()) ?? { uri: f.uri, lines: [] };
    if (!entry.lines.includes(f.line)) entry.lines.push(f.line);
    byFile.set(f.uri.toString(), entry);
  }
  return Promise.all([...byFile.values()].map(async ({ uri, lines }) => ({
    uri,
    shown: vscode.workspace.asRelativePath(uri, true),
    lines,
    state: await fileState(uri),
  })));
}

/** Whether `uri` may be written now (see the module comment). Never throws. */
export async function fileState(uri: vscode.Uri): Promise<FileState> {
  try {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) {
      return { kind: 'refused', reason: vscode.l10n.t('it is not in a workspace folder') };
    }
    if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === false) {
      return { kind: 'refused', reason: vscode.l10n.t('its file system is read-only') };
    }
    if (unsavedDocument(uri)) {
      return { kind: 'refused', reason: vscode.l10n.t('it has unsaved changes (save or revert them, then rotate again)') };
    }
    if (uri.scheme !== 'file') {
      const type = (await vscode.workspace.fs.stat(uri)).type;
      if (type & vscode.FileType.SymbolicLink) {
        return { kind: 'refused', reason: vscode.l10n.t('it is a symbolic link, and nothing is written through a link') };
      }
      if (!(type & vscode.FileType.File)) {
        return { kind: 'refused', reason: vscode.l10n.t('it is not a regular file') };
      }
      return { kind: 'unchecked', reason: vscode.l10n.t('the folder is not on this computer\'s disk ({0})', uri.scheme) };
    }
    const file = uri.fsPath;
    const kind = await localFileKind(file);
    if (kind === 'symlink') {
      const target = await linkTarget(file);
      return {
        kind: 'refused',
        reason: target
          ? vscode.l10n.t('it is a symbolic link to {0}, and nothing is written through a link', target)
          : vscode.l10n.t('it is a symbolic link, and nothing is written through a link'),
      };
    }
    if (kind !== 'file') {
      return { kind: 'refused', reason: kind === 'missing' ? vscode.l10n.t('it is gone') : vscode.l10n.t('it is not a regular file') };
    }
    // A folder on the way that is a link (the scan may follow them): the file lives elsewhere.
    const real = await fs.promises.realpath(file);
    const expected = path.join(await fs.promises.realpath(folder.uri.fsPath), path.relative(folder.uri.fsPath, file));
    if (real !== expected) {
      return { kind: 'refused', reason: vscode.l10n.t('it is reached through a folder that is a symbolic link (it is {0}), and nothing is written through a link', real) };
    }
    const need = gitConsentNeed(await gitFileState(path.dirname(file), path.basename(file), gitOptions()));
    switch (need.kind) {
      case 'none':
        return { kind: 'writable' };
      case 'unignored':
        return { kind: 'unignored', reason: vscode.l10n.t('git does not ignore it, so the new token could be committed') };
      default:
        return need;
    }
  } catch (err) {
    return { kind: 'refused', reason: vscode.l10n.t('it could not be checked: {0}', errorMessage(err)) };
  }
}

function unsavedDocument(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty);
}

/** A file the replacement wrote: saved, and read back from disk with the new token and without the old one. */
export interface WrittenFile {
  uri: vscode.Uri;
  shown: string;
  lines: number[];
}

export interface ReplaceResult {
  written: WrittenFile[];
  /** Not written, each with why (they keep the old token). */
  skipped: { shown: string; reason: string }[];
  /**
   * The edit could not be applied, or a changed file could not be saved or does not read back as
   * written: what happened, per file. The old token must then not be revoked.
   */
  failures: { shown: string; reason: string }[];
}

/**
 * Replaces the token `oldId` with `newValue` in the files of `plans` that may be written (checked
 * again first; a tracked one the person agreed to stop tracking is untracked first): each file
 * written on disk and read back (see the module comment). Never throws for a file's problem.
 */
export async function replaceTokenInFiles(plans: readonly FilePlan[], oldId: string, newValue: string): Promise<ReplaceResult> {
  const result: ReplaceResult = { written: [], skipped: [], failures: [] };
  const newId = readPlatformToken(newValue)?.tokenId;
  for (const plan of plans) {
    let outcome: FileOutcome;
    try {
      outcome = await replaceInFile(plan, oldId, newValue, newId);
    } catch (err) {
      // Whether something was written is not known: the old token must not be revoked.
      outcome = { kind: 'failed', reason: errorMessage(err) };
    }
    if (outcome.kind === 'written') {
      result.written.push({ uri: plan.uri, shown: plan.shown, lines: outcome.lines });
    } else if (outcome.kind === 'skipped') {
      result.skipped.push({ shown: plan.shown, reason: outcome.reason });
    } else {
      result.failures.push({ shown: plan.shown, reason: outcome.reason });
    }
  }
  return result;
}

export type FileOutcome = { kind: 'written'; lines: number[] } | { kind: 'skipped' | 'failed'; reason: string };

/** Where a value to replace is in a file's text (columns on `findTokens`'s lines). */
export type ValuePlaces = readonly { line: number; startColumn: number; endColumn: number }[];

const UNSAVED = (): string => vscode.l10n.t('it has unsaved changes (save or revert them, then rotate again)');

/** One file: checked, read, the token's columns replaced, written without following links, read back. */
function replaceInFile(plan: FilePlan, oldId: string, newValue: string, newId: string | undefined): Promise<FileOutcome> {
  return replaceValueInFile(plan, newValue, (text) => findTokens(text).filter((f) => f.tokenId === oldId), (text) => {
    const after = findTokens(text);
    return !after.some((f) => f.tokenId === oldId) && (newId === undefined || after.some((f) => f.tokenId === newId));
  });
}

/**
 * One file: checked, read, the places `locate` finds replaced by `newValue`, written without
 * following links, read back (`readsBack` says whether the text read back is right). Throws only
 * when it is not known whether something was written.
 */
export async function replaceValueInFile(plan: FilePlan, newValue: string, locate: (text: string) => ValuePlaces, readsBack: (text: string) => boolean): Promise<FileOutcome> {
  const skip = (reason: string): FileOutcome => ({ kind: 'skipped', reason });
  const ready = await readyToWrite(plan);
  if (ready) {
    return skip(ready);
  }
  const document = openDocument(plan.uri);
  if (document?.isDirty) {
    return skip(UNSAVED());
  }
  let before: string | undefined;
  try {
    before = await readWorkspaceText(plan.uri);
  } catch (err) {
    return skip(notWritten(err) ?? vscode.l10n.t('it could not be read: {0}', errorMessage(err)));
  }
  if (before === undefined) {
    return skip(vscode.l10n.t('it is gone'));
  }
  if (before.includes('\uFFFD')) {
    return skip(vscode.l10n.t('it is not UTF-8 text, so it could not be written back as it was'));
  }
  // Where the token is in the file now (it may have changed since the scan).
  const found = locate(before);
  if (found.length === 0) {
    return skip(vscode.l10n.t('it no longer holds the token'));
  }
  const text = replaceColumns(before, found, newValue);
  if (openDocument(plan.uri)?.isDirty) {
    return skip(UNSAVED());
  }
  try {
    await writeWorkspaceText(plan.uri, text);
  } catch (err) {
    const refused = notWritten(err);
    return refused ? skip(refused) : { kind: 'failed', reason: errorMessage(err) };
  }
  if (!readsBack(await readBack(plan.uri))) {
    return { kind: 'failed', reason: vscode.l10n.t('the file on disk does not read back with the new token') };
  }
  if (document) {
    // An open editor reloads the file from disk; waited for (within a bound) so that what follows sees it.
    await followsDisk(document).catch(() => false);
  }
  return { kind: 'written', lines: [...new Set(found.map((f) => f.line))] };
}

/** The reason a write was refused before anything was written (a link, not a regular file), or undefined. */
function notWritten(err: unknown): string | undefined {
  if (err instanceof OutsideFolderError) {
    return vscode.l10n.t('it is reached through a folder that is a symbolic link (it is {0}), and nothing is written through a link', err.realPath);
  }
  if (err instanceof NotRegularFileError) {
    return err.kind === 'symlink'
      ? err.target
        ? vscode.l10n.t('it is a symbolic link to {0}, and nothing is written through a link', err.target)
        : vscode.l10n.t('it is a symbolic link, and nothing is written through a link')
      : vscode.l10n.t('it is not a regular file');
  }
  return undefined;
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** `text` with each finding's columns replaced by `value` (findings on the lines `findTokens` splits). */
function replaceColumns(text: string, found: readonly { line: number; startColumn: number; endColumn: number }[], value: string): string {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) {
    starts.push((m.index ?? 0) + m[0].length);
  }
  const ranges = found.map((f) => [starts[f.line] + f.startColumn, starts[f.line] + f.endColumn] as const).sort((x, y) => y[0] - x[0]);
  let out = text;
  for (const [start, end] of ranges) {
    out = out.slice(0, start) + value + out.slice(end);
  }
  return out;
}

/** Checks the file again right before the write; undefined when it may be written, else why not. */
async function readyToWrite(plan: FilePlan): Promise<string | undefined> {
  let state = await fileState(plan.uri);
  if (state.kind === 'tracked' && plan.state.kind === 'tracked' && plan.consent && plan.uri.scheme === 'file') {
    try {
      await untrack(path.dirname(plan.uri.fsPath), path.basename(plan.uri.fsPath), gitOptions());
    } catch (err) {
      return vscode.l10n.t('git could not stop tracking it: {0}', errorMessage(err));
    }
    state = await fileState(plan.uri);
  }
  switch (state.kind) {
    case 'writable':
      return undefined;
    case 'tracked':
      return plan.state.kind === 'tracked' && !plan.consent
        ? vscode.l10n.t('git tracks it, and you chose to leave it as it is')
        : vscode.l10n.t('git tracks it now, so the new token would be in the next commit');
    case 'unchecked':
      return plan.state.kind === 'unchecked' && plan.consent ? undefined : vscode.l10n.t('git could not check it ({0})', state.reason);
    default:
      return state.reason;
  }
}

/** How long a document may take to follow a change of its file on disk. */
const DISK_SYNC_MS = 3000;

/**
 * Whether a document without unsaved changes has its file's text (line endings aside): VS Code
 * reloads it when its watcher reports a change, which can come after the change itself. Waits for
 * that reload (its change event), within a bound.
 */
async function followsDisk(document: vscode.TextDocument): Promise<boolean> {
  const same = async (): Promise<boolean> => lines(await readBack(document.uri)) === lines(document.getText());
  const deadline = Date.now() + DISK_SYNC_MS;
  for (;;) {
    if (document.isDirty) {
      return false;
    }
    if (await same()) {
      return true;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      return false;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const timer = setTimeout(done, left);
      const subscription = vscode.workspace.onDidChangeTextDocument((e) => e.document === document && done());
    });
  }
}

/** The text without a byte order mark, every line ending as `\n`. */
function lines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n|\r/g, '\n');
}

async function readBack(uri: vscode.Uri): Promise<string> {
  if (uri.scheme === 'file') {
    return (await readLocalText(uri.fsPath)) ?? '';
  }
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

import * as vscode from 'vscode';
import { NotRegularFileError, readLocalText, rewriteLocalText } from './localFile';

/**
 * A workspace file's text as this extension reads and writes it: on disk, never through an editor or a
 * document save — VS Code's local history keeps a copy of every file saved (under the user data
 * folder, `User/History`), so a save would leave there every token the file holds. On this computer's
 * disk without following a link and only inside the file's workspace folder (src/workspace/localFile.ts);
 * on another file system through `workspace.fs`, a link looked for right before. An editor open on the
 * file (without unsaved changes) reloads it.
 */

/** The file's text (a byte order mark kept), undefined when it is gone; on this disk without following a link. */
export async function readWorkspaceText(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme === 'file') {
    return readLocalText(uri.fsPath);
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(uri));
}

/** Writes the file in place: on this disk never through a link, elsewhere through `workspace.fs`. */
export async function writeWorkspaceText(uri: vscode.Uri, text: string): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    throw new Error(vscode.l10n.t('it is not in a workspace folder'));
  }
  if (uri.scheme === 'file') {
    await rewriteLocalText(uri.fsPath, text, folder.uri.fsPath);
    return;
  }
  // This file system offers no way to write without following links: looked for right before.
  const type = (await vscode.workspace.fs.stat(uri)).type;
  if (type & vscode.FileType.SymbolicLink) {
    throw new NotRegularFileError(uri.toString(), 'symlink');
  }
  if (!(type & vscode.FileType.File)) {
    throw new NotRegularFileError(uri.toString(), 'other');
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

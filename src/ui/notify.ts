import * as vscode from 'vscode';
import { inertText, withoutIcons } from '../util/text';

/**
 * The extension's notifications and modals. Every message goes through `inertText` on its way out:
 * VS Code renders `[label](command:…)` in a notification as a live link, and messages often carry
 * text from the server (error reasons, token and user names). Longer than this, VS Code cuts a
 * notification, and the end of a message says what to do. The rest of the extension does not call
 * `vscode.window.show*Message` or `setStatusBarMessage` itself (an ESLint rule in eslint.config.mjs).
 */
const MAX_MESSAGE = 1000;

type Show = typeof vscode.window.showInformationMessage;

function inert(show: () => Show): Show {
  return ((message: string, ...rest: unknown[]) => {
    const first = rest[0];
    if (first && typeof first === 'object' && !('title' in first)) {
      const options = first as vscode.MessageOptions;
      rest[0] = options.detail === undefined ? options : { ...options, detail: inertDetail(options.detail, options.modal === true) };
    }
    return (show() as (...args: unknown[]) => Thenable<unknown>)(inertText(message, MAX_MESSAGE), ...rest);
  }) as Show;
}

/**
 * A modal's detail keeps its line breaks (a list of files, one per line: the dialog shows them as
 * lines); each line is made inert on its own. Anywhere else a line break is a control like the others.
 */
function inertDetail(detail: string, modal: boolean): string {
  if (!modal) {
    return inertText(detail, MAX_MESSAGE);
  }
  const lines: string[] = [];
  let length = 0;
  for (const line of detail.split(/\r\n|\r|\n/)) {
    const inert = inertText(line, MAX_MESSAGE);
    if (length + inert.length + 1 > MAX_MESSAGE) {
      // Whole lines only: what does not fit is cut at a line's end.
      lines.push('…');
      break;
    }
    lines.push(inert);
    length += inert.length + 1;
  }
  return lines.join('\n');
}

// Looked up at each call, so a replaced `vscode.window` method (tests) is the one used.
export const showErrorMessage = inert(() => vscode.window.showErrorMessage);
export const showWarningMessage = inert(() => vscode.window.showWarningMessage);
export const showInformationMessage = inert(() => vscode.window.showInformationMessage);

/**
 * A passing message in the status bar, after an icon of ours (`warning`, say). The status bar draws
 * `$(…)` as icons and the message may carry server text: it goes in inert and without icon syntax.
 */
export function setStatusBarMessage(message: string, hideAfterMs: number, icon?: string): vscode.Disposable {
  const text = inertText(withoutIcons(message), MAX_MESSAGE);
  return vscode.window.setStatusBarMessage(icon ? `$(${icon}) ${text}` : text, hideAfterMs);
}

import * as vscode from 'vscode';
import { inertText } from '../util/text';
import type { TooltipRow } from './treeModel';

/** Longest value shown in a tooltip row. */
const MAX_TOOLTIP_VALUE = 1000;

/**
 * A row's tooltip, for the account's rows (tokensTreeProvider.ts) and the organizations' (organizationsTree.ts).
 * Server text goes in as plain text (escaped); HTML and command links stay off.
 */
export function markdownTooltip(rows: TooltipRow[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  rows.forEach((row, i) => {
    md.appendMarkdown(`**${row.label}:** `);
    md.appendText(inertText(row.value, MAX_TOOLTIP_VALUE));
    if (i < rows.length - 1) {
      md.appendMarkdown('  \n');
    }
  });
  return md;
}

/**
 * `turso.saveToGitHubSecret`: saves the value of the open reveal panel (the active one, else the most
 * recently opened) as a GitHub Actions secret. It never takes a value from its arguments: any
 * extension can run a command, and only the panel the person sees holds a value.
 */
import * as vscode from 'vscode';
import { showInformationMessage } from '../ui/notify';
import { openRevealPanels } from '../webview/revealPanel';

export function saveToGitHubSecretCommand(): () => Promise<void> {
  return async () => {
    const panels = openRevealPanels().filter((p) => p.revealed);
    const panel = panels.find((p) => p.panel?.active) ?? panels.at(-1);
    if (!panel) {
      void showInformationMessage(vscode.l10n.t('Save as GitHub Actions Secret works on a new token\'s panel: create or rotate a token first. Its value is kept only while its panel is open.'));
      return;
    }
    await panel.receive({ type: 'save-github' });
  };
}

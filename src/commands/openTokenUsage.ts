import * as vscode from 'vscode';
import { showInformationMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import type { OrganizationTokenNode } from '../views/organizationNodes';
import type { TreeNode } from '../views/treeModel';
import type { TokenUsage, WorkspaceTokens } from '../workspace/workspaceTokens';
import type { CommandDeps } from './deps';

/** Token id → the workspace files that hold it, as a row shows them (each file once, in file order). */
export function usedInFiles(tokens: WorkspaceTokens): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, usages] of tokens.usagesById()) {
    out.set(id, [...new Set(usages.map((u) => vscode.workspace.asRelativePath(u.uri)))]);
  }
  return out;
}

/**
 * `turso.openTokenUsage` ("Open Where Used"): from a token's row (the account's own, or an
 * organization's: matched by the token id, so a colleague's token too), or the palette (pick one of the
 * signed-in accounts' tokens found in the workspace). Opens the file at the token's line; asks which
 * place when there are several.
 */
export function openTokenUsageCommand({ tokens, accounts }: Pick<CommandDeps, 'accounts'> & { tokens: WorkspaceTokens }) {
  return async (node?: TreeNode | OrganizationTokenNode): Promise<TokenUsage | undefined> => {
    await tokens.start();
    let tokenId = node?.kind === 'token' || node?.kind === 'orgToken' ? node.token.id : undefined;
    if (!tokenId) {
      const used = accounts.accounts.flatMap((a) => a.knownTokens() ?? []).filter((t) => tokens.usages(t.id).length > 0);
      if (used.length === 0) {
        void showInformationMessage(vscode.l10n.t('No API token of yours is used in this workspace.'));
        return undefined;
      }
      // Names come from the server, paths and keys from the workspace: plain text in the picker.
      const picked = await pick({
        title: vscode.l10n.t('Open Where Used'),
        placeholder: vscode.l10n.t('Which API token?'),
        items: used.map((t) => ({ label: displayName(t.name, 128), description: displayName(t.id, 128), id: t.id })),
      });
      tokenId = picked?.[0]?.id;
      if (!tokenId) return undefined;
    }
    const usages = tokens.usages(tokenId);
    if (usages.length === 0) {
      void showInformationMessage(vscode.l10n.t('This API token is not used in this workspace.'));
      return undefined;
    }
    let usage: TokenUsage | undefined = usages[0];
    if (usages.length > 1) {
      const picked = await pick({
        title: vscode.l10n.t('Open Where Used'),
        placeholder: vscode.l10n.t('Which place?'),
        items: usages.map((u) => ({
          label: displayName(`${vscode.workspace.asRelativePath(u.uri)}:${u.line + 1}`, 256),
          description: u.key === undefined ? undefined : displayName(u.key, 128),
          usage: u,
        })),
      });
      usage = picked?.[0]?.usage;
    }
    if (!usage) return undefined;
    const position = new vscode.Position(usage.line, 0);
    await vscode.window.showTextDocument(usage.uri, { selection: new vscode.Range(position, position), preview: false });
    return usage;
  };
}

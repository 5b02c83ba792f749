import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { showInformationMessage } from '../ui/notify';
import type { OrganizationTokenNode } from '../views/organizationNodes';
import type { TreeNode } from '../views/treeModel';
import type { TokenUsage, WorkspaceTokens } from '../workspace/workspaceTokens';

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
export function openTokenUsageCommand({ tokens, accounts }: { tokens: WorkspaceTokens; accounts: AccountModel }) {
  return async (node?: TreeNode | OrganizationTokenNode): Promise<TokenUsage | undefined> => {
    await tokens.start();
    let tokenId = node?.kind === 'token' || node?.kind === 'orgToken' ? node.token.id : undefined;
    if (!tokenId) {
      const used = accounts.accounts.flatMap((a) => a.knownTokens() ?? []).filter((t) => tokens.usages(t.id).length > 0);
      if (used.length === 0) {
        void showInformationMessage(vscode.l10n.t('No API token of yours is used in this workspace.'));
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(used.map((t) => ({ label: t.name, description: t.id, id: t.id })), {
        title: vscode.l10n.t('Open Where Used'),
        placeHolder: vscode.l10n.t('Which API token?'),
      });
      tokenId = picked?.id;
      if (!tokenId) return undefined;
    }
    const usages = tokens.usages(tokenId);
    if (usages.length === 0) {
      void showInformationMessage(vscode.l10n.t('This API token is not used in this workspace.'));
      return undefined;
    }
    let usage: TokenUsage | undefined = usages[0];
    if (usages.length > 1) {
      const picked = await vscode.window.showQuickPick(
        usages.map((u) => ({ label: `${vscode.workspace.asRelativePath(u.uri)}:${u.line + 1}`, description: u.key, usage: u })),
        { title: vscode.l10n.t('Open Where Used'), placeHolder: vscode.l10n.t('Which place?') },
      );
      usage = picked?.usage;
    }
    if (!usage) return undefined;
    const position = new vscode.Position(usage.line, 0);
    await vscode.window.showTextDocument(usage.uri, { selection: new vscode.Range(position, position), preview: false });
    return usage;
  };
}

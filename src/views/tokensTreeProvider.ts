import * as vscode from 'vscode';
import type { AccountLoad, AccountModel } from '../accounts/accountModel';
import { inertText } from '../util/text';
import { errorNode, userNode, type TooltipRow, type TreeNode } from './treeModel';

export const TOKENS_VIEW_ID = 'turso.tokens';
/** Longest label or description shown in a row; the tooltip has the whole text (up to its own bound). */
const MAX_LABEL = 128;
const MAX_TOOLTIP_VALUE = 1000;

export type { AccountState } from '../accounts/accountModel';

/**
 * The API Tokens tree: the signed-in user as the root, their API tokens under it. It shows the
 * account model (src/accounts/accountModel.ts) and asks it for a load when the view wants rows;
 * it holds no account state of its own. Rows are built once per load.
 */
export class TokensTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** The root built for `builtFor` (a load result): rebuilt only when the model has another. */
  private built: { load: AccountLoad; root: TreeNode } | undefined;

  constructor(private readonly accounts: AccountModel) {
    this.disposables.push(
      accounts.onDidChange((change) => {
        if (change) {
          this.emitter.fire(this.tokenNode(change.tokenId));
        } else {
          this.emitter.fire();
        }
      }),
      accounts.onDidStartLoading((load) => {
        void vscode.window.withProgress({ location: { viewId: TOKENS_VIEW_ID } }, () => load);
      }),
    );
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    // Labels and descriptions carry server text (names, error reasons): inert and bounded.
    const label = inertText(node.label, MAX_LABEL);
    const description = node.description === undefined ? undefined : inertText(node.description, MAX_LABEL);
    const item = new vscode.TreeItem(
      label,
      node.kind === 'user' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = description;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.tooltip) {
      item.tooltip = markdownTooltip(node.tooltip);
    }
    if (node.kind === 'message' && node.command) {
      item.command = node.command;
    }
    const busy = node.kind === 'token' ? this.accounts.busyText(node.token.id) : undefined;
    if (busy) {
      item.description = busy;
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      item.contextValue = `${node.contextValue};busy`;
    }
    if (node.kind === 'token') {
      item.accessibilityInformation = {
        label: vscode.l10n.t('API token {0}, {1}', label, description ?? ''),
        role: 'treeitem',
      };
    } else if (node.kind === 'user') {
      item.accessibilityInformation = {
        label: description ? vscode.l10n.t('Signed in as {0}, plan {1}', label, description) : vscode.l10n.t('Signed in as {0}', label),
        role: 'treeitem',
      };
    }
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) {
      return node.kind === 'user' ? node.children : [];
    }
    const load = await this.accounts.load();
    return load ? [this.rootFor(load)] : [];
  }

  getParent(node: TreeNode): vscode.ProviderResult<TreeNode> {
    const root = this.built?.root;
    if (node.kind === 'user' || root?.kind !== 'user') {
      return undefined;
    }
    return root.children.includes(node as never) ? root : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private rootFor(load: AccountLoad): TreeNode {
    if (this.built?.load !== load) {
      const root = load.kind === 'failed'
        ? errorNode(load.error)
        : userNode(
            { user: load.user, validation: load.validation, tokens: load.tokens, credentialId: load.credentialId },
            Date.now() / 1000,
          );
      this.built = { load, root };
    }
    return this.built.root;
  }

  /** The shown row of a token, if any (undefined: the view asks for everything). */
  private tokenNode(tokenId: string): TreeNode | undefined {
    const root = this.built?.root;
    return root?.kind === 'user' ? root.children.find((c) => c.kind === 'token' && c.token.id === tokenId) : undefined;
  }
}

/** Server text goes in as plain text (escaped); HTML and command links stay off. */
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

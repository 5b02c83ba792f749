import * as vscode from 'vscode';
import type { AccountLoad, AccountModel } from '../accounts/accountModel';
import type { OrganizationsModel } from '../accounts/organizationsModel';
import { inertText } from '../util/text';
import { OrganizationsTree } from './organizationsTree';
import { errorNode, userNode, type TooltipRow, type TreeNode as AccountTreeNode } from './treeModel';
import type { OrganizationTreeNode } from './organizationNodes';

/** A row of the tree: the account's own (treeModel.ts) or its organizations' (organizationNodes.ts). */
export type TreeNode = AccountTreeNode | OrganizationTreeNode;

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
  private built: { load: AccountLoad; root: AccountTreeNode } | undefined;
  private readonly organizations: OrganizationsTree | undefined;

  constructor(private readonly accounts: AccountModel, organizations?: OrganizationsModel) {
    if (organizations) {
      this.organizations = new OrganizationsTree(organizations, () => accounts.credentialId, (node) => this.emitter.fire(node));
      this.disposables.push(this.organizations);
    }
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
    if (node.kind === 'organizations' || node.kind === 'organization' || node.kind === 'orgToken') {
      return this.organizations ? this.organizations.getTreeItem(node) : new vscode.TreeItem(node.label);
    }
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

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    return node.kind === 'orgToken' && this.organizations ? this.organizations.resolveTreeItem(item, node) : item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) {
      if (node.kind === 'user') {
        // The organizations come after the account's own tokens, collapsed: nothing is asked until expanded.
        return this.organizations ? [...node.children, this.organizations.rootFor(node.username)] : node.children;
      }
      return this.organizations?.getChildren(node) ?? [];
    }
    const load = await this.accounts.load();
    return load ? [this.rootFor(load)] : [];
  }

  getParent(node: TreeNode): vscode.ProviderResult<TreeNode> {
    const root = this.built?.root;
    if (node.kind === 'user' || root?.kind !== 'user') {
      return undefined;
    }
    if (node.kind === 'organizations') {
      return root;
    }
    if (node.kind === 'organization' || node.kind === 'orgToken' || this.organizations?.owns(node)) {
      return this.organizations?.getParent(node);
    }
    return root.children.includes(node as never) ? root : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** The tree's view tells which organizations are collapsed (a refresh no longer reloads them). */
  collapsed(node: TreeNode): void {
    this.organizations?.collapsed(node);
  }

  expanded(node: TreeNode): void {
    this.organizations?.expanded(node);
  }

  private rootFor(load: AccountLoad): AccountTreeNode {
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

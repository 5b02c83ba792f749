import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import { inertText } from '../util/text';
import {
  organizationChildren,
  organizationErrorNode,
  organizationListChildren,
  organizationNode,
  organizationsNode,
  organizationTokenNode,
  type OrganizationNode,
  type OrganizationsNode,
  type OrganizationTokenNode,
  type OrganizationTreeNode,
} from './organizationNodes';
import { busyContextValue } from './contextValues';
import { databaseChildren, databasesNode, databaseTooltip, type DatabaseNode, type DatabasesNode } from './databaseNodes';
import { markdownTooltip } from './markdownTooltip';
import { sameFiles, type MessageNode, type SecretsOf, type TreeNode as AccountTreeNode } from './treeModel';

const MAX_LABEL = 128;

type Child = OrganizationTreeNode | MessageNode;

/**
 * The Organizations part of the API Tokens tree: builds its rows from the organizations model
 * (src/accounts/organizationsModel.ts) and keeps the row objects the view was given, so a change
 * to one organization updates that organization only.
 */
export class OrganizationsTree implements vscode.Disposable {
  private readonly roots = new Map<string, OrganizationsNode>();
  /** Organization node id → node, as last given to the view. */
  private readonly orgNodes = new Map<string, OrganizationNode>();
  /** Child → parent, for the rows given to the view (reveal asks for parents). */
  private readonly parents = new WeakMap<object, OrganizationsNode | OrganizationNode | DatabasesNode>();
  /** An organization's Databases node by its id, as last given to the view (the same object: it stays expanded). */
  private readonly databaseNodes = new Map<string, DatabasesNode>();
  private readonly subscription: { dispose(): void };
  /** Token rows as last given to the view, by account, organization and token id. */
  private readonly tokenRows = new Map<string, OrganizationTokenNode>();
  private readonly pendingRepaints = new Set<object>();
  /** Token id → the workspace files that hold it, as the rows show it. */
  private usedIn: ReadonlyMap<string, readonly string[]> | undefined;

  constructor(
    private readonly organizations: AccountOrganizations,
    private readonly accounts: AccountModel,
    private readonly fire: (node: AccountTreeNode | OrganizationTreeNode | undefined) => void,
    /** Token id → the GitHub Actions secrets it was saved to, as the rows show it. */
    private readonly secretsOf: SecretsOf = () => undefined,
  ) {
    this.subscription = organizations.onDidChange(({ accountId, change }) => {
      const model = organizations.existing(accountId);
      if (change && 'organization' in change) {
        // A token row's busy text: that row only (it has no children, so its siblings keep working).
        const row = change.tokenId === undefined ? undefined : this.tokenRows.get(rowKey(accountId, change.organization, change.tokenId));
        if (row) {
          this.fire(row);
          return;
        }
        const node = this.findOrganization(accountId, change.organization);
        if (node) {
          this.repaintWhenSettled(node, model?.settled(change.organization));
        }
        return;
      }
      // The whole list, or everything: that account's Organizations node is asked again (its rows are
      // kept by id), once the loads it shows have answered. VS Code forgets which element each row
      // under a repainted node stands for until it has asked again, and a row's inline action clicked
      // meanwhile reaches its command with no row: repainting when the rows are ready keeps that
      // moment as short as VS Code allows. A node the view has not shown yet needs no repaint.
      if (change === undefined && !model?.settledOrganizations) {
        for (const [id, node] of this.orgNodes) {
          if (node.accountId === accountId) {
            this.orgNodes.delete(id);
          }
        }
      }
      const root = this.roots.get(accountId);
      if (root) {
        this.repaintWhenSettled(root, model?.settled());
      }
    });
  }

  /** Repaints a node once `settled` (its running loads) has resolved; one repaint per node at a time. */
  private repaintWhenSettled(node: OrganizationsNode | OrganizationNode, settled: Promise<void> | undefined): void {
    if (!settled) {
      this.fire(node);
      return;
    }
    if (this.pendingRepaints.has(node)) {
      return;
    }
    this.pendingRepaints.add(node);
    void settled.finally(() => {
      this.pendingRepaints.delete(node);
      this.fire(node);
    });
  }

  /** The account's "Organizations" node (the same object each time, for the view). */
  rootFor(account: string): OrganizationsNode {
    for (const [id] of this.roots) {
      if (!this.accounts.account(id)) {
        this.roots.delete(id);
      }
    }
    let node = this.roots.get(account);
    if (!node) {
      node = organizationsNode(account);
      this.roots.set(account, node);
    }
    return node;
  }

  owns(node: object): boolean {
    return this.parents.has(node);
  }

  getParent(node: object): OrganizationsNode | OrganizationNode | DatabasesNode | undefined {
    return this.parents.get(node);
  }

  getTreeItem(node: OrganizationTreeNode): vscode.TreeItem {
    if (node.kind === 'database') {
      return databaseItem(node);
    }
    const label = inertText(node.label, MAX_LABEL);
    const item = new vscode.TreeItem(
      label,
      node.kind === 'orgToken' ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
    );
    // An organization's rows (its Databases node, its token rows, a message row) have no id of their
    // own for VS Code: a Refresh landing while someone expands the organization makes VS Code 1.100
    // ask for its rows twice at once, and rows with ids then fail with "Element with id … is already
    // registered" (the organization shows nothing). Without an id VS Code names a row by its place and
    // label; the row object stays what commands get. The Databases node keeps its expanded state so
    // too (it is the same object, first among the rows).
    if (node.kind === 'organizations' || node.kind === 'organization') {
      item.id = node.id;
    }
    item.description = node.description === undefined ? undefined : inertText(node.description, MAX_LABEL);
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon);
    // Every row's tooltip is built when it is hovered (resolveTreeItem): an organization can have a
    // thousand rows, VS Code would carry every tooltip to the window up front, and it parses each one.
    if (node.kind === 'orgToken') {
      const busy = this.organizations.existing(node.accountId)?.busyText(node.organization, node.token.id);
      if (busy) {
        item.description = busy;
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        item.contextValue = busyContextValue(node.contextValue);
      }
      item.accessibilityInformation = {
        label: node.owner
          ? vscode.l10n.t({
            message: 'API token {0} of {1}, {2}',
            args: [inertText(node.token.name, MAX_LABEL), inertText(node.owner, MAX_LABEL), item.description ?? ''],
            comment: ['Screen-reader label of a tree item: {0} is the token\'s name, {1} the member who minted it, {2} the row\'s notes (e.g. "yours · signed in with this token", or the action under way).'],
          })
          : vscode.l10n.t('API token {0}, {1}', inertText(node.token.name, MAX_LABEL), item.description ?? ''),
        role: 'treeitem',
      };
    }
    return item;
  }

  /** A row's tooltip, when VS Code asks for it (on hover). */
  resolveTreeItem(item: vscode.TreeItem, node: OrganizationTreeNode): vscode.TreeItem {
    const rows = node.kind === 'database' ? databaseTooltip(node) : node.tooltip;
    if (rows && !item.tooltip) {
      item.tooltip = markdownTooltip(rows);
    }
    return item;
  }

  async getChildren(node: object): Promise<Child[]> {
    const kind = (node as { kind?: unknown }).kind;
    if (kind === 'organizations') {
      const root = node as OrganizationsNode;
      const model = this.organizations.modelFor(root.accountId);
      if (!model) {
        return [];
      }
      const load = await model.organizations();
      if (load.kind === 'failed') {
        return [{ ...organizationErrorNode(root.accountId, undefined, load.error), accountId: root.accountId }];
      }
      const children = organizationListChildren(root.accountId, load.organizations).map((child) => {
        if (child.kind !== 'organization') {
          return child;
        }
        // The same object as before for the same organization: the view keeps it expanded.
        const known = this.orgNodes.get(child.id);
        const settled = model.settledTokens(child.organization.slug);
        const fresh = organizationNode(root.accountId, child.organization, settled);
        const shown = known ? Object.assign(known, fresh) : fresh;
        this.orgNodes.set(child.id, shown);
        return shown;
      });
      for (const child of children) {
        this.parents.set(child, root);
      }
      return children;
    }
    if (kind === 'organization') {
      const org = node as OrganizationNode;
      const model = this.organizations.modelFor(org.accountId);
      if (!model) {
        return [];
      }
      const load = await model.tokens(org.organization.slug);
      const account = this.accounts.account(org.accountId);
      const me = { username: account?.username ?? '', credentialId: account?.settledCredentialId };
      const children: Child[] = [
        // First, so a long token list does not hide it.
        this.databasesNodeFor(org.accountId, org.organization.slug, load.kind === 'loaded' ? load.role : undefined),
        ...organizationChildren(org.accountId, load, me, this.usedIn, this.secretsOf).map((c) => (c.kind === 'message' ? { ...c, accountId: org.accountId } : c)),
      ];
      for (const [key, row] of this.tokenRows) {
        if (row.accountId === org.accountId && row.organization === org.organization.slug) {
          this.tokenRows.delete(key);
        }
      }
      for (const child of children) {
        this.parents.set(child, org);
        if (child.kind === 'orgToken') {
          this.tokenRows.set(rowKey(child.accountId, child.organization, child.token.id), child);
        }
      }
      // The role arrived with the tokens: the organization's own row may now say "only your own tokens".
      const updated = organizationNode(org.accountId, org.organization, load);
      if (updated.description !== org.description || updated.contextValue !== org.contextValue) {
        Object.assign(org, updated);
        queueMicrotask(() => this.fire(org));
      }
      return children;
    }
    if (kind === 'databases') {
      const parent = node as DatabasesNode;
      const model = this.organizations.modelFor(parent.accountId);
      if (!model) {
        return [];
      }
      const load = await model.databases.databases(parent.organization);
      const settled = model.settledTokens(parent.organization);
      const children = databaseChildren(parent.accountId, load, settled?.kind === 'loaded' ? settled.role : undefined);
      for (const child of children) {
        this.parents.set(child, parent);
      }
      return children;
    }
    return [];
  }

  /** The organization's Databases node: the same object as before (kept expanded), updated for the role. */
  private databasesNodeFor(accountId: string, organization: string, role: string | undefined): DatabasesNode {
    const fresh = databasesNode(accountId, organization, role);
    const known = this.databaseNodes.get(fresh.id);
    if (known) {
      delete known.description;
      return Object.assign(known, fresh);
    }
    this.databaseNodes.set(fresh.id, fresh);
    return fresh;
  }

  /**
   * The workspace's token usages changed: the token rows shown whose "used in" changed are updated in
   * place (the same objects the view was given) and returned, for the caller to repaint those rows
   * only. A whole-tree repaint would make VS Code forget which element each row stands for.
   */
  setUsages(usedIn: ReadonlyMap<string, readonly string[]>): OrganizationTokenNode[] {
    const before = this.usedIn;
    this.usedIn = usedIn;
    return this.rebuildRows((row) => !sameFiles(before?.get(row.token.id), usedIn.get(row.token.id)));
  }

  /** The GitHub Actions secrets remembered changed: as `setUsages`, for the rows whose secrets changed. */
  secretsChanged(): OrganizationTokenNode[] {
    return this.rebuildRows((row) => !sameFiles(row.secrets, this.secretsOf(row.token.id)));
  }

  /** The token rows shown that `changed`, built again in place (the same objects the view was given). */
  private rebuildRows(changed: (row: OrganizationTokenNode) => boolean): OrganizationTokenNode[] {
    const rebuilt: OrganizationTokenNode[] = [];
    for (const row of this.tokenRows.values()) {
      if (!changed(row)) {
        continue;
      }
      const account = this.accounts.account(row.accountId);
      const me = { username: account?.username ?? row.owner, credentialId: account?.settledCredentialId };
      const fresh = organizationTokenNode(row.accountId, row.token, me, this.usedIn?.get(row.token.id), this.secretsOf(row.token.id));
      delete row.usedIn;
      delete row.secrets;
      Object.assign(row, fresh);
      rebuilt.push(row);
    }
    return rebuilt;
  }

  /** The view collapsed a row: an organization no longer shown is not reloaded by a refresh. */
  collapsed(node: unknown): void {
    if ((node as { kind?: unknown } | undefined)?.kind === 'organization') {
      const org = node as OrganizationNode;
      this.organizations.existing(org.accountId)?.collapse(org.organization.slug);
    }
    if ((node as { kind?: unknown } | undefined)?.kind === 'databases') {
      const dbs = node as DatabasesNode;
      this.organizations.existing(dbs.accountId)?.databases.collapse(dbs.organization);
    }
  }

  /** The view expanded a row again (it may show the rows it kept without asking): reloaded by a refresh again. */
  expanded(node: unknown): void {
    if ((node as { kind?: unknown } | undefined)?.kind === 'organization') {
      const org = node as OrganizationNode;
      this.organizations.existing(org.accountId)?.expand(org.organization.slug);
    }
    if ((node as { kind?: unknown } | undefined)?.kind === 'databases') {
      const dbs = node as DatabasesNode;
      this.organizations.existing(dbs.accountId)?.databases.expand(dbs.organization);
    }
  }

  /** The shown row of the account's organization `slug`. */
  findOrganization(accountId: string, slug: string): OrganizationNode | undefined {
    for (const node of this.orgNodes.values()) {
      if (node.accountId === accountId && node.organization.slug === slug) {
        return node;
      }
    }
    return undefined;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

const DATABASE_ICON = new vscode.ThemeIcon('database');

/**
 * A database row: constant work (an organization can have thousands). No id, as for token rows (a
 * refresh racing an expand makes VS Code 1.100 register ids twice); the tooltip is built on hover.
 */
function databaseItem(node: DatabaseNode): vscode.TreeItem {
  const label = inertText(node.label, MAX_LABEL);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.description = node.description === '' ? undefined : inertText(node.description, MAX_LABEL);
  item.contextValue = node.contextValue;
  item.iconPath = DATABASE_ICON;
  item.accessibilityInformation = {
    label: item.description ? vscode.l10n.t('Database {0}, {1}', label, item.description) : vscode.l10n.t('Database {0}', label),
    role: 'treeitem',
  };
  return item;
}

function rowKey(accountId: string, organization: string, tokenId: string): string {
  return `${accountId}\u0000${organization}\u0000${tokenId}`;
}

export type { OrganizationTokenNode };

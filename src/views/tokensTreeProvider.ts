import * as vscode from 'vscode';
import type { Account, AccountLoad, AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import { ownRows } from '../commands/target';
import { placeLabel, type SecretPlaces } from '../github/places';
import { inertText } from '../util/text';
import { isOrganizationTreeNode, type OrganizationTreeNode } from './organizationNodes';
import { busyContextValue, contextValue } from './contextValues';
import { markdownTooltip } from './markdownTooltip';
import { OrganizationsTree } from './organizationsTree';
import { errorNode, sameFiles, tokenNode, userNode, type TokenNode, type TreeNode as AccountTreeNode } from './treeModel';

/** A row of the tree: an account's own (treeModel.ts) or its organizations' (organizationNodes.ts). */
export type TreeNode = AccountTreeNode | OrganizationTreeNode;

export const TOKENS_VIEW_ID = 'turso.tokens';
/** Longest label or description shown in a row; the tooltip has the whole text (up to its own bound, markdownTooltip.ts). */
const MAX_LABEL = 128;

/** What an account's root row needs of it: a signed-in account, or the one the last known state names. */
type RootAccount = Pick<Account, 'id' | 'username'>;

export type { AccountState } from '../accounts/accountModel';

/**
 * The API Tokens tree: the signed-in user as the root, their API tokens under it. It shows the
 * account model (src/accounts/accountModel.ts) and asks it for a load when the view wants rows;
 * it holds no account state of its own. Rows are built once per load, and only those that changed:
 * a token whose row reads as before keeps its row object and its TreeItem.
 */
export class TokensTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /**
   * Per account, the root built for its load (rebuilt only when the model has another load or
   * marking) and its token rows by token id (a rebuild reuses those that read the same).
   */
  private readonly built = new Map<string, { load: AccountLoad; key: string; root: AccountTreeNode; rows: ReadonlyMap<string, TokenNode> }>();
  /** The TreeItem made for a token row, and the busy text it shows: made again only when either changed. */
  private readonly items = new WeakMap<TokenNode, { busy: string | undefined; item: vscode.TreeItem }>();
  private readonly organizations: OrganizationsTree;

  /** Token id → the workspace files that hold it, as shown. */
  private usedIn: ReadonlyMap<string, readonly string[]> | undefined;
  /** Token id → the GitHub Actions secrets it was saved to (labels; undefined: none), read once per change or whole-tree build. */
  private readonly secretLabels = new Map<string, readonly string[] | undefined>();
  /** The view showing this tree (see `attach`). */
  private view: { readonly visible: boolean } | undefined;
  /** A whole-tree repaint waiting for the loads it shows; `again`: something changed meanwhile. */
  private repaint: { again: boolean } | undefined;

  /** `places`: the GitHub Actions secrets remembered by token id (src/github/places.ts), said on the token rows. */
  constructor(private readonly accounts: AccountModel, organizations: AccountOrganizations, private readonly places?: SecretPlaces) {
    this.organizations = new OrganizationsTree(organizations, accounts, (node) => this.fireOrganizations(node), this.secretsOf);
    this.disposables.push(this.organizations);
    if (places) {
      this.disposables.push(places.onDidChange(() => this.secretPlacesChanged()));
    }
    this.disposables.push(
      accounts.onDidChange((change) => {
        if (change) {
          this.emitter.fire(this.tokenNode(change.tokenId));
        } else {
          this.repaintAll();
        }
      }),
      accounts.onDidStartLoading((load) => {
        void vscode.window.withProgress({ location: { viewId: TOKENS_VIEW_ID } }, () => load);
      }),
    );
  }

  /**
   * The view that shows this tree. While it is visible, a reload repaints once its answer is in:
   * VS Code forgets which element each shown row stands for from the moment the whole tree is
   * repainted until it has asked for the rows again, and a row's inline or context-menu action
   * clicked meanwhile reaches its command with no row. Repainting when the rows are ready keeps that
   * moment as short as VS Code allows (the rows shown stay usable while the request runs).
   */
  attach(view: { readonly visible: boolean }): void {
    this.view = view;
  }

  /**
   * The workspace's token usages changed: only the rows whose "used in" changed are repainted
   * (a token row has no children, so its siblings keep working).
   */
  setUsages(usedIn: ReadonlyMap<string, readonly string[]>): void {
    const before = this.usedIn;
    this.usedIn = usedIn;
    // The organizations' token rows too (a colleague's token found in a file is matched by its id).
    this.repaintRows(this.organizations.setUsages(usedIn), (row) => !sameFiles(before?.get(row.token.id), usedIn.get(row.token.id)));
  }

  /** Token id → the GitHub Actions secrets it was saved to, as its row says (read from the places once per change). */
  private readonly secretsOf = (tokenId: string): readonly string[] | undefined => {
    if (!this.places) {
      return undefined;
    }
    if (!this.secretLabels.has(tokenId)) {
      const labels = this.places.of(tokenId).map(placeLabel);
      this.secretLabels.set(tokenId, labels.length > 0 ? labels : undefined);
    }
    return this.secretLabels.get(tokenId);
  };

  /** A secret saved, moved by a rotation or forgotten by a revoke: as `setUsages`, the rows whose secrets changed. */
  private secretPlacesChanged(): void {
    this.secretLabels.clear();
    this.repaintRows(this.organizations.secretsChanged(), (row) => !sameFiles(row.secrets, this.secretsOf(row.token.id)));
  }

  /**
   * The account's token rows that `changed`, built again in place (the same objects the view was
   * given, so VS Code repaints those rows only: a token row has no children, so its siblings keep
   * working), repainted with `others` (rows of the Organizations part already built again).
   */
  private repaintRows(others: TreeNode[], changed: (row: TokenNode) => boolean): void {
    const rows: TreeNode[] = [...others];
    for (const { root } of this.built.values()) {
      if (root.kind !== 'user') {
        continue;
      }
      for (const child of root.children) {
        if (child.kind !== 'token' || !changed(child)) {
          continue;
        }
        const row = tokenNode(child.token, child.current ? child.token.id : undefined, this.usedIn?.get(child.token.id), undefined, this.secretsOf(child.token.id));
        delete child.usedIn;
        delete child.secrets;
        Object.assign(child, row, { id: child.id, accountId: child.accountId });
        this.items.delete(child);
        rows.push(child);
      }
    }
    if (rows.length > 0) {
      this.emitter.fire(rows);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (isOrganizationTreeNode(node)) {
      return this.organizations.getTreeItem(node);
    }
    if (node.kind === 'token') {
      const busy = this.accounts.busyText(node.token.id);
      const made = this.items.get(node);
      if (made && made.busy === busy) {
        return made.item;
      }
      const item = this.makeTreeItem(node, busy);
      this.items.set(node, { busy, item });
      return item;
    }
    return this.makeTreeItem(node, undefined);
  }

  /** `busy`: what is happening to the token (its row says so instead of its description). */
  private makeTreeItem(node: AccountTreeNode, busy: string | undefined): vscode.TreeItem {
    // Labels and descriptions carry server text (names, error reasons): inert and bounded.
    const label = inertText(node.label, MAX_LABEL);
    const description = node.description === undefined ? undefined : inertText(node.description, MAX_LABEL);
    const item = new vscode.TreeItem(
      label,
      node.kind === 'user' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    // A message row among an organization's rows has no id for VS Code, as those rows (see OrganizationsTree.getTreeItem).
    if (!this.organizations.owns(node)) {
      item.id = node.id;
    }
    item.description = description;
    item.contextValue = node.contextValue;
    item.iconPath = themeIcon(node.icon);
    // Every row's tooltip is built when it is hovered (resolveTreeItem): an account can have
    // thousands of tokens, and VS Code would carry every tooltip to the window with each load; and
    // VS Code parses each Markdown tooltip it is given (a cold parser: some 20 ms of the first paint).
    if (node.kind === 'message' && node.command) {
      item.command = node.command;
    }
    if (busy) {
      item.description = busy;
      item.iconPath = themeIcon('loading~spin');
      item.contextValue = busyContextValue(node.contextValue);
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

  /** A row's tooltip, when VS Code asks for it (on hover). */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (isOrganizationTreeNode(node)) {
      return this.organizations.resolveTreeItem(item, node);
    }
    if (node.tooltip && !item.tooltip) {
      item.tooltip = markdownTooltip(node.tooltip);
    }
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    // The rows handed to VS Code: commands run on them act on them (src/commands/target.ts).
    return ownRows(await this.childrenOf(node));
  }

  private async childrenOf(node?: TreeNode): Promise<TreeNode[]> {
    if (node) {
      if (node.kind === 'user') {
        // Each account's organizations come after its own tokens, collapsed: nothing is asked until expanded.
        return node.accountId !== undefined
          ? [...node.children, this.organizations.rootFor(node.accountId)]
          : node.children;
      }
      return this.organizations.getChildren(node);
    }
    // VS Code asks as soon as the view is registered, while activate() still reads the stored
    // credentials (a round trip to the window). The accounts the last known state names are painted
    // now, marked as refreshing. Once the store has answered, it has the last word: the same accounts
    // in the same order, with the same credentials and the same one active, keep these rows until
    // their loads (one round trip) replace them; anything else (signed out elsewhere, another
    // credential, another account active) repaints at once. With no such state, the rows wait.
    const early = this.accounts.lastKnownAccounts();
    if (early) {
      void this.accounts.ready().then(() => {
        const read = this.accounts.accounts;
        const agrees = read.length === early.accounts.length && this.accounts.activeId === early.activeId &&
          read.every((a, i) => a.id === early.accounts[i].id && a.settledCredentialId === early.accounts[i].credentialId);
        if (agrees) {
          void this.accounts.loadAll().then(() => this.emitter.fire());
        } else {
          this.emitter.fire();
        }
      });
      return this.roots(early.accounts.map((account) => ({ account, load: account.load })), early.activeId);
    }
    await this.accounts.ready();
    // A cold open: every account not loaded yet has a last known state. It is shown now, marked as
    // refreshing, and replaced when the loads (one round trip for all) have ended.
    const signedIn = this.accounts.accounts;
    const cold = signedIn.filter((a) => !a.settled);
    if (cold.length > 0 && cold.every((a) => a.cachedLoad)) {
      const shown = signedIn.flatMap((account) => {
        const load = this.accounts.shownLoad(account);
        return load ? [{ account, load }] : [];
      });
      void this.accounts.loadAll().then(() => this.emitter.fire());
      return this.roots(shown);
    }
    return this.roots(await this.accounts.loadAll());
  }

  /** `activeId`: the active account (the store's, unless the rows are the last known state's). */
  private roots(loads: { account: RootAccount; load: AccountLoad }[], activeId = this.accounts.activeId): AccountTreeNode[] {
    // Read again with each whole-tree build: another window may have saved a secret (globalState is shared).
    this.secretLabels.clear();
    const several = loads.length > 1;
    const roots = loads.map(({ account, load }) => this.rootFor(account, load, several ? (account.id === activeId ? 'active' : 'inactive') : ''));
    for (const id of [...this.built.keys()]) {
      if (!loads.some((l) => l.account.id === id)) {
        this.built.delete(id);
      }
    }
    return roots;
  }

  getParent(node: TreeNode): vscode.ProviderResult<TreeNode> {
    if (node.kind === 'organizations') {
      return this.built.get(node.accountId)?.root;
    }
    if (node.kind === 'organization' || node.kind === 'orgToken' || node.kind === 'databases' || node.kind === 'database' || this.organizations.owns(node)) {
      return this.organizations.getParent(node);
    }
    if (node.kind === 'user' || node.accountId === undefined) {
      return undefined;
    }
    const root = this.built.get(node.accountId)?.root;
    return root?.kind === 'user' && root.children.includes(node as never) ? root : undefined;
  }

  /** The view collapsed a row: an organization no longer shown is not reloaded by a refresh. */
  collapsed(node: TreeNode): void {
    this.organizations.collapsed(node);
  }

  /** The view expanded a row (perhaps showing rows it kept): reloaded by a refresh again. */
  expanded(node: TreeNode): void {
    this.organizations.expanded(node);
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /**
   * An account's root: its user node with its tokens, or what went wrong. With several accounts
   * (`mark` is "active" or "inactive"), the active one says so, and error rows name their account.
   */
  private rootFor(account: RootAccount, load: AccountLoad, mark: 'active' | 'inactive' | ''): AccountTreeNode {
    const built = this.built.get(account.id);
    const key = mark;
    if (built?.load === load && built.key === key) {
      return built.root;
    }
    let root: AccountTreeNode;
    const rows = new Map<string, TokenNode>();
    if (load.kind === 'failed') {
      const node = errorNode(load.error);
      root = mark
        ? { ...node, id: `${node.id}:${account.id}`, accountId: account.id, label: `${account.username ?? 'Turso'}: ${node.label}` }
        : { ...node, accountId: account.id };
    } else {
      const user = userNode(
        {
          user: load.user, validation: load.validation, tokens: load.tokens, credentialId: load.credentialId, usedIn: this.usedIn,
          accountId: account.id, previous: built?.rows, secretsOf: this.secretsOf,
        },
        Date.now() / 1000,
      );
      // Token rows come with their account; a message names it in its id when there are several.
      const children = user.children.map((c) => (c.kind === 'message' ? { ...c, accountId: account.id, id: mark ? `${c.id}:${account.id}` : c.id } : c));
      for (const c of children) {
        if (c.kind === 'token') {
          rows.set(c.token.id, c);
        }
      }
      const cached = load.cached === true;
      root = {
        ...user,
        accountId: account.id,
        children,
        contextValue: mark ? contextValue('turso.user', mark) : user.contextValue,
        description: [user.description, mark === 'active' ? vscode.l10n.t('active') : undefined, cached ? vscode.l10n.t('refreshing…') : undefined]
          .filter(Boolean)
          .join(' · ') || undefined,
        tooltip: cached ? [...user.tooltip, { label: vscode.l10n.t('Note'), value: vscode.l10n.t('As last seen; refreshing from Turso.') }] : user.tooltip,
        icon: cached ? 'sync~spin' : mark === 'inactive' ? 'circle-outline' : user.icon,
        refreshing: cached || undefined,
      };
    }
    this.built.set(account.id, { load, key, root, rows });
    return root;
  }

  /** Repaints every row: at once when no one can see it or nothing is loading, else once the loads it shows have answered. */
  private repaintAll(): void {
    if (!this.repaint && (!this.view?.visible || this.accounts.allSettled)) {
      this.emitter.fire();
      return;
    }
    if (this.repaint) {
      this.repaint.again = true;
      return;
    }
    const pending = { again: false };
    this.repaint = pending;
    void (async () => {
      try {
        // A change while waiting (another reload, an account signed in or out) is waited for too.
        do {
          pending.again = false;
          await this.accounts.loadAll();
        } while (pending.again);
      } catch {
        // A load reports its own failure (its row says what went wrong).
      } finally {
        this.repaint = undefined;
        this.emitter.fire();
      }
    })();
  }

  /**
   * A repaint of the Organizations part. While a whole-tree repaint waits for the loads it shows, a
   * repaint of an account's Organizations node is left out: the whole-tree one asks for its rows
   * again anyway, and VS Code holds back a tree's change that follows another within 200 ms,
   * so an early one delayed the whole tree's rows by that much (a Refresh of an account whose
   * Organizations had been opened: 354 ms instead of 160). Only that node's: an organization's own
   * repaint (its tokens loaded on expand) and a token row's ("Revoking…") still go at once.
   */
  private fireOrganizations(node: AccountTreeNode | OrganizationTreeNode | undefined): void {
    if (this.repaint && (node === undefined || node.kind === 'organizations')) {
      return;
    }
    this.emitter.fire(node);
  }

  /** The shown row of a token, if any (undefined: the view asks for everything). */
  private tokenNode(tokenId: string): TreeNode | undefined {
    for (const { root } of this.built.values()) {
      const found = root.kind === 'user' ? root.children.find((c) => c.kind === 'token' && c.token.id === tokenId) : undefined;
      if (found) {
        return found;
      }
    }
    return undefined;
  }
}

const themeIcons = new Map<string, vscode.ThemeIcon>();
/** One ThemeIcon per codicon, shared by the rows that show it. */
function themeIcon(id: string): vscode.ThemeIcon {
  let icon = themeIcons.get(id);
  if (!icon) {
    icon = new vscode.ThemeIcon(id);
    themeIcons.set(id, icon);
  }
  return icon;
}

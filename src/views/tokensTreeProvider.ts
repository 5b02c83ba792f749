import * as vscode from 'vscode';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import type { ApiToken, TokenValidation, TursoUser } from '../platform/types';
import { inertText } from '../util/text';
import { errorNode, tokenChildren, userNode, type TooltipRow, type TreeNode, type UserNode } from './treeModel';

export const TOKENS_VIEW_ID = 'turso.tokens';
/** Longest label or description shown in a row; the tooltip has the whole text (up to its own bound). */
const MAX_LABEL = 128;
const MAX_TOOLTIP_VALUE = 1000;

/** What the last load found, for other views of the account (status bar, expiry warnings). */
export type AccountState =
  | { kind: 'signedOut' }
  | { kind: 'signedIn'; user: TursoUser; validation?: TokenValidation }
  | { kind: 'error'; error: unknown };

/**
 * The API Tokens tree: the signed-in user as the root, their API tokens under it.
 * User, credential validation and token list are fetched in parallel (one round trip). At most one
 * load runs at a time; a refresh during a load queues exactly one more.
 */
export class TokensTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly accountEmitter = new vscode.EventEmitter<AccountState>();
  /** Fires after every load, and on sign-out. No extra request is made for it. */
  readonly onDidLoadAccount = this.accountEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.accountEmitter];
  private root: Promise<TreeNode> | undefined;
  private loading: AbortController | undefined;
  private reloadQueued = false;
  /** The session generation the current root was loaded for. */
  private rootGeneration = -1;
  /** The last root that finished loading (for commands that need the token list without a request). */
  private loadedRoot: TreeNode | undefined;
  /** Token id → what is happening to it ("Revoking…"), shown instead of its description. */
  private readonly busy = new Map<string, string>();

  constructor(private readonly session: Session, private readonly log: Log) {
    // A new credential or API setting makes the current load pointless: drop it, start afresh.
    this.disposables.push(session.onDidChange(() => this.reset()));
  }

  /** Reloads from the API. During a load, one more load is queued (never more). */
  refresh(): void {
    // An explicit reload asks the API for everything again, even moments after a sign-in.
    this.session.takeVerified();
    if (this.loading) {
      this.reloadQueued = true;
      return;
    }
    this.root = undefined;
    this.emitter.fire();
  }

  /** Resolves when the current (or next) load has finished: for commands that wait for the tree. */
  async whenLoaded(): Promise<void> {
    await this.getChildren();
  }

  /** The tokens of the last finished load, or undefined when none has finished or it failed. */
  knownTokens(): ApiToken[] | undefined {
    const root = this.loadedRoot;
    if (root?.kind !== 'user' || root.children.some((c) => c.kind === 'message' && c.id.startsWith('error:'))) {
      return undefined;
    }
    return root.children.flatMap((c) => (c.kind === 'token' ? [c.token] : []));
  }

  /** Shows a token created here at once: the API's answer to the create is all the row needs. */
  addToken(token: ApiToken): void {
    this.updateTokens((tokens) => [...tokens.filter((t) => t.id !== token.id), token]);
  }

  /** Drops a revoked token's row at once, without asking the API for the list again. */
  removeToken(tokenId: string): void {
    this.updateTokens((tokens) => tokens.filter((t) => t.id !== tokenId));
  }

  /** Changes the shown list locally; when there is no settled list to change, reloads instead. */
  private updateTokens(change: (tokens: ApiToken[]) => ApiToken[]): void {
    const root = this.loadedRoot;
    const tokens = this.knownTokens();
    if (root?.kind !== 'user' || !tokens || this.loading) {
      this.refresh();
      return;
    }
    const updated: UserNode = { ...root, children: tokenChildren(change(tokens), this.session.credentialId) };
    this.loadedRoot = updated;
    this.root = Promise.resolve(updated);
    this.emitter.fire();
  }

  /** Shows `text` on a token's row while an operation runs; `undefined` clears it. */
  setBusy(tokenId: string, text: string | undefined): void {
    if (text === undefined) {
      this.busy.delete(tokenId);
    } else {
      this.busy.set(tokenId, text);
    }
    const root = this.loadedRoot;
    const node = root?.kind === 'user' ? root.children.find((c) => c.kind === 'token' && c.token.id === tokenId) : undefined;
    this.emitter.fire(node);
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
    const busy = node.kind === 'token' ? this.busy.get(node.token.id) : undefined;
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
    // A load superseded while it ran (sign-out, another credential, new settings) is not shown.
    for (;;) {
      if (!this.session.signedIn) {
        return [];
      }
      const pending = this.loadRoot();
      const root = await pending;
      if (this.root === pending) {
        this.loadedRoot = root;
        return [root];
      }
    }
  }

  getParent(node: TreeNode): vscode.ProviderResult<TreeNode> {
    if (node.kind === 'user' || !this.root) {
      return undefined;
    }
    return this.root.then((root) => (root.kind === 'user' && root.children.includes(node as never) ? root : undefined));
  }

  dispose(): void {
    this.loading?.abort();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  private reset(): void {
    if (!this.session.signedIn) {
      this.accountEmitter.fire({ kind: 'signedOut' });
    } else if (this.root && this.rootGeneration === this.session.generation) {
      // Already loading (or loaded) for this very credential and settings: the host asked for the
      // tree as soon as the signed-in context changed, before this event arrived.
      return;
    }
    this.loading?.abort();
    this.loading = undefined;
    this.reloadQueued = false;
    this.root = undefined;
    this.loadedRoot = undefined;
    this.emitter.fire();
  }

  private loadRoot(): Promise<TreeNode> {
    if (!this.root) {
      this.rootGeneration = this.session.generation;
      const controller = new AbortController();
      this.loading = controller;
      const load = this.fetchRoot(controller.signal).finally(() => {
        if (this.loading !== controller) {
          return;
        }
        this.loading = undefined;
        if (this.reloadQueued) {
          this.reloadQueued = false;
          this.root = undefined;
          this.emitter.fire();
        }
      });
      this.root = load;
      void vscode.window.withProgress({ location: { viewId: TOKENS_VIEW_ID } }, () => load);
    }
    return this.root;
  }

  private async fetchRoot(signal: AbortSignal): Promise<TreeNode> {
    try {
      const client = this.session.client();
      if (!client) {
        return errorNode(new Error(vscode.l10n.t('Not signed in')));
      }
      const credentialId = this.session.credentialId;
      // Just signed in: sign-in fetched all three a moment ago, together.
      const primed = this.session.takeVerified();
      const [user, validation, tokens] = await Promise.allSettled([
        primed ? Promise.resolve(primed.user) : client.getCurrentUser({ signal }),
        primed ? Promise.resolve(primed.validation) : client.validateToken(undefined, { signal }),
        primed ? primed.tokens : client.listApiTokens({ signal }),
      ]);
      if (signal.aborted) {
        return errorNode(new Error('Superseded'));
      }
      // A 401 on any of them means the credential itself is gone: one "sign in again" row.
      for (const result of [validation, user, tokens]) {
        if (result.status === 'rejected' && isUnauthorized(result.reason)) {
          return this.failed(result.reason);
        }
      }
      if (user.status === 'rejected') {
        return this.failed(user.reason);
      }
      this.accountEmitter.fire({
        kind: 'signedIn',
        user: user.value,
        validation: validation.status === 'fulfilled' ? validation.value : undefined,
      });
      if (tokens.status === 'rejected') {
        this.log.error('Loading API tokens failed', tokens.reason);
      }
      if (validation.status === 'rejected') {
        this.log.warn(`Validating the signed-in credential failed: ${String(validation.reason?.message ?? validation.reason)}`);
      }
      return userNode(
        {
          user: user.value,
          validation: validation.status === 'fulfilled' ? validation.value : undefined,
          tokens: tokens.status === 'fulfilled' ? tokens.value : { error: tokens.reason },
          credentialId,
        },
        Date.now() / 1000,
      );
    } catch (err) {
      // A superseded load is not shown; its cancellation is not an error worth reporting.
      return signal.aborted ? errorNode(err) : this.failed(err);
    }
  }

  private failed(err: unknown): TreeNode {
    this.log.error('Loading the Turso account failed', err);
    this.accountEmitter.fire({ kind: 'error', error: err });
    return errorNode(err);
  }
}

function isUnauthorized(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { kind?: string }).kind === 'unauthorized';
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

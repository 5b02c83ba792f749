/**
 * What the API Tokens tree shows, as plain data: built from API results, turned into TreeItems by
 * `tokensTreeProvider.ts`. No `vscode` import, so it is tested in plain Node. Labels and descriptions
 * carry server text and rows may draw `$(…)` as icons: it is left out of them (tooltips are Markdown
 * without icons, and keep the text as it is).
 */
import * as l10n from '@vscode/l10n';
import { formatTimeLeft } from '../auth/expiry';
import { TursoApiError } from '../platform/errors';
import { withoutIcons } from '../util/text';
import {
  tokenPermissionsLabel,
  tokenScopeKind,
  tokenScopeLabel,
  type ApiToken,
  type TokenValidation,
  type TursoUser,
} from '../platform/types';
import { errorMessage } from '../util/errors';

/** A tooltip row: `label` is ours, `value` may come from the server and is shown as plain text. */
export interface TooltipRow {
  label: string;
  value: string;
}

export interface NodeCommand {
  command: string;
  title: string;
  arguments?: unknown[];
}

export interface UserNode {
  kind: 'user';
  id: string;
  /** The signed-in account it shows (src/auth/credentialStore.ts id). */
  accountId?: string;
  label: string;
  description?: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
  /** Shown from the last known state while the first load runs. */
  refreshing?: true;
  /** Children, already built: tokens, or one message node. */
  children: (TokenNode | MessageNode)[];
}

export interface TokenNode {
  kind: 'token';
  id: string;
  /** The signed-in account whose token it is. */
  accountId?: string;
  label: string;
  description: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
  token: ApiToken;
  /** The signed-in credential is this token. */
  current: boolean;
  /** The workspace files that hold this token (paths as shown), first place first. */
  usedIn?: readonly string[];
}

export interface MessageNode {
  kind: 'message';
  id: string;
  /** The signed-in account it is about, if any. */
  accountId?: string;
  label: string;
  description?: string;
  tooltip?: TooltipRow[];
  contextValue: string;
  icon: string;
  command?: NodeCommand;
}

export type TreeNode = UserNode | TokenNode | MessageNode;

export interface AccountSnapshot {
  user: TursoUser;
  /** The signed-in credential's validation; undefined when it could not be checked. */
  validation?: TokenValidation;
  tokens: readonly ApiToken[] | { error: unknown };
  /** `jti` of the signed-in credential. */
  credentialId?: string;
  /** Token id → the workspace files that hold it (paths as shown). */
  usedIn?: ReadonlyMap<string, readonly string[]>;
}

/** "never", or "2026-12-04 (in 7 days)" / "… (expired)". */
export function describeExpiry(validation: TokenValidation | undefined, nowSeconds: number): string {
  if (!validation) {
    return l10n.t('unknown');
  }
  if (validation.expiresAt === undefined) {
    return l10n.t('never');
  }
  const date = new Date(validation.expiresAt * 1000).toISOString().slice(0, 10);
  const left = validation.expiresAt - nowSeconds;
  return left <= 0 ? l10n.t('{0} (expired)', date) : l10n.t('{0} (in {1})', date, formatTimeLeft(left));
}

export function tokenNode(token: ApiToken, credentialId?: string, usedIn?: readonly string[]): TokenNode {
  const scope = tokenScopeLabel(token);
  const current = credentialId !== undefined && credentialId === token.id;
  const kind = tokenScopeKind(token);
  const parts = [scope];
  if (token.createdAt) {
    parts.push(token.createdAt);
  }
  if (current) {
    parts.push(l10n.t('signed in with this token'));
  }
  const used = usedIn?.length ? usedIn : undefined;
  if (used) {
    parts.push(used.length > 1 ? l10n.t('used in {0} and {1} more', used[0], used.length - 1) : l10n.t('used in {0}', used[0]));
  }
  const tooltip: TooltipRow[] = [
    { label: l10n.t('Name'), value: token.name },
    { label: l10n.t('ID'), value: token.id },
    { label: l10n.t('Scope'), value: kind === 'unrestricted' ? l10n.t('all organizations (unrestricted)') : scope },
    {
      label: l10n.t('Permissions'),
      value: kind === 'group' ? tokenPermissionsLabel(token) : kind === 'org' ? l10n.t('the whole organization') : l10n.t('everything this account can do'),
    },
    { label: l10n.t('Created'), value: token.createdAt ?? l10n.t('unknown') },
  ];
  if (current) {
    tooltip.push({ label: l10n.t('Note'), value: l10n.t('This extension is signed in with this token.') });
  }
  if (used) {
    tooltip.push({ label: l10n.t('Used in'), value: used.join(', ') });
  }
  return rowText({
    kind: 'token',
    id: `token:${token.id}`,
    label: token.name,
    description: parts.join(' · '),
    tooltip,
    contextValue: `turso.token;${kind}${current ? ';current' : ''}${used ? ';used' : ''}`,
    icon: current ? 'verified' : 'key',
    token,
    current,
    ...(used ? { usedIn: used } : {}),
  });
}

/** The rows under the user: the tokens sorted by name, or one "No API tokens yet" row. */
export function tokenChildren(tokens: readonly ApiToken[], credentialId?: string, usedIn?: ReadonlyMap<string, readonly string[]>): (TokenNode | MessageNode)[] {
  const sorted = [...tokens].sort((a, b) => a.name.localeCompare(b.name));
  return sorted.length
    ? sorted.map((t) => tokenNode(t, credentialId, usedIn?.get(t.id)))
    : [{
        kind: 'message',
        id: 'message:no-tokens',
        label: l10n.t('No API tokens yet'),
        contextValue: 'turso.empty',
        icon: 'info',
      }];
}

export function userNode(snapshot: AccountSnapshot, nowSeconds: number): UserNode {
  const { user } = snapshot;
  const tooltip: TooltipRow[] = [{ label: l10n.t('Username'), value: user.username }];
  if (user.name) tooltip.push({ label: l10n.t('Name'), value: user.name });
  if (user.email) tooltip.push({ label: l10n.t('Email'), value: user.email });
  if (user.plan) tooltip.push({ label: l10n.t('Plan'), value: user.plan });
  tooltip.push({ label: l10n.t('Credential expires'), value: describeExpiry(snapshot.validation, nowSeconds) });

  const children = 'error' in snapshot.tokens
    ? [errorNode(snapshot.tokens.error, 'tokens')]
    : tokenChildren(snapshot.tokens, snapshot.credentialId, snapshot.usedIn);
  return rowText({
    kind: 'user',
    id: `user:${user.username}`,
    label: user.name || user.username,
    description: user.plan,
    tooltip,
    contextValue: 'turso.user',
    icon: 'account',
    children,
  });
}

/** An error as a node that carries its fix. `where` keeps ids distinct between root and children. */
export function errorNode(error: unknown, where: 'root' | 'tokens' = 'root'): MessageNode {
  return rowText(errorMessageNode(error, where));
}

function errorMessageNode(error: unknown, where: 'root' | 'tokens'): MessageNode {
  const id = `error:${where}`;
  const message = errorMessage(error);
  const tooltip = [{ label: l10n.t('Error'), value: message }];
  if (error instanceof TursoApiError) {
    switch (error.kind) {
      case 'unauthorized':
        return {
          kind: 'message',
          id,
          label: l10n.t('Session expired or revoked — Sign in again'),
          description: error.serverMessage,
          tooltip,
          contextValue: 'turso.error;signIn',
          icon: 'warning',
          command: { command: 'turso.signIn', title: l10n.t('Sign In…') },
        };
      case 'forbidden':
        // Retrying cannot help: the credential itself is too narrow (a group-scoped token, say).
        return {
          kind: 'message',
          id,
          label: where === 'tokens'
            ? l10n.t("This credential can't list API tokens — Sign in with another")
            : l10n.t("This credential can't read your account — Sign in with another"),
          description: error.serverMessage,
          tooltip,
          contextValue: 'turso.error;signIn',
          icon: 'warning',
          command: { command: 'turso.signIn', title: l10n.t('Sign In…') },
        };
      case 'network':
      case 'timeout':
        return {
          kind: 'message',
          id,
          label: error.kind === 'timeout' ? l10n.t('The Turso API did not answer — Retry') : l10n.t("Can't reach the Turso API — Retry"),
          description: error.detail,
          tooltip,
          contextValue: 'turso.error;retry',
          icon: 'error',
          command: { command: 'turso.refresh', title: l10n.t('Retry') },
        };
      default:
        return {
          kind: 'message',
          id,
          label: where === 'tokens' ? l10n.t("Couldn't load API tokens — Retry") : l10n.t("Couldn't load your Turso account — Retry"),
          description: error.serverMessage ?? error.detail,
          tooltip,
          contextValue: 'turso.error;retry',
          icon: 'error',
          command: { command: 'turso.refresh', title: l10n.t('Retry') },
        };
    }
  }
  if (error instanceof Error && error.name === 'ApiSettingsError') {
    return {
      kind: 'message',
      id,
      label: l10n.t("The turso.apiBaseUrl setting can't be used — Open Settings"),
      // Why: not a URL, or one that would send the token unencrypted.
      description: (error as Error & { reason?: string }).reason,
      tooltip,
      contextValue: 'turso.error;settings',
      icon: 'gear',
      command: { command: 'workbench.action.openSettings', title: l10n.t('Open Settings'), arguments: ['turso.apiBaseUrl'] },
    };
  }
  return {
    kind: 'message',
    id,
    label: l10n.t('Something went wrong — Retry'),
    description: message,
    tooltip,
    contextValue: 'turso.error;retry',
    icon: 'error',
    command: { command: 'turso.refresh', title: l10n.t('Retry') },
  };
}

/** The node with its label and description as a row shows them: no `$(…)` icon syntax from the server. */
function rowText<T extends TreeNode>(node: T): T {
  return { ...node, label: withoutIcons(node.label), description: node.description === undefined ? undefined : withoutIcons(node.description) };
}

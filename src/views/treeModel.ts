/**
 * What the API Tokens tree shows, as plain data: built from API results, turned into TreeItems by
 * `tokensTreeProvider.ts`. No `vscode` import, so it is tested in plain Node.
 */
import { formatTimeLeft } from '../auth/expiry';
import { TursoApiError } from '../platform/errors';
import {
  tokenPermissionsLabel,
  tokenScopeKind,
  tokenScopeLabel,
  type ApiToken,
  type TokenValidation,
  type TursoUser,
} from '../platform/types';

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
  label: string;
  description?: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
  /** Children, already built: tokens, or one message node. */
  children: (TokenNode | MessageNode)[];
}

export interface TokenNode {
  kind: 'token';
  id: string;
  label: string;
  description: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
  token: ApiToken;
  /** The signed-in credential is this token. */
  current: boolean;
}

export interface MessageNode {
  kind: 'message';
  id: string;
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
  tokens: ApiToken[] | { error: unknown };
  /** `jti` of the signed-in credential. */
  credentialId?: string;
}

/** "never", or "2026-12-04 (in 7 days)" / "… (expired)". */
export function describeExpiry(validation: TokenValidation | undefined, nowSeconds: number): string {
  if (!validation) {
    return 'unknown';
  }
  if (validation.expiresAt === undefined) {
    return 'never';
  }
  const date = new Date(validation.expiresAt * 1000).toISOString().slice(0, 10);
  const left = validation.expiresAt - nowSeconds;
  return left <= 0 ? `${date} (expired)` : `${date} (in ${formatTimeLeft(left)})`;
}

export function tokenNode(token: ApiToken, credentialId?: string): TokenNode {
  const scope = tokenScopeLabel(token);
  const current = credentialId !== undefined && credentialId === token.id;
  const kind = tokenScopeKind(token);
  const parts = [scope];
  if (token.createdAt) {
    parts.push(token.createdAt);
  }
  if (current) {
    parts.push('signed in with this token');
  }
  const tooltip: TooltipRow[] = [
    { label: 'Name', value: token.name },
    { label: 'ID', value: token.id },
    { label: 'Scope', value: kind === 'unrestricted' ? 'all organizations (unrestricted)' : scope },
    { label: 'Permissions', value: kind === 'group' ? tokenPermissionsLabel(token) : kind === 'org' ? 'the whole organization' : 'everything this account can do' },
    { label: 'Created', value: token.createdAt ?? 'unknown' },
  ];
  if (current) {
    tooltip.push({ label: 'Note', value: 'This extension is signed in with this token.' });
  }
  return {
    kind: 'token',
    id: `token:${token.id}`,
    label: token.name,
    description: parts.join(' · '),
    tooltip,
    contextValue: `turso.token;${kind}${current ? ';current' : ''}`,
    icon: current ? 'verified' : 'key',
    token,
    current,
  };
}

export function userNode(snapshot: AccountSnapshot, nowSeconds: number): UserNode {
  const { user } = snapshot;
  const tooltip: TooltipRow[] = [{ label: 'Username', value: user.username }];
  if (user.name) tooltip.push({ label: 'Name', value: user.name });
  if (user.email) tooltip.push({ label: 'Email', value: user.email });
  if (user.plan) tooltip.push({ label: 'Plan', value: user.plan });
  tooltip.push({ label: 'Credential expires', value: describeExpiry(snapshot.validation, nowSeconds) });

  let children: (TokenNode | MessageNode)[];
  if (Array.isArray(snapshot.tokens)) {
    const sorted = [...snapshot.tokens].sort((a, b) => a.name.localeCompare(b.name));
    children = sorted.length
      ? sorted.map((t) => tokenNode(t, snapshot.credentialId))
      : [{
          kind: 'message',
          id: 'message:no-tokens',
          label: 'No API tokens yet',
          contextValue: 'turso.empty',
          icon: 'info',
        }];
  } else {
    children = [errorNode(snapshot.tokens.error, 'tokens')];
  }
  return {
    kind: 'user',
    id: `user:${user.username}`,
    label: user.name || user.username,
    description: user.plan,
    tooltip,
    contextValue: 'turso.user',
    icon: 'account',
    children,
  };
}

/** An error as a node that carries its fix. `where` keeps ids distinct between root and children. */
export function errorNode(error: unknown, where: 'root' | 'tokens' = 'root'): MessageNode {
  const id = `error:${where}`;
  const message = error instanceof Error ? error.message : String(error);
  const tooltip = [{ label: 'Error', value: message }];
  if (error instanceof TursoApiError) {
    switch (error.kind) {
      case 'unauthorized':
        return {
          kind: 'message',
          id,
          label: 'Session expired or revoked — Sign in again',
          description: error.serverMessage,
          tooltip,
          contextValue: 'turso.error;signIn',
          icon: 'warning',
          command: { command: 'turso.signIn', title: 'Sign In…' },
        };
      case 'forbidden':
        // Retrying cannot help: the credential itself is too narrow (a group-scoped token, say).
        return {
          kind: 'message',
          id,
          label: where === 'tokens'
            ? "This credential can't list API tokens — Sign in with another"
            : "This credential can't read your account — Sign in with another",
          description: error.serverMessage,
          tooltip,
          contextValue: 'turso.error;signIn',
          icon: 'warning',
          command: { command: 'turso.signIn', title: 'Sign In…' },
        };
      case 'network':
      case 'timeout':
        return {
          kind: 'message',
          id,
          label: error.kind === 'timeout' ? 'The Turso API did not answer — Retry' : "Can't reach the Turso API — Retry",
          description: error.detail,
          tooltip,
          contextValue: 'turso.error;retry',
          icon: 'error',
          command: { command: 'turso.refresh', title: 'Retry' },
        };
      default:
        return {
          kind: 'message',
          id,
          label: where === 'tokens' ? "Couldn't load API tokens — Retry" : "Couldn't load your Turso account — Retry",
          description: error.serverMessage ?? error.detail,
          tooltip,
          contextValue: 'turso.error;retry',
          icon: 'error',
          command: { command: 'turso.refresh', title: 'Retry' },
        };
    }
  }
  if (error instanceof Error && error.name === 'ApiSettingsError') {
    return {
      kind: 'message',
      id,
      label: 'The turso.apiBaseUrl setting is not a valid URL — Open Settings',
      tooltip,
      contextValue: 'turso.error;settings',
      icon: 'gear',
      command: { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['turso.apiBaseUrl'] },
    };
  }
  return {
    kind: 'message',
    id,
    label: 'Something went wrong — Retry',
    description: message,
    tooltip,
    contextValue: 'turso.error;retry',
    icon: 'error',
    command: { command: 'turso.refresh', title: 'Retry' },
  };
}

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
import { contextValue } from './contextValues';
import { compareNames } from '../util/order';

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
  /** The GitHub Actions secrets it was saved to (`placeLabel`, src/github/places.ts), oldest first. */
  secrets?: readonly string[];
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
  /** The signed-in account it is (set on its token rows). */
  accountId?: string;
  /** Token id → the GitHub Actions secrets it was saved to (labels), if any. */
  secretsOf?: SecretsOf;
  /** The rows of the account's previous build, reused where they read the same. */
  previous?: PreviousRows;
}

/** Token id → the GitHub Actions secrets it was saved to (`placeLabel`s), or undefined for none. */
export type SecretsOf = (tokenId: string) => readonly string[] | undefined;

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

/**
 * What every token row says the same way, translated once: the l10n bundle is set when the extension
 * activates (src/extension.ts), before any row is built, and does not change while it runs.
 */
interface TokenRowText {
  signedInWithThisToken: string;
  name: string;
  id: string;
  scope: string;
  permissions: string;
  created: string;
  note: string;
  usedInLabel: string;
  gitHubSecretLabel: string;
  unrestricted: string;
  wholeOrganization: string;
  everything: string;
  unknown: string;
  signedInNote: string;
}
let tokenRowText: TokenRowText | undefined;
function texts(): TokenRowText {
  return (tokenRowText ??= {
    signedInWithThisToken: l10n.t('signed in with this token'),
    name: l10n.t('Name'),
    id: l10n.t('ID'),
    scope: l10n.t('Scope'),
    permissions: l10n.t('Permissions'),
    created: l10n.t('Created'),
    note: l10n.t('Note'),
    usedInLabel: l10n.t('Used in'),
    gitHubSecretLabel: l10n.t('GitHub secret'),
    unrestricted: l10n.t('all organizations (unrestricted)'),
    wholeOrganization: l10n.t('the whole organization'),
    everything: l10n.t('everything this account can do'),
    unknown: l10n.t('unknown'),
    signedInNote: l10n.t('This extension is signed in with this token.'),
  });
}

/** What a token row says of the workspace files that hold the token: "used in api/.env (and 2 more)". */
export function usedInText(files: readonly string[]): string {
  return files.length > 1 ? l10n.t('used in {0} and {1} more', files[0], files.length - 1) : l10n.t('used in {0}', files[0]);
}

/** What a token row says of the GitHub Actions secrets it was saved to: "in GitHub secret acme/app · NAME", "in 2 GitHub secrets". */
export function secretsText(secrets: readonly string[]): string {
  return secrets.length > 1 ? l10n.t('in {0} GitHub secrets', secrets.length) : l10n.t('in GitHub secret {0}', secrets[0]);
}

/** The tooltip rows of the GitHub Actions secrets a token was saved to: one per secret. */
export function secretRows(secrets: readonly string[] | undefined): TooltipRow[] {
  return (secrets ?? []).map((value) => ({ label: texts().gitHubSecretLabel, value }));
}

/**
 * `accountId`: the signed-in account whose token it is; `secrets`: the GitHub Actions secrets it was
 * saved to (labels).
 */
export function tokenNode(token: ApiToken, credentialId?: string, usedIn?: readonly string[], accountId?: string, secrets?: readonly string[]): TokenNode {
  const t = texts();
  const scope = tokenScopeLabel(token);
  const current = credentialId !== undefined && credentialId === token.id;
  const kind = tokenScopeKind(token);
  let description = token.createdAt ? `${scope} · ${token.createdAt}` : scope;
  if (current) {
    description += ` · ${t.signedInWithThisToken}`;
  }
  const used = usedIn?.length ? usedIn : undefined;
  if (used) {
    description += ` · ${usedInText(used)}`;
  }
  const inSecrets = secrets?.length ? secrets : undefined;
  if (inSecrets) {
    description += ` · ${secretsText(inSecrets)}`;
  }
  const tooltip: TooltipRow[] = [
    { label: t.name, value: token.name },
    { label: t.id, value: token.id },
    { label: t.scope, value: kind === 'unrestricted' ? t.unrestricted : scope },
    {
      label: t.permissions,
      value: kind === 'group' ? tokenPermissionsLabel(token) : kind === 'org' ? t.wholeOrganization : t.everything,
    },
    { label: t.created, value: token.createdAt ?? t.unknown },
  ];
  if (current) {
    tooltip.push({ label: t.note, value: t.signedInNote });
  }
  if (used) {
    tooltip.push({ label: t.usedInLabel, value: used.join(', ') });
  }
  tooltip.push(...secretRows(inSecrets));
  // Built as a row shows it (no `$(…)` from the server), without the copy `rowText` makes of other rows.
  const node: TokenNode = {
    kind: 'token',
    id: `token:${token.id}`,
    label: withoutIcons(token.name),
    description: withoutIcons(description),
    tooltip,
    contextValue: contextValue('turso.token', kind, current && 'current', used && 'used'),
    icon: current ? 'verified' : 'key',
    token,
    current,
  };
  if (accountId !== undefined) {
    node.accountId = accountId;
  }
  if (used) {
    node.usedIn = used;
  }
  if (inSecrets) {
    node.secrets = inSecrets;
  }
  return node;
}

/**
 * Token id → the row an earlier build made for it. A token whose row would read the same (the same
 * token data, still the signed-in credential or not, used in the same files, in the same GitHub secrets) keeps that row object,
 * so a refresh builds only what changed and VS Code is handed the elements it already shows.
 */
export type PreviousRows = ReadonlyMap<string, TokenNode>;

/** The rows under the user: the tokens sorted by name, or one "No API tokens yet" row. */
export function tokenChildren(
  tokens: readonly ApiToken[],
  credentialId?: string,
  usedIn?: ReadonlyMap<string, readonly string[]>,
  options: { accountId?: string; previous?: PreviousRows; secretsOf?: SecretsOf } = {},
): (TokenNode | MessageNode)[] {
  const { accountId, previous, secretsOf } = options;
  const sorted = [...tokens].sort((a, b) => compareNames(a.name, b.name));
  if (!sorted.length) {
    const empty: MessageNode = {
      kind: 'message',
      id: 'message:no-tokens',
      label: l10n.t('No API tokens yet'),
      contextValue: contextValue('turso.empty'),
      icon: 'info',
    };
    return [accountId === undefined ? empty : { ...empty, accountId }];
  }
  return sorted.map((token) => {
    const files = usedIn?.get(token.id);
    const secrets = secretsOf?.(token.id);
    const before = previous?.get(token.id);
    return before && sameRow(before, token, credentialId, files, accountId, secrets)
      ? before
      : tokenNode(token, credentialId, files, accountId, secrets);
  });
}

/** Whether `row` is what `tokenNode(token, credentialId, usedIn, accountId, secrets)` would build. */
function sameRow(
  row: TokenNode,
  token: ApiToken,
  credentialId: string | undefined,
  usedIn: readonly string[] | undefined,
  accountId: string | undefined,
  secrets: readonly string[] | undefined,
): boolean {
  return row.accountId === accountId
    && row.current === (credentialId !== undefined && credentialId === token.id)
    && sameList(row.usedIn, usedIn?.length ? usedIn : undefined)
    && sameFiles(row.secrets, secrets)
    && sameToken(row.token, token);
}

/** The same fields with the same values (a list field: the same items in the same order; absent = undefined). */
function sameToken(a: ApiToken, b: ApiToken): boolean {
  if (a === b) {
    return true;
  }
  const same = (k: keyof ApiToken) => {
    const x = a[k];
    const y = b[k];
    return x === y || (Array.isArray(x) && Array.isArray(y) && sameList(x, y));
  };
  return (Object.keys(a) as (keyof ApiToken)[]).every(same) && (Object.keys(b) as (keyof ApiToken)[]).every((k) => k in a || b[k] === undefined);
}

/** Whether two lists (files a token is used in, secrets it is in) name the same in the same order (none and an empty list are the same). */
export function sameFiles(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((f, i) => f === y[i]);
}

function sameList(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));
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
    : tokenChildren(snapshot.tokens, snapshot.credentialId, snapshot.usedIn, {
      accountId: snapshot.accountId, previous: snapshot.previous, secretsOf: snapshot.secretsOf,
    });
  return rowText({
    kind: 'user',
    id: `user:${user.username}`,
    label: user.name || user.username,
    description: user.plan,
    tooltip,
    contextValue: contextValue('turso.user'),
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
          contextValue: contextValue('turso.error', 'signIn'),
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
          contextValue: contextValue('turso.error', 'signIn'),
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
          contextValue: contextValue('turso.error', 'retry'),
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
          contextValue: contextValue('turso.error', 'retry'),
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
      contextValue: contextValue('turso.error', 'settings'),
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
    contextValue: contextValue('turso.error', 'retry'),
    icon: 'error',
    command: { command: 'turso.refresh', title: l10n.t('Retry') },
  };
}

/** The node with its label and description as a row shows them: no `$(…)` icon syntax from the server. */
function rowText<T extends TreeNode>(node: T): T {
  return { ...node, label: withoutIcons(node.label), description: node.description === undefined ? undefined : withoutIcons(node.description) };
}

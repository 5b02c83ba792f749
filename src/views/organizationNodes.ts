/**
 * The Organizations part of the API Tokens tree, as plain data: the "Organizations" node of an
 * account, one node per organization, and the organization's API tokens with their owners. Turned
 * into TreeItems by `tokensTreeProvider.ts`. No `vscode` import, so it is tested in plain Node.
 */
import * as l10n from '@vscode/l10n';
import type { OrganizationTokensLoad } from '../accounts/organizationsModel';
import { TursoApiError } from '../platform/errors';
import { organizationTokenOwner, tokenPermissionsLabel, tokenScopeKind, type Organization, type OrganizationApiToken } from '../platform/types';
import { contextValue } from './contextValues';
import type { DatabaseNode, DatabasesNode } from './databaseNodes';
import { errorNode, secretRows, secretsText, usedInText, type MessageNode, type SecretsOf, type TooltipRow } from './treeModel';
import { compareNames } from '../util/order';

/** Ids are made of these parts; the parts come from the server, so they are encoded. */
function part(text: string): string {
  return encodeURIComponent(text);
}

export interface OrganizationsNode {
  kind: 'organizations';
  id: string;
  /** The signed-in account it belongs to (src/auth/credentialStore.ts id); ids of its rows contain it. */
  accountId: string;
  label: string;
  tooltip?: TooltipRow[];
  description?: string;
  contextValue: string;
  icon: string;
}

export interface OrganizationNode {
  kind: 'organization';
  id: string;
  accountId: string;
  organization: Organization;
  label: string;
  description?: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
}

export interface OrganizationTokenNode {
  kind: 'orgToken';
  id: string;
  accountId: string;
  organization: string;
  token: OrganizationApiToken;
  /**
   * Who minted it (the account's own username when the list had no owner: a member sees only theirs;
   * '' when the list's owner had no username).
   */
  owner: string;
  /** The account minted it. */
  yours: boolean;
  /** The signed-in credential is this token. */
  current: boolean;
  /** The workspace files that hold it (found by its id, the JWT's `jti`: a colleague's too), when any. */
  usedIn?: readonly string[];
  /** The GitHub Actions secrets it was saved to (`placeLabel`, src/github/places.ts), when any. */
  secrets?: readonly string[];
  label: string;
  description: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
}

export type OrganizationTreeNode = OrganizationsNode | OrganizationNode | OrganizationTokenNode | DatabasesNode | DatabaseNode;

export function isOrganizationTreeNode(node: unknown): node is OrganizationTreeNode {
  const kind = (node as { kind?: unknown } | undefined)?.kind;
  return kind === 'organizations' || kind === 'organization' || kind === 'orgToken' || kind === 'databases' || kind === 'database';
}

/** The account's "Organizations" node (collapsed: nothing is asked until it is expanded). */
export function organizationsNode(account: string): OrganizationsNode {
  return {
    kind: 'organizations',
    id: `orgs:${part(account)}`,
    accountId: account,
    label: l10n.t('Organizations'),
    tooltip: [{ label: l10n.t('Organizations'), value: l10n.t('Every API token of your organizations, with who minted it') }],
    contextValue: contextValue('turso.organizations'),
    icon: 'organization',
  };
}

/**
 * One organization. `load` is its last token load, when there is one: for a member or viewer the
 * node says that only their own tokens are shown.
 */
export function organizationNode(account: string, organization: Organization, load?: OrganizationTokensLoad): OrganizationNode {
  const tooltip: TooltipRow[] = [{ label: l10n.t('Organization'), value: organization.slug }];
  if (organization.name && organization.name !== organization.slug) {
    tooltip.push({ label: l10n.t('Name'), value: organization.name });
  }
  let description = organization.name && organization.name !== organization.slug ? organization.name : undefined;
  let restricted = false;
  if (load?.kind === 'loaded') {
    if (load.role) {
      tooltip.push({ label: l10n.t('Your role'), value: load.role });
    }
    if (load.role !== undefined && !load.seesAll) {
      restricted = true;
      description = l10n.t('only your own tokens are shown ({0})', load.role);
      tooltip.push({
        label: l10n.t('Note'),
        value: l10n.t('As a {0} you see only the API tokens you minted; owners and admins see every member\'s.', load.role),
      });
    } else if (load.seesAll) {
      tooltip.push({ label: l10n.t('Shown'), value: l10n.t("every member's API tokens") });
    }
  }
  return {
    kind: 'organization',
    id: `org:${part(account)}:${part(organization.slug)}`,
    accountId: account,
    organization,
    label: organization.slug,
    description,
    tooltip,
    contextValue: contextValue('turso.organization', restricted && 'ownOnly'),
    icon: organization.type === 'personal' ? 'account' : 'organization',
  };
}

/** "organization", or "group default: read-only". */
export function organizationTokenScope(token: OrganizationApiToken): string {
  return tokenScopeKind(token) === 'group'
    ? l10n.t('group {0}: {1}', token.group ?? '', tokenPermissionsLabel(token))
    : l10n.t('organization');
}

/**
 * A token row. `usedIn`: the workspace env files that hold the token (matched by id, so a colleague's
 * token found in a file says so too); the row says "used in …", lists them in its tooltip, and its
 * context value gets `;used` (for Open Where Used). `secrets`: the GitHub Actions secrets it was saved
 * to (labels): the row says "in GitHub secret …" and its tooltip lists each.
 */
export function organizationTokenNode(
  account: string,
  token: OrganizationApiToken,
  me: { username: string; credentialId?: string },
  usedIn?: readonly string[],
  secrets?: readonly string[],
): OrganizationTokenNode {
  const owner = organizationTokenOwner(token, me.username);
  const yours = owner !== '' && owner === me.username;
  const current = me.credentialId !== undefined && me.credentialId === token.id;
  const scope = organizationTokenScope(token);
  const parts = [scope];
  if (token.createdAt) {
    parts.push(token.createdAt);
  }
  if (current) {
    parts.push(l10n.t('signed in with this token'));
  } else if (yours) {
    parts.push(l10n.t('yours'));
  }
  const used = usedIn?.length ? usedIn : undefined;
  if (used) {
    parts.push(usedInText(used));
  }
  const inSecrets = secrets?.length ? secrets : undefined;
  if (inSecrets) {
    parts.push(secretsText(inSecrets));
  }
  const tooltip: TooltipRow[] = [
    { label: l10n.t('Name'), value: token.name },
    { label: l10n.t('ID'), value: token.id },
    { label: l10n.t('Owner'), value: yours ? l10n.t('{0} (you)', owner) : owner || l10n.t('not given by Turso') },
  ];
  if (token.owner?.email) {
    tooltip.push({ label: l10n.t('Owner email'), value: token.owner.email });
  }
  tooltip.push(
    { label: l10n.t('Organization'), value: token.organization },
    { label: l10n.t('Scope'), value: scope },
    { label: l10n.t('Created'), value: token.createdAt ?? l10n.t('unknown') },
  );
  if (current) {
    tooltip.push({ label: l10n.t('Note'), value: l10n.t('This extension is signed in with this token.') });
  }
  if (used) {
    tooltip.push({ label: l10n.t('Used in'), value: used.join(', ') });
  }
  tooltip.push(...secretRows(inSecrets));
  const node: OrganizationTokenNode = {
    kind: 'orgToken',
    id: `orgToken:${part(account)}:${part(token.organization)}:${part(token.id)}`,
    accountId: account,
    organization: token.organization,
    token,
    owner,
    yours,
    current,
    // The owner is in the label: the tree's find (type to filter) matches labels.
    label: owner ? `${owner} · ${token.name}` : token.name,
    description: parts.join(' · '),
    tooltip,
    contextValue: contextValue('turso.orgToken', tokenScopeKind(token), yours && 'yours', current && 'current', used && 'used'),
    icon: current ? 'verified' : yours ? 'key' : 'person',
  };
  if (used) {
    node.usedIn = used;
  }
  if (inSecrets) {
    node.secrets = inSecrets;
  }
  return node;
}

/** Owner, then name, then id (names are unique per owner only): a stable order for large lists. */
export function compareOrganizationTokens(a: OrganizationTokenNode, b: OrganizationTokenNode): number {
  return compareNames(a.owner, b.owner) || compareNames(a.token.name, b.token.name) || compareNames(a.token.id, b.token.id);
}

/** The rows under an organization: its tokens sorted by owner then name, a message, or an error. */
export function organizationChildren(
  account: string,
  load: OrganizationTokensLoad,
  me: { username: string; credentialId?: string },
  usedIn?: ReadonlyMap<string, readonly string[]>,
  secretsOf?: SecretsOf,
): (OrganizationTokenNode | MessageNode)[] {
  if (load.kind === 'failed') {
    return [organizationErrorNode(account, load.organization, load.error)];
  }
  const rows = load.tokens.map((t) => organizationTokenNode(account, t, me, usedIn?.get(t.id), secretsOf?.(t.id))).sort(compareOrganizationTokens);
  if (rows.length) {
    return rows;
  }
  return [{
    kind: 'message',
    id: `message:${part(account)}:${part(load.organization)}:no-tokens`,
    label: load.seesAll ? l10n.t('No organization API tokens') : l10n.t('You have no API tokens in this organization'),
    contextValue: contextValue('turso.empty'),
    icon: 'info',
  }];
}

/** The organization list failed, or one organization's tokens did: a row that says why, with its fix. */
export function organizationErrorNode(account: string, organization: string | undefined, error: unknown): MessageNode {
  const base = errorNode(error, 'tokens');
  const id = `error:${part(account)}:${organization === undefined ? 'orgs' : `org:${part(organization)}`}`;
  if (error instanceof TursoApiError && error.kind === 'forbidden') {
    return {
      ...base,
      id,
      label: organization === undefined
        ? l10n.t("This credential can't list organizations")
        : l10n.t("This credential can't list the organization's API tokens"),
      contextValue: contextValue('turso.error'),
      command: undefined,
    };
  }
  if (error instanceof TursoApiError && error.kind === 'notFound') {
    return {
      ...base,
      id,
      label: organization === undefined
        ? l10n.t("Couldn't list organizations — Retry")
        : l10n.t("This server can't list organization API tokens, or you are no longer a member — Retry"),
      contextValue: contextValue('turso.error', 'retry'),
      icon: 'error',
      command: { command: 'turso.refresh', title: l10n.t('Retry') },
    };
  }
  if (base.contextValue === contextValue('turso.error', 'retry') && !(error instanceof TursoApiError && (error.kind === 'network' || error.kind === 'timeout'))) {
    return {
      ...base,
      id,
      label: organization === undefined ? l10n.t("Couldn't list organizations — Retry") : l10n.t("Couldn't load the organization's API tokens — Retry"),
    };
  }
  return { ...base, id };
}

/** The rows under "Organizations". */
export function organizationListChildren(account: string, organizations: readonly Organization[]): (OrganizationNode | MessageNode)[] {
  if (!organizations.length) {
    return [{
      kind: 'message',
      id: `message:${part(account)}:no-orgs`,
      label: l10n.t('No organizations'),
      contextValue: contextValue('turso.empty'),
      icon: 'info',
    }];
  }
  return [...organizations].sort((a, b) => compareNames(a.slug, b.slug)).map((o) => organizationNode(account, o));
}

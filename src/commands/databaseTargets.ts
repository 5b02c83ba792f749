// What the database token commands share: the account, the organization, its databases and the
// account's role there (from the tree when it has them, else asked together), and the one pick of
// a database or a group.
import * as vscode from 'vscode';
import type { TursoClient } from '../platform/client';
import type { Database, DatabaseTokenTarget } from '../platform/databases';
import { showInformationMessage } from '../ui/notify';
import { organizationItems, type OrganizationItem } from '../ui/organizationItems';
import { pick } from '../ui/pickers';
import { displayName } from '../util/text';
import { isViewer } from '../views/databaseNodes';
import type { CommandDeps } from './deps';
import { targetChoices, type TargetChoice } from './databaseTokenChoices';
import { reportFailure } from './failures';
import { rowAccount, rowOf } from './target';

export type DatabaseCommandDeps = Pick<CommandDeps, 'accounts' | 'organizations' | 'log'>;

/** Where a database token command starts: the account, its client, and what the row gave. */
export interface DatabaseStart {
  accountId: string;
  client: TursoClient;
  organization?: string;
  database?: Database;
}

/** The account and what the row the command was run on gives (organization, database); undefined when signed out. */
export function startOf(deps: DatabaseCommandDeps, node: unknown): DatabaseStart | undefined {
  const accountId = rowAccount(node) ?? deps.accounts.activeId;
  const client = accountId === undefined ? undefined : deps.accounts.clientFor(accountId);
  if (accountId === undefined || !client) {
    return undefined;
  }
  const database = rowOf(node, 'database');
  const organization = database?.organization ?? rowOf(node, 'databases')?.organization ?? rowOf(node, 'organization')?.organization.slug;
  return { accountId, client, organization, database: database?.database };
}

/** The organization: the only one, or the one picked; undefined when the pick was dismissed or failed (said). */
export async function pickOrganization(deps: DatabaseCommandDeps, client: TursoClient, title: string): Promise<string | undefined> {
  const organizations = client.listOrganizations();
  organizations.catch(() => undefined);
  try {
    const items = await organizationItems(await organizations);
    if (items.length === 1) {
      return items[0].slug;
    }
    return (await pick<OrganizationItem>({
      title,
      placeholder: vscode.l10n.t('Pick the organization'),
      items: items.length ? items : Promise.reject(new Error(vscode.l10n.t('This account has no organizations.'))),
    }))?.[0]?.slug;
  } catch (err) {
    reportFailure(deps.log, 'Loading organizations failed', err);
    return undefined;
  }
}

/** An organization's databases and the account's role there (undefined when it could not be told). */
export interface OrganizationDatabases {
  databases: readonly Database[];
  role?: string;
}

/**
 * The databases and the role: from the tree's last loads when it has them (no request), else asked
 * together (one round trip). A failure to list the databases is said, and undefined returned.
 */
export async function organizationDatabases(deps: DatabaseCommandDeps, start: DatabaseStart, organization: string): Promise<OrganizationDatabases | undefined> {
  const model = deps.organizations.existing(start.accountId);
  const known = model?.databases.settled(organization);
  const tokens = model?.settledTokens(organization);
  const username = deps.accounts.account(start.accountId)?.username;
  const [databases, role] = await Promise.allSettled([
    known?.kind === 'loaded' ? Promise.resolve(known.databases) : start.client.listDatabases(organization),
    tokens?.kind === 'loaded' && tokens.role !== undefined
      ? Promise.resolve(tokens.role)
      : username ? start.client.getMember(organization, username).then((m) => m.role) : Promise.resolve(undefined),
  ]);
  if (databases.status === 'rejected') {
    reportFailure(deps.log, `Listing the databases of "${organization}" failed`, databases.reason);
    return undefined;
  }
  return { databases: databases.value, role: role.status === 'fulfilled' ? role.value : undefined };
}

/** A viewer is told that they cannot (and nothing is asked); true when refused. */
export function refuseViewer(role: string | undefined, organization: string, what: 'create' | 'invalidate'): boolean {
  if (!isViewer(role)) {
    return false;
  }
  void showInformationMessage(what === 'create'
    ? vscode.l10n.t('As a viewer of {0} you cannot create database tokens. Ask an owner, admin or member of the organization.', displayName(organization))
    : vscode.l10n.t('As a viewer of {0} you cannot invalidate database tokens. Ask an owner, admin or member of the organization.', displayName(organization)));
  return true;
}

interface TargetItem extends vscode.QuickPickItem {
  choice: TargetChoice;
}

/** The one pick of a database or a whole group; undefined when dismissed. */
export async function pickTarget(databases: readonly Database[], title: string, placeholder: string): Promise<DatabaseTokenTarget | undefined> {
  const items = targetChoices(databases).map<TargetItem>((choice) =>
    choice.kind === 'separator'
      ? { choice, label: choice.label, kind: vscode.QuickPickItemKind.Separator }
      : { choice, label: choice.label, description: choice.description, iconPath: new vscode.ThemeIcon(choice.kind === 'group' ? 'folder-library' : 'database') });
  const picked = (await pick<TargetItem>({ title, placeholder, items }))?.[0]?.choice;
  return picked && picked.kind !== 'separator' ? picked.target : undefined;
}

/** Said when the organization has no databases: nothing to choose. */
export function sayNoDatabases(organization: string): void {
  void showInformationMessage(vscode.l10n.t('The organization {0} has no databases.', displayName(organization)));
}

/**
 * The Databases part of the tree, as plain data: an organization's "Databases" node and one row per
 * database (label: its name; description: its group and primary region). Turned into TreeItems by
 * `organizationsTree.ts`. No `vscode` import, so it is tested in plain Node.
 *
 * An organization can have thousands of databases: a row is built in constant time (no translation,
 * no tooltip: the tooltip is built when the row is hovered, `databaseTooltip`).
 */
import * as l10n from '@vscode/l10n';
import type { DatabasesLoad } from '../accounts/databasesModel';
import type { Database } from '../platform/databases';
import { TursoApiError } from '../platform/errors';
import { contextValue } from './contextValues';
import { errorNode, type MessageNode, type TooltipRow } from './treeModel';

function part(text: string): string {
  return encodeURIComponent(text);
}

export interface DatabasesNode {
  kind: 'databases';
  id: string;
  accountId: string;
  organization: string;
  label: string;
  description?: string;
  tooltip: TooltipRow[];
  contextValue: string;
  icon: string;
}

export interface DatabaseNode {
  kind: 'database';
  id: string;
  accountId: string;
  organization: string;
  database: Database;
  /** The account is a viewer there: it cannot mint or invalidate this database's tokens. */
  viewer: boolean;
  label: string;
  /** "group · primary region" (either alone when the other is unknown). */
  description: string;
  contextValue: string;
  icon: string;
}

/** A viewer cannot mint or invalidate database tokens (the API answers 403). */
export function isViewer(role: string | undefined): boolean {
  return role === 'viewer';
}

/** The organization's "Databases" node (collapsed: nothing is asked until it is expanded). */
export function databasesNode(account: string, organization: string, role?: string): DatabasesNode {
  const viewer = isViewer(role);
  const tooltip: TooltipRow[] = [
    { label: l10n.t('Databases'), value: l10n.t('The databases of {0}, to create or invalidate their tokens', organization) },
  ];
  if (viewer) {
    tooltip.push({ label: l10n.t('Note'), value: l10n.t('As a viewer you cannot create or invalidate database tokens.') });
  }
  return {
    kind: 'databases',
    id: `dbs:${part(account)}:${part(organization)}`,
    accountId: account,
    organization,
    label: l10n.t('Databases'),
    description: viewer ? l10n.t('viewer: tokens not available') : undefined,
    tooltip,
    contextValue: contextValue('turso.databases', viewer && 'viewer'),
    icon: 'database',
  };
}

/** "group · region", "group", "region" or "". */
export function databaseDescription(database: Database): string {
  return database.group && database.primaryRegion
    ? `${database.group} · ${database.primaryRegion}`
    : database.group ?? database.primaryRegion ?? '';
}

/** One database's row: constant work (its tooltip is `databaseTooltip`, built on hover). */
export function databaseNode(account: string, organization: string, database: Database, viewer: boolean): DatabaseNode {
  return {
    kind: 'database',
    id: `db:${part(account)}:${part(organization)}:${part(database.id)}`,
    accountId: account,
    organization,
    database,
    viewer,
    label: database.name,
    description: databaseDescription(database),
    contextValue: viewer ? VIEWER_ROW : ROW,
    icon: 'database',
  };
}
const ROW = contextValue('turso.database');
const VIEWER_ROW = contextValue('turso.database', 'viewer');

/** What hovering a database row shows. */
export function databaseTooltip(node: DatabaseNode): TooltipRow[] {
  const { database } = node;
  const rows: TooltipRow[] = [
    { label: l10n.t('Database'), value: database.name },
    { label: l10n.t('ID'), value: database.id },
    { label: l10n.t('URL'), value: `libsql://${database.hostname}` },
    { label: l10n.t('Group'), value: database.group ?? l10n.t('none') },
    { label: l10n.t('Primary region'), value: database.primaryRegion ?? l10n.t('unknown') },
    { label: l10n.t('Organization'), value: node.organization },
  ];
  if (node.viewer) {
    rows.push({ label: l10n.t('Note'), value: l10n.t('As a viewer you cannot create or invalidate database tokens.') });
  }
  return rows;
}

/** By name (unique in an organization): a stable order for large lists. */
export function compareDatabases(a: Database, b: Database): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The rows under a Databases node: its databases sorted by name, a message, or an error. */
export function databaseChildren(account: string, load: DatabasesLoad, role?: string): (DatabaseNode | MessageNode)[] {
  if (load.kind === 'failed') {
    return [databasesErrorNode(account, load.organization, load.error)];
  }
  if (!load.databases.length) {
    return [{
      kind: 'message',
      id: `message:${part(account)}:${part(load.organization)}:no-databases`,
      accountId: account,
      label: l10n.t('No databases in this organization'),
      contextValue: contextValue('turso.empty'),
      icon: 'info',
    }];
  }
  const viewer = isViewer(role);
  return [...load.databases].sort(compareDatabases).map((d) => databaseNode(account, load.organization, d, viewer));
}

/** The database list failed: a row that says why, with its fix (Retry, or signing in again). */
export function databasesErrorNode(account: string, organization: string, error: unknown): MessageNode {
  const base = errorNode(error, 'tokens');
  const id = `error:${part(account)}:dbs:${part(organization)}`;
  if (error instanceof TursoApiError && error.kind === 'forbidden') {
    return {
      ...base, id, accountId: account,
      label: l10n.t("This credential can't list the organization's databases"),
      contextValue: contextValue('turso.error'),
      command: undefined,
    };
  }
  if (base.contextValue === contextValue('turso.error', 'retry') && !(error instanceof TursoApiError && (error.kind === 'network' || error.kind === 'timeout'))) {
    return { ...base, id, accountId: account, label: l10n.t("Couldn't load the organization's databases — Retry") };
  }
  return { ...base, id, accountId: account };
}

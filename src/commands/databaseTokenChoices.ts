/**
 * What the database token commands offer and say, as plain data (no `vscode`, tested in plain Node):
 * the expiry choices, the database-or-group choices, how a target is named, the reveal's access line,
 * and the Invalidate dialog's words.
 */
import * as l10n from '@vscode/l10n';
import { parseExpiration, type Database, type DatabaseTokenAccess, type DatabaseTokenTarget } from '../platform/databases';
import { displayName } from '../util/text';
import { compareNames } from '../util/order';

/** The variable the database's URL is written to, next to its token. */
export const DATABASE_URL_ENV_VAR = 'TURSO_DATABASE_URL';

export interface ExpiryChoice {
  label: string;
  /** What the API is sent (`never`, `7d`); undefined: "Custom…", typed next. */
  expiration: string | undefined;
}

/** Never, 1 day, 7 days, 30 days, 90 days, Custom…: in that order. */
export function expiryChoices(): ExpiryChoice[] {
  return [
    { label: l10n.t('Never'), expiration: 'never' },
    { label: l10n.t('1 day'), expiration: '1d' },
    { label: l10n.t('7 days'), expiration: '7d' },
    { label: l10n.t('30 days'), expiration: '30d' },
    { label: l10n.t('90 days'), expiration: '90d' },
    { label: l10n.t('Custom…'), expiration: undefined },
  ];
}

/** Why a typed lifetime cannot be sent, or undefined when it can (`2w1d`, `12h`, `never`). */
export function expirationProblem(text: string): string | undefined {
  if (text.trim() === '') {
    return l10n.t('Type a lifetime such as 2w1d, 12h or 90d, or never');
  }
  return parseExpiration(text) === undefined
    ? l10n.t('Not a lifetime: use weeks, days, hours, minutes and seconds, largest first, such as 2w1d or 1d12h30m')
    : undefined;
}

/** The expiration the API is sent for a typed lifetime (already checked by `expirationProblem`). */
export function typedExpiration(text: string): string {
  const value = text.trim().toLowerCase();
  return value === '' ? 'never' : value;
}

/** How an expiration is said: "never expires" or "expires after 7d". */
export function expiryLabel(expiration: string): string {
  return expiration === 'never' ? l10n.t('never expires') : l10n.t('expires after {0}', expiration);
}

export function accessLabel(access: DatabaseTokenAccess): string {
  return access === 'read-only' ? l10n.t('read-only') : l10n.t('full access');
}

/** "database orders" or "group default". */
export function targetLabel(target: DatabaseTokenTarget): string {
  return target.kind === 'group' ? l10n.t('group {0}', displayName(target.name)) : l10n.t('database {0}', displayName(target.name));
}

/** The groups of the databases, each with its databases (sorted by name), by group name. */
export function groupsOf(databases: readonly Database[]): Map<string, Database[]> {
  const groups = new Map<string, Database[]>();
  for (const d of [...databases].sort((a, b) => compareNames(a.name, b.name))) {
    if (d.group) {
      const list = groups.get(d.group) ?? [];
      list.push(d);
      groups.set(d.group, list);
    }
  }
  return new Map([...groups].sort(([a], [b]) => compareNames(a, b)));
}

export type TargetChoice =
  | { kind: 'database'; label: string; description?: string; target: DatabaseTokenTarget; database: Database }
  | { kind: 'group'; label: string; description?: string; target: DatabaseTokenTarget }
  | { kind: 'separator'; label: string };

/**
 * The one pick of what a token is for: the databases (with group and region), then a separator,
 * then each group ("Group default — every database in it", with how many).
 */
export function targetChoices(databases: readonly Database[]): TargetChoice[] {
  const choices: TargetChoice[] = [...databases].sort((a, b) => compareNames(a.name, b.name)).map((d) => ({
    kind: 'database',
    label: displayName(d.name, 128),
    description: [d.group && l10n.t('group {0}', displayName(d.group)), d.primaryRegion && displayName(d.primaryRegion)].filter(Boolean).join(' · ') || undefined,
    target: { kind: 'database', name: d.name },
    database: d,
  }));
  const groups = groupsOf(databases);
  if (groups.size) {
    choices.push({ kind: 'separator', label: l10n.t('Groups') });
    for (const [group, members] of groups) {
      choices.push({
        kind: 'group',
        label: l10n.t('Group {0} — every database in it', displayName(group, 128)),
        description: members.length === 1 ? l10n.t('1 database') : l10n.t('{0} databases', members.length),
        target: { kind: 'group', name: group },
      });
    }
  }
  return choices;
}

/** The other databases a token may read through ATTACH: every database not covered by the target. */
export function attachCandidates(databases: readonly Database[], target: DatabaseTokenTarget): Database[] {
  return [...databases]
    .filter((d) => (target.kind === 'group' ? d.group !== target.name : d.name !== target.name))
    .sort((a, b) => compareNames(a.name, b.name));
}

/** The reveal panel's access line: "acme · full access · never expires · may read orders, users". */
export function revealAccessLine(organization: string, access: DatabaseTokenAccess, expiration: string, readAttach: readonly string[]): string {
  const parts = [displayName(organization), accessLabel(access), expiryLabel(expiration)];
  if (readAttach.length) {
    parts.push(l10n.t('may read {0} through ATTACH', readAttach.map((n) => displayName(n)).join(', ')));
  }
  return parts.join(' · ');
}

/** The URL a database is reached at by its SDKs: `libsql://<Hostname>`. */
export function databaseUrl(database: Database): string {
  return `libsql://${database.hostname}`;
}

/**
 * What is invalidated when the tokens of `database` (or of a group) are: a database in a group has
 * no keys of its own, so the group's are rotated (as the Turso CLI does) and every database of it is
 * named.
 */
export interface InvalidationPlan {
  organization: string;
  /** What the API is asked to rotate. */
  target: DatabaseTokenTarget;
  /** Every database whose tokens stop working, sorted by name. */
  databases: Database[];
  /** The database the person chose, when they chose one that is in a group (the group is rotated instead). */
  chosenInGroup?: string;
}

export function invalidationPlan(organization: string, chosen: DatabaseTokenTarget, databases: readonly Database[]): InvalidationPlan {
  if (chosen.kind === 'database') {
    const database = databases.find((d) => d.name === chosen.name);
    if (database?.group) {
      return {
        organization,
        target: { kind: 'group', name: database.group },
        databases: groupsOf(databases).get(database.group) ?? [database],
        chosenInGroup: database.name,
      };
    }
    return { organization, target: chosen, databases: database ? [database] : [] };
  }
  return { organization, target: chosen, databases: groupsOf(databases).get(chosen.name) ?? [] };
}

/** At most this many database names in the dialog; the rest are counted. */
const MAX_NAMED = 20;

/** The Invalidate dialog: a message naming the target, and a detail saying what stops and which files hold its tokens. */
export function invalidationWords(plan: InvalidationPlan, files: readonly string[]): { message: string; detail: string } {
  const org = displayName(plan.organization);
  const message = plan.target.kind === 'group'
    ? l10n.t('Invalidate every token of group {0} in {1}?', displayName(plan.target.name), org)
    : l10n.t('Invalidate every token of database {0} in {1}?', displayName(plan.target.name), org);
  const lines: string[] = [];
  if (plan.chosenInGroup !== undefined && plan.target.kind === 'group') {
    lines.push(l10n.t(
      '{0} belongs to group {1}: its tokens are the group\'s, so the tokens of every database of the group are invalidated.',
      displayName(plan.chosenInGroup), displayName(plan.target.name),
    ));
  }
  if (plan.target.kind === 'group') {
    const names = plan.databases.slice(0, MAX_NAMED).map((d) => displayName(d.name));
    const more = plan.databases.length - names.length;
    lines.push(more > 0
      ? l10n.t('Databases of the group: {0} and {1} more.', names.join(', '), more)
      : l10n.t('Databases of the group: {0}.', names.join(', ') || l10n.t('none listed')));
    lines.push(l10n.t('Every app using a token of these databases stops working at once; their connections are dropped, with a short downtime.'));
  } else {
    lines.push(l10n.t('Every app using a token of this database stops working at once.'));
  }
  lines.push(files.length
    ? l10n.t('Workspace files holding its tokens: {0}', files.join(', '))
    : l10n.t('No env file of this workspace holds its tokens.'));
  lines.push(l10n.t('New tokens have to be created for them. This cannot be undone.'));
  return { message, detail: lines.join('\n\n') };
}

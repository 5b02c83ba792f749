// How a command reads its argument: a row of the tree, the product's own options, or nothing.
// Free of `vscode`, so that the unit tests load it.
import type { OrganizationTreeNode } from '../views/organizationNodes';
import type { TreeNode } from '../views/treeModel';

/** A row of the tree: an account's, a token's, an organization's… */
export type TreeRow = TreeNode | OrganizationTreeNode;

/**
 * What the product made itself: the rows the tree handed to VS Code, and the option objects its own
 * code (and the test-only entry, src/testing/testExtension.ts) passes to a command. Any extension can
 * run `turso.*` commands with any argument: one that is not in here is treated as no argument (the
 * command asks as from the palette), so nothing is done unseen for another extension.
 */
const own = new WeakSet<object>();

/** The tree's rows, as they are handed to VS Code: the commands run on them take them as rows. */
export function ownRows<T extends object>(rows: T[]): T[] {
  for (const row of rows) {
    own.add(row);
  }
  return rows;
}

/**
 * Options of the product's own call to a command (a name and access for `turso.createToken`, a token
 * for `turso.validateToken`, …): acted on without asking. Never exported to other extensions.
 */
export function automation<T extends object>(options: T): T {
  own.add(options);
  return options;
}

function isOwn(arg: unknown): arg is object {
  return typeof arg === 'object' && arg !== null && own.has(arg);
}

function hasKind(arg: object): arg is { kind: unknown } {
  return 'kind' in arg;
}

/** The tree's row the command was run on, when it was run on one (not a look-alike). */
export function treeRow(arg: unknown): TreeRow | undefined {
  return isOwn(arg) && hasKind(arg) && isRowKind(arg.kind) ? (arg as TreeRow) : undefined;
}

const ROW_KINDS: ReadonlySet<unknown> = new Set<TreeRow['kind']>(['user', 'token', 'message', 'organizations', 'organization', 'orgToken', 'databases', 'database']);
function isRowKind(kind: unknown): kind is TreeRow['kind'] {
  return ROW_KINDS.has(kind);
}

/** The row of that kind the command was run on, if it was. */
export function rowOf<K extends TreeRow['kind']>(arg: unknown, kind: K): Extract<TreeRow, { kind: K }> | undefined {
  const row = treeRow(arg);
  return row?.kind === kind ? (row as Extract<TreeRow, { kind: K }>) : undefined;
}

/** The account of the row the command was run on (an account's, a token's, an organization's…). */
export function rowAccount(arg: unknown): string | undefined {
  return treeRow(arg)?.accountId;
}

/** The options the product's own call gave the command (never a row, never another extension's). */
export function automationOf<T extends object>(arg: unknown): Partial<T> | undefined {
  return isOwn(arg) && !(hasKind(arg) && isRowKind(arg.kind)) ? (arg as Partial<T>) : undefined;
}

/**
 * A token row as a code action builds it (`{ kind: 'token', token, accountId }`, src/workspace):
 * only for commands that always ask before they change anything (a rotation confirms its plan).
 */
export function tokenRowShape(arg: unknown): { kind: 'token'; token: { id: string; name: string }; accountId?: string } | undefined {
  if (typeof arg !== 'object' || arg === null || !hasKind(arg) || arg.kind !== 'token' || !('token' in arg)) {
    return undefined;
  }
  const { token } = arg;
  const accountId = 'accountId' in arg ? arg.accountId : undefined;
  if (typeof token !== 'object' || token === null || !('id' in token) || !('name' in token)) {
    return undefined;
  }
  if (typeof token.id !== 'string' || typeof token.name !== 'string' || (accountId !== undefined && typeof accountId !== 'string')) {
    return undefined;
  }
  return { kind: 'token', token: { id: token.id, name: token.name }, accountId };
}

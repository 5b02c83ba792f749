/**
 * The tree rows' `contextValue`s, in one place: a row's kind, then its flags, `;`-separated
 * (`turso.token;org;current`). package.json's menus show a row's actions by testing them with
 * `viewItem` in their `when` clauses; test/unit/views/contextValues.test.ts checks every such clause
 * against this module. No `vscode` import.
 */

export const ROW_KINDS = [
  'turso.user',
  'turso.token',
  'turso.orgToken',
  'turso.organizations',
  'turso.organization',
  'turso.databases',
  'turso.database',
  'turso.empty',
  'turso.error',
] as const;

export type RowKind = (typeof ROW_KINDS)[number];

/**
 * Each flag: the kinds of rows that carry it, and whether a menu's `when` clause tests it (`menus`;
 * the others are for the in-host tests and for whoever reads a row). In a contextValue, flags come
 * in this order.
 */
export const ROW_FLAGS = {
  /** The active account, when there are several. */
  active: { on: ['turso.user'], menus: false },
  /** Another signed-in account, when there are several: it can be switched to. */
  inactive: { on: ['turso.user'], menus: true },
  /** The token's scope (`tokenScopeKind`): one organization, a group, or unrestricted. */
  org: { on: ['turso.token', 'turso.orgToken'], menus: false },
  group: { on: ['turso.token', 'turso.orgToken'], menus: false },
  unrestricted: { on: ['turso.token', 'turso.orgToken'], menus: false },
  /** An organization's token that the signed-in user minted. */
  yours: { on: ['turso.orgToken'], menus: false },
  /** The token the extension itself is signed in with. */
  current: { on: ['turso.token', 'turso.orgToken'], menus: true },
  /** The token is in one of the workspace's env files (Open Where Used). */
  used: { on: ['turso.token', 'turso.orgToken'], menus: true },
  /** The token is being revoked or rotated: its actions are hidden meanwhile. */
  busy: { on: ['turso.token', 'turso.orgToken'], menus: true },
  /** The user sees only their own tokens in that organization (a member or viewer). */
  ownOnly: { on: ['turso.organization'], menus: false },
  /** The account is a viewer of the organization: it cannot mint or invalidate database tokens. */
  viewer: { on: ['turso.databases', 'turso.database'], menus: true },
  /** What went wrong is cured by signing in again. */
  signIn: { on: ['turso.error'], menus: true },
  /** What went wrong may pass: Retry. */
  retry: { on: ['turso.error'], menus: true },
  /** A setting is wrong (the API's URL): the row opens the settings. */
  settings: { on: ['turso.error'], menus: false },
} as const satisfies Record<string, { on: readonly RowKind[]; menus: boolean }>;

export type RowFlag = keyof typeof ROW_FLAGS;

/** The flags a row of kind `K` may carry. */
export type FlagOf<K extends RowKind> = { [F in RowFlag]: K extends (typeof ROW_FLAGS)[F]['on'][number] ? F : never }[RowFlag];

const FLAG_ORDER = Object.keys(ROW_FLAGS) as RowFlag[];

/** A row's contextValue: its kind, then the flags given (false and undefined left out), in ROW_FLAGS' order. */
export function contextValue<K extends RowKind>(kind: K, ...flags: (FlagOf<K> | false | undefined)[]): string {
  const given = new Set<string>(flags.filter((f): f is FlagOf<K> => typeof f === 'string'));
  return [kind, ...FLAG_ORDER.filter((f) => given.has(f))].join(';');
}

/** The contextValue of a shown row while it is being worked on (busy is the last flag in order). */
export function busyContextValue(value: string): string {
  return `${value};busy`;
}

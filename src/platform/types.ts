/** The Turso Platform API's shapes, as the extension uses them (see the OpenAPI spec under test/fixtures). */

export interface TursoUser {
  username: string;
  name?: string;
  email?: string;
  avatarUrl?: string;
  plan?: string;
}

/** Result of `GET /v1/auth/validate` for one token. */
export interface TokenValidation {
  /** Epoch seconds, or undefined when the token never expires (`exp: -1`). */
  expiresAt?: number;
}

export type TokenScopeKind = 'unrestricted' | 'org' | 'group';

export interface ApiToken {
  name: string;
  id: string;
  /** Organization slug the token is restricted to; absent for unrestricted tokens. */
  organization?: string;
  /** Group the token is pinned to (group-scoped tokens only). */
  group?: string;
  /** Expanded scopes (group-scoped tokens only). */
  scopes?: string[];
  /** `YYYY-MM-DD`; absent on older servers. */
  createdAt?: string;
}

export interface CreatedApiToken {
  name: string;
  id: string;
  /** The token's value. The API shows it exactly once. */
  token: string;
}

/** Body of a create request. Omit everything for an unrestricted (deprecated) token. */
export interface ApiTokenRestriction {
  organization?: string;
  group?: string;
  scopes?: string[];
}

/**
 * The user who minted a token, as organization token lists show it to admins and owners. The spec
 * requires none of its fields: a row may come with an owner whose username is missing.
 */
export interface TokenOwner {
  username?: string;
  email?: string;
}

/** A token of `GET /v1/organizations/{org}/api-tokens`: always scoped to that organization. */
export interface OrganizationApiToken extends ApiToken {
  organization: string;
  /** Present for admins and owners (who see every member's tokens); absent for members and viewers. */
  owner?: TokenOwner;
}

/**
 * Who minted an organization token, as its list says: the owner's username; `me` when the list gives
 * no owner (members and viewers are listed only their own tokens); '' when it gives an owner without
 * a username (unknown: never taken for `me`).
 */
export function organizationTokenOwner(token: OrganizationApiToken, me: string): string {
  return token.owner ? token.owner.username ?? '' : me;
}

/** The roles the API documents. A server may send another one: `OrganizationMember.role` stays a string. */
export const MEMBER_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface OrganizationMember {
  username: string;
  /** `owner`, `admin`, `member`, `viewer` (see `MEMBER_ROLES`), or a role this client does not know. */
  role: string;
  email?: string;
}

/** Owners and admins list and revoke every member's organization tokens; members and viewers only their own. */
export function managesAllOrganizationTokens(role: string): boolean {
  return role === 'owner' || role === 'admin';
}

/** Result of `POST /v1/auth/invalidate`. */
export interface SessionInvalidation {
  /** Epoch seconds: login sessions started before it no longer work. Absent if the server did not say. */
  validFrom?: number;
}

export interface Organization {
  name: string;
  slug: string;
  type?: 'personal' | 'team' | string;
}

export interface Group {
  name: string;
  uuid?: string;
  locations?: string[];
  primary?: string;
}

export function tokenScopeKind(token: Pick<ApiToken, 'organization' | 'group'>): TokenScopeKind {
  if (token.group) {
    return 'group';
  }
  return token.organization ? 'org' : 'unrestricted';
}

/** The CLI's SCOPE column: `all`, `<org>` or `<org>/<group>`. */
export function tokenScopeLabel(token: Pick<ApiToken, 'organization' | 'group'>): string {
  if (!token.organization) {
    return 'all';
  }
  return token.group ? `${token.organization}/${token.group}` : token.organization;
}

export const ALL_SCOPES = [
  'read',
  'db:create',
  'db:delete',
  'db:configure',
  'db:mint-token',
  'db:rotate-creds',
  'group:configure',
  'group:mint-token',
  'group:rotate-creds',
] as const;

/** The CLI's PERMISSIONS column: `—`, `read-only`, `full-access`, or the sorted list. */
export function tokenPermissionsLabel(token: Pick<ApiToken, 'scopes'>): string {
  const scopes = token.scopes ?? [];
  if (scopes.length === 0) {
    return '—';
  }
  const set = new Set(scopes);
  if (set.size === 1 && set.has('read')) {
    return 'read-only';
  }
  if (ALL_SCOPES.every((s) => set.has(s))) {
    return 'full-access';
  }
  return [...set].sort().join(', ');
}

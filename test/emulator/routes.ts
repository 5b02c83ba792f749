// The emulator's route table. `documented: true` routes use the OpenAPI spec's own path template
// (parameter names included), so test/unit/emulator can check each one exists in the spec.

export type RouteId =
  | 'user'
  | 'current-user'
  | 'validate'
  | 'list-tokens'
  | 'create-token-v1'
  | 'create-token-v2'
  | 'revoke-token'
  | 'invalidate'
  | 'list-orgs-v1'
  | 'list-orgs-v2'
  | 'list-groups'
  | 'list-org-tokens'
  | 'revoke-org-token'
  | 'get-member'
  | 'list-databases'
  | 'create-database-token'
  | 'create-group-token'
  | 'rotate-database-key'
  | 'rotate-group-key'
  | 'login-page'
  | 'signup-page'
  | 'login-authorize'
  | 'signup-authorize'
  | 'avatar';

export interface RouteDef {
  id: RouteId;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path template; `{name}` matches one non-empty raw segment, percent-decoded into params. */
  path: string;
  /** In the OpenAPI spec at exactly this path and method. */
  documented: boolean;
  /** Needs a bearer token. */
  auth: boolean;
  /** Part of the Platform API (/v1, /v2): faults without a `path` apply to these. Pages (browser login, avatars) are not. */
  api: boolean;
}

function api(id: RouteId, method: RouteDef['method'], path: string, documented: boolean): RouteDef {
  return { id, method, path, documented, auth: true, api: true };
}

export const ROUTES: readonly RouteDef[] = [
  api('user', 'GET', '/v1/user', true),
  api('current-user', 'GET', '/v1/current-user', false), // used by the CLI, not in the spec (turso-api.md §2.1)
  api('validate', 'GET', '/v1/auth/validate', true),
  api('list-tokens', 'GET', '/v1/auth/api-tokens', true),
  api('create-token-v1', 'POST', '/v1/auth/api-tokens/{tokenName}', true),
  api('revoke-token', 'DELETE', '/v1/auth/api-tokens/{tokenName}', true),
  api('create-token-v2', 'POST', '/v2/auth/api-tokens/{tokenName}', false), // CLI's variant (§2.4)
  api('invalidate', 'POST', '/v1/auth/invalidate', false), // `turso auth logout --all` (§2.8)
  api('list-orgs-v1', 'GET', '/v1/organizations', true),
  api('list-orgs-v2', 'GET', '/v2/organizations', false), // CLI's variant (§2.8)
  api('list-groups', 'GET', '/v1/organizations/{organizationSlug}/groups', true),
  api('list-org-tokens', 'GET', '/v1/organizations/{organizationSlug}/api-tokens', true),
  api('revoke-org-token', 'DELETE', '/v1/organizations/{organizationSlug}/api-tokens/{tokenId}', true),
  api('get-member', 'GET', '/v1/organizations/{organizationSlug}/members/{username}', true),
  api('list-databases', 'GET', '/v1/organizations/{organizationSlug}/databases', true),
  api('create-database-token', 'POST', '/v1/organizations/{organizationSlug}/databases/{databaseName}/auth/tokens', true),
  api('create-group-token', 'POST', '/v1/organizations/{organizationSlug}/groups/{groupName}/auth/tokens', true),
  api('rotate-database-key', 'POST', '/v1/organizations/{organizationSlug}/databases/{databaseName}/auth/rotate', true),
  api('rotate-group-key', 'POST', '/v1/organizations/{organizationSlug}/groups/{groupName}/auth/rotate', true),
  // The browser sign-in pages of the CLI login flow (§4.3): `<base>?port=&redirect=true&state=&type=cli`
  // shows an Authorize button; its form (POST, same path) redirects back to the CLI's local listener.
  { id: 'login-page', method: 'GET', path: '/', documented: false, auth: false, api: false },
  { id: 'signup-page', method: 'GET', path: '/signup', documented: false, auth: false, api: false },
  { id: 'login-authorize', method: 'POST', path: '/', documented: false, auth: false, api: false },
  { id: 'signup-authorize', method: 'POST', path: '/signup', documented: false, auth: false, api: false },
  { id: 'avatar', method: 'GET', path: '/avatars/{file}', documented: false, auth: false, api: false },
];

export type RouteMatch =
  | { kind: 'found'; route: RouteDef; params: Record<string, string>; /** params whose percent-encoding is broken */ undecodable: string[] }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

function segments(path: string): string[] {
  return path === '/' ? [''] : path.split('/').slice(1);
}

export function isRouteId(id: unknown): id is RouteId {
  return typeof id === 'string' && ROUTES.some((r) => r.id === id);
}

/**
 * Matches a raw (still percent-encoded) path, without query, against the table. Routes in `disabled`
 * are left out, as on a server that does not have them.
 */
export function matchRoute(method: string, rawPath: string, disabled: ReadonlySet<RouteId> = new Set()): RouteMatch {
  const got = segments(rawPath);
  const allow: string[] = [];
  for (const route of ROUTES) {
    if (disabled.has(route.id)) continue;
    const want = segments(route.path);
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    const undecodable: string[] = [];
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i];
      const g = got[i];
      const p = /^\{(\w+)\}$/.exec(w);
      if (p) {
        if (!g) ok = false;
        else {
          try {
            params[p[1]] = decodeURIComponent(g);
          } catch {
            params[p[1]] = g;
            undecodable.push(p[1]);
          }
        }
      } else if (w !== g) ok = false;
    }
    if (!ok) continue;
    if (route.method === method.toUpperCase()) return { kind: 'found', route, params, undecodable };
    allow.push(route.method);
  }
  return allow.length ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}

// Request handlers of the emulated Turso Platform API (turso-api.md §2 and §8; OpenAPI spec).
import { RouteDef } from './routes';
import { ApiTokenRecord, Org, PRESETS, Principal, SCOPES, Store, todayUtc, User } from './store';
import { newTokenId } from './jwt';
import { databaseTokenWrongShape, listDatabases, mintDatabaseToken, rotateDatabaseKey } from './databases';
import {
  ApiRequest, ApiResponse, err, isGroupScoped, isResponse, ok, orgAccess, restrictedOrg, restrictedTo,
} from './respond';

export type { ApiRequest, ApiResponse } from './respond';

const TOKEN_NAME_MAX = 32;

/** The CLI's historical client-side rule (turso-api.md §2.4), with its messages. */
export function checkTokenName(name: string): string | undefined {
  if (name.length < 1 || name.length > TOKEN_NAME_MAX) return `name must be between 1 and ${TOKEN_NAME_MAX} characters long`;
  if (!/^[a-z0-9-]+$/.test(name)) return 'name can only contain lowercase letters, numbers, and hyphens';
  if (name.startsWith('-') || name.endsWith('-')) return 'name cannot start or end with a hyphen';
  return undefined;
}

function userBody(u: User, baseUrl: string): unknown {
  return {
    user: {
      username: u.username,
      name: u.name,
      email: u.email,
      avatarUrl: `${baseUrl}/avatars/${u.username}.svg`,
      plan: u.plan,
      mfa: u.mfa,
      has_pending_invites: u.has_pending_invites,
    },
  };
}

function orgBody(o: Org): unknown {
  return {
    name: o.name,
    slug: o.slug,
    type: o.type,
    overages: o.overages,
    require_mfa: o.require_mfa,
    blocked_reads: o.blocked_reads,
    blocked_writes: o.blocked_writes,
    plan_id: o.plan_id,
    plan_timeline: o.plan_timeline,
    platform: o.platform,
  };
}

function tokenBody(t: ApiTokenRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.name, id: t.id };
  if (t.organization !== undefined) out.organization = t.organization;
  if (t.group !== undefined) out.group = t.group;
  if (t.scopes !== undefined) out.scopes = [...t.scopes];
  out.created_at = t.created_at;
  return out;
}

const GROUP_TOKEN_CANNOT_MANAGE = 'group-scoped tokens cannot manage API tokens';

interface MintInput {
  organization?: string;
  group?: string;
  scopes?: string[];
}

function parseMintBody(text: string): MintInput | ApiResponse {
  if (!text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return err(400, 'invalid request body: not valid JSON');
  }
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return err(400, 'invalid request body: expected a JSON object');
  const b = body as Record<string, unknown>;
  const out: MintInput = {};
  for (const key of ['organization', 'group'] as const) {
    const v = b[key];
    if (v === undefined || v === null || v === '') continue; // Go zero value: same as absent
    if (typeof v !== 'string') return err(400, `invalid request body: ${key} must be a string`);
    out[key] = v;
  }
  const scopes = b.scopes;
  if (scopes !== undefined && scopes !== null) {
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
      return err(400, 'invalid request body: scopes must be an array of strings');
    }
    if (scopes.length) out.scopes = scopes as string[];
  }
  return out;
}

/** Presets expanded, duplicates dropped, in the spec's order; or the first unknown label. */
function expandScopes(labels: string[]): { scopes: string[] } | { unknown: string } {
  const set = new Set<string>();
  for (const label of labels) {
    const preset = PRESETS[label];
    if (preset) preset.forEach((s) => set.add(s));
    else if ((SCOPES as readonly string[]).includes(label)) set.add(label);
    else return { unknown: label };
  }
  return { scopes: SCOPES.filter((s) => set.has(s)) };
}

function mint(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  if (req.undecodable.includes('tokenName')) return err(400, 'invalid token name: malformed percent-encoding');
  const name = req.params.tokenName;
  const nameError = checkTokenName(name);
  if (nameError) return err(400, nameError);
  const input = parseMintBody(req.body);
  if (isResponse(input)) return input;
  if (input.scopes && !input.group) return err(400, 'scopes can only be set on group-scoped tokens: set group and organization too');
  if (input.group && !input.organization) return err(400, 'group requires organization');
  if (input.group && !input.scopes) return err(400, 'a group-scoped token requires at least one scope');
  let scopes: string[] | undefined;
  if (input.scopes) {
    const ex = expandScopes(input.scopes);
    if ('unknown' in ex) {
      return err(400, `unknown scope "${ex.unknown}". Allowed: ${[...SCOPES, ...Object.keys(PRESETS)].join(', ')}`);
    }
    scopes = ex.scopes;
  }
  if (isGroupScoped(p)) return err(403, GROUP_TOKEN_CANNOT_MANAGE);
  const only = restrictedOrg(p);
  if (only !== undefined && input.organization !== only) return restrictedTo(only);
  let groupUuid: string | undefined;
  if (input.organization) {
    const m = store.membership(p.user.username, input.organization);
    if (!m) return err(404, `organization "${input.organization}" not found`);
    if (input.group) {
      if (m.role !== 'owner' && m.role !== 'admin') {
        return err(403, `only owners and admins of organization "${input.organization}" can mint group-scoped tokens`);
      }
      const g = m.org.groups.find((x) => x.name === input.group);
      if (!g) return err(404, `group "${input.group}" not found in organization "${input.organization}"`);
      groupUuid = g.uuid;
    }
  }
  for (const t of store.tokens.values()) {
    if (t.owner === p.user.username && t.name === name) return err(409, `an API token named "${name}" already exists`);
  }
  const rec: ApiTokenRecord = { id: newTokenId(), name, owner: p.user.username, created_at: todayUtc(req.now) };
  if (input.organization) rec.organization = input.organization;
  if (input.group) {
    rec.group = input.group;
    rec.groupUuid = groupUuid;
    rec.scopes = scopes;
  }
  store.tokens.set(rec.id, rec);
  const value = store.tokenValue(rec);
  return req.route.id === 'create-token-v2'
    ? ok({ token: { name: rec.name, id: rec.id, value } })
    : ok({ name: rec.name, id: rec.id, token: value });
}

function revokeByName(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const name = req.params.tokenName;
  if (isGroupScoped(p)) return err(403, GROUP_TOKEN_CANNOT_MANAGE);
  const t = req.undecodable.includes('tokenName')
    ? undefined
    : [...store.tokens.values()].find((x) => x.owner === p.user.username && x.name === name);
  if (!t) return err(404, `API token "${name}" not found`);
  const only = restrictedOrg(p);
  if (only !== undefined && t.organization !== only) return restrictedTo(only);
  store.tokens.delete(t.id);
  store.revoked.add(t.id);
  return ok({ token: t.name });
}

function listTokens(store: Store, p: Principal): ApiResponse {
  if (isGroupScoped(p)) return err(403, GROUP_TOKEN_CANNOT_MANAGE);
  const only = restrictedOrg(p);
  const tokens = [...store.tokens.values()]
    .filter((t) => t.owner === p.user.username && (only === undefined || t.organization === only))
    .map(tokenBody);
  return ok({ tokens });
}

function visibleOrgs(store: Store, p: Principal): unknown[] {
  const only = restrictedOrg(p);
  return store.orgsOf(p.user.username).filter((o) => only === undefined || o.slug === only).map(orgBody);
}

function listGroups(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  if (p.kind === 'api' && p.token.group !== undefined) {
    if (!p.token.scopes?.includes('read')) return err(403, 'this token does not have the "read" scope');
    return ok({ groups: a.org.groups.filter((g) => g.uuid === p.token.groupUuid).map((g) => ({ ...g, locations: [...g.locations] })) });
  }
  return ok({ groups: a.org.groups.map((g) => ({ ...g, locations: [...g.locations] })) });
}

function listOrgTokens(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  if (isGroupScoped(p)) return err(403, GROUP_TOKEN_CANNOT_MANAGE);
  const admin = a.role === 'owner' || a.role === 'admin';
  const tokens = [...store.tokens.values()]
    .filter((t) => t.organization === a.org.slug && (admin || t.owner === p.user.username))
    .map((t) => {
      const out = tokenBody(t);
      const created = out.created_at;
      delete out.created_at;
      if (admin) {
        const owner = store.users[t.owner];
        out.owner = { username: t.owner, email: owner ? owner.email : '' };
      }
      out.created_at = created;
      return out;
    });
  return ok({ tokens });
}

function revokeOrgToken(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  if (isGroupScoped(p)) return err(403, GROUP_TOKEN_CANNOT_MANAGE);
  const t = store.tokens.get(req.params.tokenId);
  // Unrestricted tokens and other orgs' tokens are unreachable here: 404, not 403 (spec).
  if (!t || t.organization !== a.org.slug) return err(404, 'API token not found');
  const admin = a.role === 'owner' || a.role === 'admin';
  if (!admin && t.owner !== p.user.username) return err(403, 'you can only revoke API tokens you minted');
  store.tokens.delete(t.id);
  store.revoked.add(t.id);
  return ok({ token: t.id });
}

function invalidate(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const only = restrictedOrg(p);
  if (only !== undefined) return restrictedTo(only);
  store.invalidateSessions(p.user.username);
  return ok({ validFrom: Math.floor(req.now / 1000) });
}

/** `GET /v1/organizations/{org}/members/{username}`: any member of the org may look up any member's role. */
function getMember(store: Store, req: ApiRequest, p: Principal): ApiResponse {
  const a = orgAccess(store, p, req.params.organizationSlug);
  if (isResponse(a)) return a;
  if (p.kind === 'api' && p.token.group !== undefined && !p.token.scopes?.includes('read')) {
    return err(403, 'this token does not have the "read" scope');
  }
  const username = req.params.username;
  const m = req.undecodable.includes('username') ? undefined : store.membership(username, a.org.slug);
  const user = m ? store.users[username] : undefined;
  if (!m || !user) return err(404, 'could not find member');
  return ok({ member: { username: user.username, role: m.role, email: user.email } });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(title: string, inner: string): ApiResponse {
  const text = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${inner}</body></html>\n`;
  return { status: 200, raw: { contentType: 'text/html; charset=utf-8', text } };
}

/** A valid callback port from the query or form, or undefined. */
function callbackPort(text: string | null): number | undefined {
  const port = Number(text ?? '');
  return /^\d+$/.test(text ?? '') && port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * The browser side of `turso auth login|signup` (turso-api.md §4.3), step 1: with `redirect=true`, a
 * page asking to authorize the CLI (or VS Code) on this computer, with an **Authorize** button. Its
 * form posts the same parameters back to the same path (step 2, `authorize`). Signs in as `store.browserUser`
 * (demo unless a test chose another user).
 */
function loginPage(store: Store, req: ApiRequest): ApiResponse {
  const redirect = req.query.get('redirect');
  if (redirect === 'true') {
    const port = callbackPort(req.query.get('port'));
    if (port === undefined) return err(400, 'invalid or missing port');
    const user = store.users[store.browserUser];
    // Relative, so the form still works when the page is reached through a proxy path
    // (code-server serves a localhost URL opened from a remote window as /proxy/<port>/…).
    const action = req.route.id === 'signup-page' ? 'signup' : './';
    const hidden = (name: string, value: string): string => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    return html('Turso API emulator: authorize sign-in', `<main><h1>Authorize sign-in</h1>`
      + `<p>An application on this computer (listening on port <code>${port}</code>) asks to sign in to the Turso API emulator as `
      + `<strong id="user">${escapeHtml(user.username)}</strong> (${escapeHtml(user.name)}, ${escapeHtml(user.email)}).</p>`
      + `<form id="authorize" method="post" action="${action}">`
      + hidden('port', String(port)) + hidden('redirect', 'true') + hidden('state', req.query.get('state') ?? '')
      + hidden('type', req.query.get('type') ?? 'cli')
      + '<button type="submit" id="authorize-button">Authorize</button></form></main>');
  }
  if (redirect === 'false') {
    const jwt = store.mintLoginToken({ username: store.browserUser }, req.now);
    store.toBrowser.push(jwt);
    return html('Turso API emulator: signed in', `<h1>Signed in as ${escapeHtml(store.browserUser)}</h1><p>Your access token:</p>`
      + `<pre id="token">${escapeHtml(jwt)}</pre><p>Run:</p><pre>turso config set token "${escapeHtml(jwt)}"</pre>`);
  }
  return html('Turso API emulator', '<h1>Turso API emulator</h1><p>A local fake of the Turso Platform API for development and tests. '
    + 'Sign-in pages: <code>/?port=&lt;port&gt;&amp;redirect=true&amp;state=&lt;state&gt;&amp;type=cli</code> or '
    + '<code>/?redirect=false</code>.</p>');
}

/**
 * Step 2, the Authorize button: a fresh 7-day login token for `store.browserUser`, and a 302 back to the
 * local listener, `http://localhost:<port>/?jwt=<token>&state=<state>`. The form's fields come as
 * `application/x-www-form-urlencoded`; the query is used where the body lacks them.
 */
function authorize(store: Store, req: ApiRequest): ApiResponse {
  const form = new URLSearchParams(req.body);
  const field = (name: string): string | null => form.get(name) ?? req.query.get(name);
  const port = callbackPort(field('port'));
  if (port === undefined) return err(400, 'invalid or missing port');
  const jwt = store.mintLoginToken({ username: store.browserUser }, req.now);
  store.toBrowser.push(jwt);
  const q = new URLSearchParams({ jwt, state: field('state') ?? '' });
  return {
    status: 302,
    headers: { Location: `http://localhost:${port}/?${q.toString()}`, 'Cache-Control': 'no-store' },
    raw: { contentType: 'text/html; charset=utf-8', text: '' },
  };
}

function avatar(store: Store, req: ApiRequest): ApiResponse {
  const m = /^([a-z0-9-]+)\.svg$/.exec(req.params.file);
  const u = m ? store.users[m[1]] : undefined;
  if (!u) return err(404, 'not found');
  const letter = escapeHtml(u.name.charAt(0).toUpperCase());
  const text = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    + '<circle cx="32" cy="32" r="32" fill="#4ff8d2"/><text x="32" y="42" font-size="28" font-family="sans-serif" '
    + `text-anchor="middle" fill="#111">${letter}</text></svg>\n`;
  return { status: 200, raw: { contentType: 'image/svg+xml', text } };
}

/** Answers one routed request. Authentication has already been resolved into `req.auth` for `auth` routes. */
export function handle(store: Store, req: ApiRequest): ApiResponse {
  const { route } = req;
  if (route.id === 'login-page' || route.id === 'signup-page') return loginPage(store, req);
  if (route.id === 'login-authorize' || route.id === 'signup-authorize') return authorize(store, req);
  if (route.id === 'avatar') return avatar(store, req);
  const auth = req.auth;
  if (!auth) return err(401, 'missing bearer token in Authorization header');
  if (!auth.ok) return err(auth.status, auth.error);
  const p = auth.principal;
  switch (route.id) {
    case 'user':
    case 'current-user':
      return ok(userBody(p.user, req.baseUrl));
    case 'validate':
      return ok({ exp: p.kind === 'api' ? -1 : p.session.exp });
    case 'list-tokens':
      return listTokens(store, p);
    case 'create-token-v1':
    case 'create-token-v2':
      return mint(store, req, p);
    case 'revoke-token':
      return revokeByName(store, req, p);
    case 'invalidate':
      return invalidate(store, req, p);
    case 'list-orgs-v1':
      return ok(visibleOrgs(store, p));
    case 'list-orgs-v2':
      return ok({ organizations: visibleOrgs(store, p) });
    case 'list-groups':
      return listGroups(store, req, p);
    case 'list-org-tokens':
      return listOrgTokens(store, req, p);
    case 'revoke-org-token':
      return revokeOrgToken(store, req, p);
    case 'get-member':
      return getMember(store, req, p);
    case 'list-databases':
      return listDatabases(store, req, p);
    case 'create-database-token':
    case 'create-group-token':
      return mintDatabaseToken(store, req, p);
    case 'rotate-database-key':
    case 'rotate-group-key':
      return rotateDatabaseKey(store, req, p);
  }
}

/** A valid-JSON body of the wrong shape for the route (fault kind 'wrong-shape'). */
export function wrongShapeBody(route: RouteDef | undefined): unknown {
  switch (route?.id) {
    case 'user':
    case 'current-user':
      return { user: 42 };
    case 'validate':
      return { exp: 'never' };
    case 'list-tokens':
    case 'list-org-tokens':
      return { tokens: 'nope' };
    case 'create-token-v1':
      return { name: ['nope'], id: 42, token: false };
    case 'create-token-v2':
      return { token: 'nope' };
    case 'revoke-token':
    case 'revoke-org-token':
      return { token: 42 };
    case 'list-orgs-v1':
      return { organizations: 'nope' };
    case 'list-orgs-v2':
      return { organizations: 'nope' };
    case 'list-groups':
      return { groups: 'nope' };
    case 'invalidate':
      return { validFrom: 'yesterday' };
    case 'get-member':
      return { member: { username: 42, role: ['owner'] } };
    case 'list-databases':
    case 'create-database-token':
    case 'create-group-token':
    case 'rotate-database-key':
    case 'rotate-group-key':
      return databaseTokenWrongShape(route.id);
    default:
      return { tokens: 'nope', user: 42 };
  }
}

/**
 * Checks the shape of the API's JSON before anything else uses it. A missing optional field is fine
 * (older servers omit `created_at`, `organization`, …); a wrong type is a `ShapeError`.
 */
import type {
  ApiToken, CreatedApiToken, Group, Organization, OrganizationApiToken, OrganizationMember, SessionInvalidation, TokenValidation, TursoUser,
} from './types';
import type { Database } from './databases';

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, where: string): Json {
  if (!isObject(value)) {
    throw new ShapeError(`${where} is not an object`);
  }
  return value;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new ShapeError(`${where} is not a list`);
  }
  return value;
}

function requiredString(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ShapeError(`${where}.${key} is missing or not text`);
  }
  return value;
}

function optionalString(obj: Json, key: string, where: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new ShapeError(`${where}.${key} is not text`);
  }
  return value;
}

function optionalStringArray(obj: Json, key: string, where: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  return array(value, `${where}.${key}`).map((item, i) => {
    if (typeof item !== 'string') {
      throw new ShapeError(`${where}.${key}[${i}] is not text`);
    }
    return item;
  });
}

export function parseUser(body: unknown): TursoUser {
  const user = object(object(body, 'response').user, 'user');
  return {
    username: requiredString(user, 'username', 'user'),
    name: optionalString(user, 'name', 'user'),
    email: optionalString(user, 'email', 'user'),
    avatarUrl: optionalString(user, 'avatarUrl', 'user'),
    plan: optionalString(user, 'plan', 'user'),
  };
}

export function parseValidation(body: unknown): TokenValidation {
  const exp = object(body, 'response').exp;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) {
    throw new ShapeError('exp is missing or not a whole number');
  }
  return exp < 0 ? {} : { expiresAt: exp };
}

function parseToken(value: unknown, where: string): ApiToken {
  const obj = object(value, where);
  const token: ApiToken = {
    name: requiredString(obj, 'name', where),
    id: requiredString(obj, 'id', where),
  };
  const organization = optionalString(obj, 'organization', where);
  const group = optionalString(obj, 'group', where);
  const scopes = optionalStringArray(obj, 'scopes', where);
  const createdAt = optionalString(obj, 'created_at', where);
  if (organization !== undefined) token.organization = organization;
  if (group !== undefined) token.group = group;
  if (scopes !== undefined) token.scopes = scopes;
  if (createdAt !== undefined) token.createdAt = createdAt;
  return token;
}

export function parseTokenList(body: unknown): ApiToken[] {
  const tokens = object(body, 'response').tokens;
  // Older servers answered `{"tokens": null}` for a user without tokens.
  if (tokens === null || tokens === undefined) {
    return [];
  }
  return array(tokens, 'tokens').map((t, i) => parseToken(t, `tokens[${i}]`));
}

/** Accepts the documented v1 flat shape and the CLI's v2 nested `{token: {name, id, value}}`. */
export function parseCreatedToken(body: unknown): CreatedApiToken {
  const obj = object(body, 'response');
  if (isObject(obj.token)) {
    const nested = obj.token;
    return {
      name: requiredString(nested, 'name', 'token'),
      id: requiredString(nested, 'id', 'token'),
      token: requiredString(nested, 'value', 'token'),
    };
  }
  return {
    name: requiredString(obj, 'name', 'response'),
    id: requiredString(obj, 'id', 'response'),
    token: requiredString(obj, 'token', 'response'),
  };
}

/**
 * The answer to a revoke: `{"token": "<name>"}` (an empty body is accepted too). Anything else is not
 * proof that the token was revoked: a proxy or captive portal answering 200 must not read as success.
 */
export function parseRevoked(body: unknown): void {
  if (body === undefined) {
    return;
  }
  optionalString(object(body, 'response'), 'token', 'response');
}

/**
 * `GET /v1/organizations/{org}/api-tokens`: `{"tokens": [...]}` (null or absent: none). Every token
 * must belong to `organization` (the spec: "always equal to the path parameter"); a token said to be
 * elsewhere is a bad response, not something to show or revoke under this organization.
 */
export function parseOrganizationTokenList(body: unknown, organization: string): OrganizationApiToken[] {
  const tokens = object(body, 'response').tokens;
  if (tokens === null || tokens === undefined) {
    return [];
  }
  return array(tokens, 'tokens').map((value, i) => {
    const where = `tokens[${i}]`;
    const token = parseToken(value, where);
    if (token.organization !== undefined && token.organization !== organization) {
      throw new ShapeError(`${where}.organization is not the organization asked for`);
    }
    const out: OrganizationApiToken = { ...token, organization };
    const owner = object(value, where).owner;
    if (owner !== undefined && owner !== null) {
      // No field of the owner is required: one without a username is shown without a name.
      const o = object(owner, `${where}.owner`);
      out.owner = {};
      const username = optionalString(o, 'username', `${where}.owner`);
      if (username !== undefined) out.owner.username = username;
      const email = optionalString(o, 'email', `${where}.owner`);
      if (email !== undefined) out.owner.email = email;
    }
    return out;
  });
}

/** `GET /v1/organizations/{org}/members/{username}`: `{"member": {username, role, email?}}`. */
export function parseMember(body: unknown): OrganizationMember {
  const member = object(object(body, 'response').member, 'member');
  const out: OrganizationMember = {
    username: requiredString(member, 'username', 'member'),
    role: requiredString(member, 'role', 'member'),
  };
  const email = optionalString(member, 'email', 'member');
  if (email !== undefined) out.email = email;
  return out;
}

/**
 * The answer to a revoke by id: `{"token": "<id>"}` (or `{}` / an empty body). A different id is not
 * proof that this token was revoked.
 */
export function parseRevokedId(body: unknown, id: string): void {
  if (body === undefined) {
    return;
  }
  const revoked = optionalString(object(body, 'response'), 'token', 'response');
  if (revoked !== undefined && revoked !== id) {
    throw new ShapeError('response.token is not the id of the token asked for');
  }
}

/** `POST /v1/auth/invalidate`: `{"validFrom": <epoch s>}` (the CLI's Go client matches the key in any case). */
export function parseInvalidation(body: unknown): SessionInvalidation {
  if (body === undefined) {
    return {};
  }
  const obj = object(body, 'response');
  const key = Object.keys(obj).find((k) => k.toLowerCase() === 'validfrom');
  const value = key === undefined ? undefined : obj[key];
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ShapeError('validFrom is not a whole number');
  }
  return { validFrom: value };
}

export function parseOrganizations(body: unknown): Organization[] {
  // Documented: a bare array. The v2 endpoint (and some clients) use {"organizations": [...]}.
  const list = Array.isArray(body) ? body : array(object(body, 'response').organizations, 'organizations');
  return list.map((value, i) => {
    const where = `organizations[${i}]`;
    const obj = object(value, where);
    const slug = requiredString(obj, 'slug', where);
    return {
      slug,
      name: optionalString(obj, 'name', where) ?? slug,
      type: optionalString(obj, 'type', where),
    };
  });
}

export function parseGroups(body: unknown): Group[] {
  const groups = object(body, 'response').groups;
  if (groups === null || groups === undefined) {
    return [];
  }
  return array(groups, 'groups').map((value, i) => {
    const where = `groups[${i}]`;
    const obj = object(value, where);
    const group: Group = { name: requiredString(obj, 'name', where) };
    const uuid = optionalString(obj, 'uuid', where);
    const primary = optionalString(obj, 'primary', where);
    const locations = optionalStringArray(obj, 'locations', where);
    if (uuid !== undefined) group.uuid = uuid;
    if (primary !== undefined) group.primary = primary;
    if (locations !== undefined) group.locations = locations;
    return group;
  });
}

/** `{databases: [{Name, DbId, Hostname, group, primaryRegion, …}]}`. */
export function parseDatabases(body: unknown): Database[] {
  const databases = object(body, 'response').databases;
  if (databases === null || databases === undefined) {
    return [];
  }
  return array(databases, 'databases').map((value, i) => {
    const where = `databases[${i}]`;
    const obj = object(value, where);
    const database: Database = {
      name: requiredString(obj, 'Name', where),
      id: requiredString(obj, 'DbId', where),
      hostname: requiredString(obj, 'Hostname', where),
    };
    const group = optionalString(obj, 'group', where);
    const primaryRegion = optionalString(obj, 'primaryRegion', where);
    if (group !== undefined) database.group = group;
    if (primaryRegion !== undefined) database.primaryRegion = primaryRegion;
    return database;
  });
}

/** `{jwt}`: a database or group token. */
export function parseDatabaseJwt(body: unknown): string {
  return requiredString(object(body, 'response'), 'jwt', 'response');
}

/** The answer to `…/auth/rotate`: no content, or any JSON object. */
export function parseRotated(body: unknown): void {
  if (body !== undefined && !isObject(body)) {
    throw new ShapeError('response is not an object');
  }
}

/**
 * Checks the shape of the API's JSON before anything else uses it. A missing optional field is fine
 * (older servers omit `created_at`, `organization`, …); a wrong type is a `ShapeError`.
 */
import type { ApiToken, CreatedApiToken, Group, Organization, TokenValidation, TursoUser } from './types';

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

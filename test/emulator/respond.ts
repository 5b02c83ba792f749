// What a handler of the emulated API receives and answers, and the checks several route families share.
import { RouteDef } from './routes';
import { AuthResult, Org, Principal, Role, Store } from './store';

export interface ApiRequest {
  route: RouteDef;
  params: Record<string, string>;
  undecodable: string[];
  query: URLSearchParams;
  /** Raw request body text ('' when none). */
  body: string;
  /** Base URL of the emulator, no trailing slash. */
  baseUrl: string;
  auth: AuthResult | undefined;
  now: number;
}

export interface ApiResponse {
  status: number;
  /** JSON body; ignored when `raw` is set. */
  body?: unknown;
  raw?: { contentType: string; text: string };
  headers?: Record<string, string>;
}

export function err(status: number, error: string): ApiResponse {
  return { status, body: { error } };
}

export function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

/** The org an API token is restricted to (org- and group-scoped tokens), if any. */
export function restrictedOrg(p: Principal): string | undefined {
  return p.kind === 'api' ? p.token.organization : undefined;
}

export function isGroupScoped(p: Principal): boolean {
  return p.kind === 'api' && p.token.group !== undefined;
}

export function restrictedTo(org: string): ApiResponse {
  return err(403, `this token is restricted to organization "${org}"`);
}

/** Organization-route preamble: membership (404, not leaking other orgs), then the token's own restriction (403). */
export function orgAccess(store: Store, p: Principal, slug: string): { org: Org; role: Role } | ApiResponse {
  const m = store.membership(p.user.username, slug);
  if (!m) return err(404, 'organization not found');
  const only = restrictedOrg(p);
  if (only !== undefined && only !== slug) return restrictedTo(only);
  return m;
}

export function isResponse(x: unknown): x is ApiResponse {
  return typeof x === 'object' && x !== null && 'status' in x;
}


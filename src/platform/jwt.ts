/**
 * Best-effort reading of a Turso JWT's payload, without verifying it. Used only to recognise which
 * listed API token is the signed-in credential (its `jti` is the token's id) and to spot a value that
 * is not a JWT at all before sending it anywhere. The API stays the authority on validity and expiry.
 */

export interface JwtClaims {
  jti?: string;
  exp?: number;
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value.trim());
}

export function readJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) {
      return undefined;
    }
    const { jti, exp } = payload as Record<string, unknown>;
    return {
      jti: typeof jti === 'string' ? jti : undefined,
      exp: typeof exp === 'number' ? exp : undefined,
    };
  } catch {
    return undefined;
  }
}

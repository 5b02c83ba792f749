// EdDSA (Ed25519) JWTs shaped like the Turso Platform API's tokens (turso-api.md §6):
// header {"alg":"EdDSA","typ":"JWT"}, payload {"jti": <22-char unpadded base64url of a UUIDv1>}.
// Login tokens also carry `username` and `exp`.
import * as crypto from 'node:crypto';

export interface JwtClaims {
  jti: string;
  username?: string;
  exp?: number;
}

export type JwtCheck =
  | { ok: true; claims: JwtClaims }
  | { ok: false; error: string };

const HEADER = { alg: 'EdDSA', typ: 'JWT' };

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function decodeSegment(seg: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(seg)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
}

/** A 16-byte UUIDv1 (time-based, random clock sequence and multicast node), as 22 chars of unpadded base64url. */
let lastTicks = 0n;
export function newTokenId(): string {
  // 100 ns ticks since 1582-10-15, the UUID epoch.
  let ticks = BigInt(Date.now()) * 10000n + 0x01b21dd213814000n;
  if (ticks <= lastTicks) ticks = lastTicks + 1n;
  lastTicks = ticks;
  const timeLow = Number(ticks & 0xffffffffn);
  const timeMid = Number((ticks >> 32n) & 0xffffn);
  const timeHi = Number((ticks >> 48n) & 0x0fffn) | 0x1000; // version 1
  const b = Buffer.alloc(16);
  b.writeUInt32BE(timeLow, 0);
  b.writeUInt16BE(timeMid, 4);
  b.writeUInt16BE(timeHi, 6);
  const rnd = crypto.randomBytes(8);
  b[8] = (rnd[0] & 0x3f) | 0x80; // RFC 4122 variant
  b[9] = rnd[1];
  rnd.copy(b, 10, 2, 8);
  b[10] |= 0x01; // random node id: multicast bit set
  return b64url(b);
}

/** True when `id` is 22 chars of base64url decoding to 16 bytes. */
export function isTokenId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').length === 16;
}

export class JwtSigner {
  private readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;

  /** `onIssue`: told every value signed (the leak searches of the e2e suite look for each of them). */
  constructor(private readonly onIssue?: (value: string) => void) {
    const pair = crypto.generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  sign(claims: JwtClaims): string {
    return this.signPayload(claims);
  }

  /** Any JSON payload (database and group tokens carry no `jti`). */
  signPayload(payload: object): string {
    const head = b64url(Buffer.from(JSON.stringify(HEADER)));
    const body = b64url(Buffer.from(JSON.stringify(payload)));
    const sig = crypto.sign(null, Buffer.from(`${head}.${body}`), this.privateKey);
    const value = `${head}.${body}.${b64url(sig)}`;
    this.onIssue?.(value);
    return value;
  }

  /** Structural and signature checks, in the order a real server would fail them. Revocation/expiry are the caller's. */
  verify(token: string): JwtCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, error: 'token contains an invalid number of segments' };
    const [head, body, sig] = parts;
    let header: unknown;
    let payload: unknown;
    try {
      header = decodeSegment(head);
      payload = decodeSegment(body);
    } catch {
      return { ok: false, error: 'token is malformed' };
    }
    if (!isObject(header) || !isObject(payload)) return { ok: false, error: 'token is malformed' };
    if (header.alg !== 'EdDSA') {
      return { ok: false, error: `token is unverifiable: signing method ${String(header.alg)} is invalid` };
    }
    if (!isTokenId(payload.jti)) return { ok: false, error: 'could not parse jwt id' };
    if (!/^[A-Za-z0-9_-]+$/.test(sig)) return { ok: false, error: 'token signature is invalid' };
    const good = crypto.verify(null, Buffer.from(`${head}.${body}`), this.publicKey, Buffer.from(sig, 'base64url'));
    if (!good) return { ok: false, error: 'token signature is invalid' };
    const claims: JwtClaims = { jti: payload.jti };
    if (typeof payload.username === 'string') claims.username = payload.username;
    if (typeof payload.exp === 'number') claims.exp = payload.exp;
    return { ok: true, claims };
  }
}

/**
 * A database or group token's payload when `token` is an EdDSA JWT signed by `publicKey`; undefined
 * otherwise (malformed, another algorithm, another key). Expiry is the caller's.
 */
export function verifiedPayload(token: string, publicKey: crypto.KeyObject): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  const [head, body, sig] = parts;
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeSegment(head);
    payload = decodeSegment(body);
  } catch {
    return undefined;
  }
  if (!isObject(header) || !isObject(payload) || header.alg !== 'EdDSA') return undefined;
  const good = crypto.verify(null, Buffer.from(`${head}.${body}`), publicKey, Buffer.from(sig, 'base64url'));
  return good ? payload : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

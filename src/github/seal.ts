/**
 * The value of a GitHub Actions secret, encrypted as GitHub requires: a libsodium sealed box
 * (`crypto_box_seal`) of its UTF-8 bytes for the repository's or environment's public key, in base64.
 * The sealing code (./sealedBox: TweetNaCl and BLAKE2b, about 27 KB) is required on the first call, never
 * when this module loads: whatever bundle holds this module must keep it a `require` of its own file
 * (see esbuild.js). No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import type * as SealedBox from './sealedBox';

/** The length of an X25519 public key (crypto_box_PUBLICKEYBYTES). */
const PUBLIC_KEY_BYTES = 32;

let sealing: typeof SealedBox | undefined;

/** The sealing code, loaded with the first call. */
function sealedBoxModule(): typeof SealedBox {
  // The bundle keeps this require (esbuild.js marks it external): dist/sealed-box.js, next to the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sealing ??= require('./sealedBox') as typeof SealedBox;
  return sealing;
}

/** The 32 bytes of a base64 public key as GitHub sends it; a `TypeError` (naming no value) when it is not one. */
export function decodePublicKey(publicKeyBase64: string): Uint8Array {
  const text = typeof publicKeyBase64 === 'string' ? publicKeyBase64.trim() : '';
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== PUBLIC_KEY_BYTES) {
    throw new TypeError(l10n.t('GitHub sent a public key that is not a 32-byte base64 key'));
  }
  return new Uint8Array(bytes);
}

/** `value` sealed for `publicKeyBase64` (base64), as the `encrypted_value` of a secret. */
export async function sealForGitHub(value: string, publicKeyBase64: string): Promise<string> {
  if (typeof value !== 'string') {
    throw new TypeError(l10n.t('A secret\'s value must be text'));
  }
  const key = decodePublicKey(publicKeyBase64);
  // the UTF-8 bytes made here are zeroed after use (the string itself, and TweetNaCl's own working copies, are
  // left to the garbage collector: JavaScript cannot wipe them)
  const message = Buffer.from(value, 'utf8');
  try {
    return Buffer.from(sealedBoxModule().sealedBox(message, key)).toString('base64');
  } finally {
    message.fill(0);
  }
}

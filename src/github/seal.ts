/**
 * The value of a GitHub Actions secret, encrypted as GitHub requires: a libsodium sealed box
 * (`crypto_box_seal`) of its UTF-8 bytes for the repository's or environment's public key, in base64.
 * libsodium-wrappers (about 1 MB of JavaScript) is required on the first call, never when this module
 * loads: whatever bundle holds this module must keep it a `require` of its own file (see esbuild.js).
 * No `vscode` import.
 */
import * as l10n from '@vscode/l10n';

type Sodium = typeof import('libsodium-wrappers');

/** The length of an X25519 public key (crypto_box_PUBLICKEYBYTES). */
const PUBLIC_KEY_BYTES = 32;

let sodium: Promise<Sodium> | undefined;

/** libsodium, loaded and initialised with the first call (a failed load is tried again next time). */
export function loadSodium(): Promise<Sodium> {
  sodium ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('libsodium-wrappers') as Sodium & { default?: Sodium };
    // the CommonJS build is the library itself; its ES module build (a bundle of its own) has it as `default`
    const lib = mod.default ?? mod;
    await lib.ready;
    return lib;
  })().catch((err: unknown) => {
    sodium = undefined;
    throw err;
  });
  return sodium;
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
  const lib = await loadSodium();
  const sealed = lib.crypto_box_seal(Buffer.from(value, 'utf8'), key);
  return Buffer.from(sealed).toString('base64');
}

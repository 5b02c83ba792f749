/**
 * libsodium's sealed box (`crypto_box_seal`), which GitHub requires for the value of an Actions secret:
 * a fresh X25519 key pair per box; the message boxed (XSalsa20-Poly1305, NaCl's `crypto_box`) from its
 * secret key to the recipient's public key, under the nonce BLAKE2b-192(ephemeral public key ‖ recipient's
 * public key); the ephemeral public key, then the box. TweetNaCl's `box` (audited) and blakejs's BLAKE2b do
 * the cryptography; this module only puts them together as libsodium does, which the tests check by
 * opening every box with libsodium's `crypto_box_seal_open`. The ephemeral secret key is zeroed after use.
 * Bundled as a file of its own (dist/sealed-box.js), required by src/github/seal.ts on the first seal.
 * No `vscode` import.
 */
import { blake2b } from 'blakejs';
// TweetNaCl's reference port (nacl.js), not its default nacl-fast.js: the same functions, half the size; a box
// of a secret's few bytes is sealed in milliseconds either way
import * as nacl from 'tweetnacl/nacl';

/** crypto_box_PUBLICKEYBYTES */
export const PUBLIC_KEY_BYTES = 32;
/** crypto_box_NONCEBYTES */
const NONCE_BYTES = 24;

/** `message` sealed for `publicKey` (32 bytes): 48 bytes longer than the message. */
export function sealedBox(message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new TypeError(`a sealed box needs a ${PUBLIC_KEY_BYTES}-byte public key`);
  const ephemeral = nacl.box.keyPair();
  try {
    const keys = new Uint8Array(2 * PUBLIC_KEY_BYTES);
    keys.set(ephemeral.publicKey, 0);
    keys.set(publicKey, PUBLIC_KEY_BYTES);
    const nonce = blake2b(keys, undefined, NONCE_BYTES);
    const boxed = nacl.box(message, nonce, publicKey, ephemeral.secretKey);
    const sealed = new Uint8Array(PUBLIC_KEY_BYTES + boxed.length);
    sealed.set(ephemeral.publicKey, 0);
    sealed.set(boxed, PUBLIC_KEY_BYTES);
    return sealed;
  } finally {
    ephemeral.secretKey.fill(0);
  }
}

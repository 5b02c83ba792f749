// src/github/seal.ts and src/github/sealedBox.ts: the sealed box GitHub requires, opened again with the
// private key by libsodium itself (crypto_box_seal_open, as GitHub does); the sealing code loaded on the
// first call only, and never part of the core bundle (dist/extension.js).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodePublicKey, sealForGitHub } from '../../../src/github/seal';
import { sealedBox } from '../../../src/github/sealedBox';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sodium = require('libsodium-wrappers') as typeof import('libsodium-wrappers');
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('github/seal: sealForGitHub', () => {
  let pair: { publicKey: Uint8Array; privateKey: Uint8Array };
  before(async () => {
    await sodium.ready;
    pair = sodium.crypto_box_keypair();
  });
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
  const open = (sealed: string): string =>
    Buffer.from(sodium.crypto_box_seal_open(new Uint8Array(Buffer.from(sealed, 'base64')), pair.publicKey, pair.privateKey)).toString('utf8');

  for (const value of ['eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjF9.c2ln', 'a', '', 'ünïcödé ✓ 🔑', 'x'.repeat(48 * 1024)]) {
    it(`opens with the private key to the same value (${value.length} characters)`, async () => {
      const sealed = await sealForGitHub(value, b64(pair.publicKey));
      assert.match(sealed, /^[A-Za-z0-9+/]+={0,2}$/);
      assert.equal(Buffer.from(sealed, 'base64').length, Buffer.byteLength(value) + 48, 'a sealed box is 48 bytes longer than its message');
      assert.equal(open(sealed), value);
      if (value.length > 4) assert.ok(!sealed.includes(value) && !Buffer.from(sealed, 'base64').toString('latin1').includes(value));
    });
  }

  it('seals anew each time (an ephemeral key per box)', async () => {
    const key = b64(pair.publicKey);
    assert.notEqual(await sealForGitHub('same', key), await sealForGitHub('same', key));
  });

  it('another keypair cannot open it', async () => {
    const other = sodium.crypto_box_keypair();
    const sealed = await sealForGitHub('value', b64(pair.publicKey));
    assert.throws(() => sodium.crypto_box_seal_open(new Uint8Array(Buffer.from(sealed, 'base64')), other.publicKey, other.privateKey));
  });

  const badKeys: [string, string][] = [
    ['empty', ''], ['not base64', 'not base64!'], ['31 bytes', Buffer.alloc(31).toString('base64')],
    ['33 bytes', Buffer.alloc(33).toString('base64')], ['a newline inside', `${Buffer.alloc(32).toString('base64').slice(0, 20)}\n${Buffer.alloc(32).toString('base64').slice(20)}`],
  ];
  for (const [label, bad] of badKeys) {
    it(`a public key that is not 32 base64 bytes (${label}) is a TypeError naming no value`, async () => {
      await assert.rejects(sealForGitHub('the-secret-value', bad), (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /not a 32-byte base64 key/);
        assert.ok(!err.message.includes('the-secret-value'));
        return true;
      });
    });
  }

  it('decodePublicKey gives the 32 bytes', () => {
    assert.deepEqual(decodePublicKey(b64(pair.publicKey)), pair.publicKey);
  });

  it('sealedBox: libsodium opens every box, of any length, for many key pairs (bytes, not text)', () => {
    for (let i = 0; i < 64; i++) {
      const keys = sodium.crypto_box_keypair();
      const message = sodium.randombytes_buf(i * 37);
      const sealed = sealedBox(message, keys.publicKey);
      assert.equal(sealed.length, message.length + 48);
      assert.deepEqual(sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.privateKey), message);
    }
  });

  it('sealedBox: a box with one bit changed (or cut short) does not open', () => {
    const sealed = sealedBox(new Uint8Array(Buffer.from('value')), pair.publicKey);
    for (const at of [0, 31, 32, 47, 48, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at] ^= 1;
      assert.throws(() => sodium.crypto_box_seal_open(bad, pair.publicKey, pair.privateKey), `opened with bit 0 of byte ${at} changed`);
    }
    assert.throws(() => sodium.crypto_box_seal_open(sealed.slice(0, sealed.length - 1), pair.publicKey, pair.privateKey));
  });

  it('sealedBox: a public key of another length is refused', () => {
    assert.throws(() => sealedBox(new Uint8Array(1), new Uint8Array(31)), TypeError);
  });
});

describe('github/seal: the sealing code is loaded on first use only', function () {
  this.timeout(60000);

  it('loading src/github/seal.ts loads none of the sealing code; the first seal does', () => {
    const seal = path.join(ROOT, 'out', 'src', 'github', 'seal.js');
    const script = `
      const loaded = () => Object.keys(require.cache).some((f) => /sealedBox|[\\\\/](tweetnacl|blakejs)[\\\\/]/.test(f));
      const { sealForGitHub } = require(${JSON.stringify(seal)});
      const before = loaded();
      sealForGitHub('v', Buffer.alloc(32, 9).toString('base64')).then(() => console.log(JSON.stringify({ before, after: loaded() })));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean };
    assert.deepEqual(out, { before: false, after: true });
  });

  it('the core bundle (dist/extension.js) holds neither src/github/seal.ts nor the sealing code', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuildJs = require(path.join(ROOT, 'esbuild.js')) as {
      buildBundles(o: { production?: boolean; write?: boolean }): Promise<{ core: { metafile: { inputs: Record<string, unknown> } } }>;
    };
    const { core } = await esbuildJs.buildBundles({ production: true, write: false });
    const inputs = Object.keys(core.metafile.inputs);
    assert.ok(inputs.includes('src/extension.ts'), 'the metafile lists the core\'s sources');
    const stray = inputs.filter((f) => /^src\/github\/(seal|sealedBox)\.ts$|^node_modules\/(libsodium|tweetnacl|blakejs)/.test(f));
    assert.deepEqual(stray, [], `in the core bundle: ${stray.join(', ')}`);
  });
});

describe('github/seal: bundled with the sealing code as a file of its own', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-bundle-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // As esbuild.js bundles it: seal.ts's `require('./sealedBox')` kept as a require of ./sealed-box.js, built
  // from src/github/sealedBox.ts with TweetNaCl and blakejs inside (their randomness: Node's crypto).
  it('seals, and loads ./sealed-box.js only on the first call; libsodium opens the box', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuildJs = require(path.join(ROOT, 'esbuild.js')) as {
      buildBundles(o: { production?: boolean; write?: boolean }): Promise<{ sealedBox: { outputFiles?: { path: string; contents: Uint8Array }[] } }>;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const main = await esbuild.build({
      absWorkingDir: ROOT, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent', metafile: true,
      entryPoints: ['src/github/seal.ts'], outfile: path.join(dir, 'seal.js'),
      plugins: [{
        name: 'sealed-box-external',
        setup(build) {
          build.onResolve({ filter: /^\.\/sealedBox$/ }, () => ({ path: './sealed-box.js', external: true }));
        },
      }],
    });
    const { sealedBox: built } = await esbuildJs.buildBundles({ production: true, write: false });
    for (const file of (built.outputFiles ?? []).filter((f) => f.path.endsWith('.js'))) fs.writeFileSync(path.join(dir, path.basename(file.path)), file.contents);
    assert.deepEqual(Object.keys(main.metafile.inputs).filter((f) => /sealedBox|tweetnacl|blakejs/.test(f)), [], 'the sealing code stays out of the bundle that holds seal.ts');
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const script = `
      const loaded = () => Object.keys(require.cache).some((f) => f.endsWith('sealed-box.js'));
      const { sealForGitHub } = require(${JSON.stringify(path.join(dir, 'seal.js'))});
      const before = loaded();
      sealForGitHub('bundled value', ${JSON.stringify(Buffer.from(pair.publicKey).toString('base64'))})
        .then((sealed) => console.log(JSON.stringify({ before, after: loaded(), sealed })));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean; sealed: string };
    assert.deepEqual({ before: out.before, after: out.after }, { before: false, after: true });
    const opened = sodium.crypto_box_seal_open(new Uint8Array(Buffer.from(out.sealed, 'base64')), pair.publicKey, pair.privateKey);
    assert.equal(Buffer.from(opened).toString('utf8'), 'bundled value');
  });
});

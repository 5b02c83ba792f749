// src/github/seal.ts: the sealed box GitHub requires, opened again with the private key; libsodium
// loaded on the first call only, and never part of the core bundle (dist/extension.js).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodePublicKey, sealForGitHub } from '../../../src/github/seal';

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
});

describe('github/seal: libsodium is loaded on first use only', function () {
  this.timeout(60000);

  it('loading src/github/seal.ts loads no libsodium; the first seal does', () => {
    const seal = path.join(ROOT, 'out', 'src', 'github', 'seal.js');
    const script = `
      const loaded = () => Object.keys(require.cache).some((f) => /[\\\\/]libsodium/.test(f));
      const { sealForGitHub } = require(${JSON.stringify(seal)});
      const before = loaded();
      sealForGitHub('v', Buffer.alloc(32, 9).toString('base64')).then(() => console.log(JSON.stringify({ before, after: loaded() })));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean };
    assert.deepEqual(out, { before: false, after: true });
  });

  it('the core bundle (dist/extension.js) holds neither src/github/seal.ts nor libsodium', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuildJs = require(path.join(ROOT, 'esbuild.js')) as {
      buildBundles(o: { production?: boolean; write?: boolean }): Promise<{ core: { metafile: { inputs: Record<string, unknown> } } }>;
    };
    const { core } = await esbuildJs.buildBundles({ production: true, write: false });
    const inputs = Object.keys(core.metafile.inputs);
    assert.ok(inputs.includes('src/extension.ts'), 'the metafile lists the core\'s sources');
    const stray = inputs.filter((f) => /^src\/github\/seal\.ts$|^node_modules\/libsodium/.test(f));
    assert.deepEqual(stray, [], `in the core bundle: ${stray.join(', ')}`);
  });
});

describe('github/seal: bundled with libsodium as a file of its own', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-bundle-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // How esbuild.js is to bundle it once a command uses it (like node-fetch): `require('libsodium-wrappers')`
  // kept as a require of ./libsodium.js, itself built from the package (esbuild picks its ES module build).
  it('seals, and loads ./libsodium.js only on the first call', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const common = { absWorkingDir: ROOT, bundle: true, format: 'cjs' as const, platform: 'node' as const, target: 'node20', logLevel: 'silent' as const, metafile: true };
    const external = {
      name: 'libsodium-external',
      setup(build: import('esbuild').PluginBuild): void {
        build.onResolve({ filter: /^libsodium-wrappers$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: './libsodium.js', external: true }));
      },
    };
    const main = await esbuild.build({ ...common, entryPoints: ['src/github/seal.ts'], outfile: path.join(dir, 'seal.js'), plugins: [external] });
    await esbuild.build({ ...common, entryPoints: ['libsodium-wrappers'], outfile: path.join(dir, 'libsodium.js') });
    assert.ok(main.metafile);
    assert.deepEqual(Object.keys(main.metafile.inputs).filter((f) => f.includes('libsodium')), [], 'libsodium stays out of the bundle that holds seal.ts');
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const script = `
      const loaded = () => Object.keys(require.cache).some((f) => f.endsWith('libsodium.js'));
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

// esbuild.js's bundles: the entry (dist/boot.js) holds only the loader, the core (dist/extension.js,
// loaded at activation by dist/boot.js) stays small and holds none of
// the code loaded on first use (dist/features.js); no module is in both (one copy of each module's state
// and classes); every command of package.json is registered through a lazy factory that dist/features.js
// provides. Built in memory, for the product's entry and for the in-host tests' entry.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CORE_LIMIT = 100 * 1024;

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number; exports: string[] }>;
}
interface Built { metafile: Metafile; outputFiles?: { path: string; contents: Uint8Array }[] }
interface EsbuildJs {
  buildBundles(o: { production?: boolean; test?: boolean; write?: boolean }): Promise<{ boot: Built; core: Built; features: Built; nodeFetch: Built; sealedBox: Built; shared: string[] }>;
  bundleBytes(result: Built, out: string): number;
  BOOT_OUT: string;
  CORE_OUT: string;
  FEATURES_OUT: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuildJs = require(path.join(ROOT, 'esbuild.js')) as EsbuildJs;

/** The real files of a build (not the virtual modules dist/features.js takes from the core). */
const files = (b: Built): string[] => Object.keys(b.metafile.inputs).filter((k) => !k.includes(':') && k !== 'core-entry.js');

/** The code loaded on first use, which the core must not hold. */
const LAZY_ONLY = [/^src\/commands\/(?!target\.ts$)/, /^src\/webview\//, /^src\/workspace\//, /^src\/lazy\/features\.ts$/, /^node_modules\/ignore\//,
  /^src\/auth\/(browserSignIn|loopbackLogin|cliToken|useCreatedToken)\.ts$/, /^node_modules\/node-fetch\//, /^src\/github\/sealedBox\.ts$/,
  /^node_modules\/(tweetnacl|blakejs)\//];
/** Loaded on first use from a file of its own (dist/sealed-box.js): in neither the core nor dist/features.js. */
const OWN_FILE_ONLY = [/^src\/github\/sealedBox\.ts$/, /^node_modules\/tweetnacl\//, /^node_modules\/blakejs\//];

describe('esbuild.js: the core bundle and the bundles loaded on first use', function () {
  this.timeout(60000);
  for (const test of [false, true]) {
    const entry = test ? 'the in-host tests\' entry' : 'the product\'s entry';
    let built: Awaited<ReturnType<EsbuildJs['buildBundles']>>;
    before(async () => {
      built = await esbuildJs.buildBundles({ production: true, test, write: false });
    });

    it(`${entry}: no module is in both the core and dist/features.js (or dist/node-fetch.js, dist/sealed-box.js)`, () => {
      const core = new Set(files(built.core));
      const both = [...files(built.features), ...files(built.nodeFetch), ...files(built.sealedBox)].filter((f) => core.has(f));
      assert.deepEqual(both, [], `in two bundles: ${both.join(', ')}`);
      assert.ok(built.shared.includes('src/auth/authFailures.ts') && built.shared.includes('src/platform/errors.ts'),
        `dist/features.js takes the core's authFailures and TursoApiError from the core (it took: ${built.shared.join(', ')})`);
    });

    it(`${entry}: the core holds none of the code loaded on first use`, () => {
      const stray = files(built.core).filter((f) => LAZY_ONLY.some((re) => re.test(f)));
      assert.deepEqual(stray, [], `loaded at activation: ${stray.join(', ')}`);
    });

    it(`${entry}: the sealing code is only in dist/sealed-box.js, neither in the core nor in dist/features.js`, () => {
      const stray = [...files(built.core), ...files(built.features)].filter((f) => OWN_FILE_ONLY.some((re) => re.test(f)));
      assert.deepEqual(stray, [], `the sealing code bundled into the core or the features: ${stray.join(', ')}`);
      for (const re of OWN_FILE_ONLY) assert.ok(files(built.sealedBox).some((f) => re.test(f)), `dist/sealed-box.js holds ${re}`);
    });

    it(`${entry}: the entry (dist/boot.js) holds only itself and the code cache's loader, nothing of the core`, () => {
      assert.deepEqual(files(built.boot).sort(), ['src/boot.ts', 'src/lazy/codeCache.ts']);
    });

    if (!test) {
      it('what activation loads (dist/boot.js and the core, dist/extension.js) is at most 100 KB minified', () => {
        const boot = esbuildJs.bundleBytes(built.boot, esbuildJs.BOOT_OUT);
        const core = esbuildJs.bundleBytes(built.core, esbuildJs.CORE_OUT);
        assert.ok(boot + core <= CORE_LIMIT, `dist/boot.js ${(boot / 1024).toFixed(1)} KB + dist/extension.js ${(core / 1024).toFixed(1)} KB minified (limit 100 KB)`);
      });

      it('package.json\'s main is the entry, and the VSIX ships it', () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
        assert.equal(pkg.main, `./${esbuildJs.BOOT_OUT}`);
        assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), new RegExp(`^!${esbuildJs.BOOT_OUT.replace('.', '\\.')}$`, 'm'));
      });
    }
  }

  it('every command of package.json is registered with a lazy factory that dist/features.js exports', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const extension = fs.readFileSync(path.join(ROOT, 'src', 'extension.ts'), 'utf8');
    const lazy = fs.readFileSync(path.join(ROOT, 'src', 'lazy', 'commands.ts'), 'utf8');
    const lazyNames = [...lazy.matchAll(/^export const (\w+) = lazyCommand\('(\w+)'\);$/gm)].map((m) => {
      assert.equal(m[1], m[2], `src/lazy/commands.ts: ${m[1]} loads another factory (${m[2]})`);
      return m[1];
    });
    const { features } = await esbuildJs.buildBundles({ production: false, write: false });
    const exported = new Set(features.metafile.outputs[esbuildJs.FEATURES_OUT]?.exports ?? []);
    // esbuild lists no exports for a CommonJS-wrapped entry: read them from the entry's source instead.
    const source = fs.readFileSync(path.join(ROOT, 'src', 'lazy', 'features.ts'), 'utf8');
    for (const m of source.matchAll(/^export \{ ([^}]+) \} from/gm)) m[1].split(',').forEach((n) => exported.add(n.trim()));
    const missing = lazyNames.filter((n) => !exported.has(n));
    assert.deepEqual(missing, [], `src/lazy/features.ts does not export: ${missing.join(', ')}`);
    // the factories extension.ts imports come from src/lazy/commands.ts, never from src/commands (which would load them at activation)
    assert.doesNotMatch(extension, /^import (?!type\b)[^;]*?from '\.\/(commands|webview|workspace)\//m, 'src/extension.ts imports the code loaded on first use directly');
    for (const { command } of pkg.contributes.commands) {
      const reg = extension.includes(`registerCommand('${command}',`);
      assert.ok(reg, `${command} is not registered in src/extension.ts`);
    }
  });

  it('dist/features.js seals a GitHub secret in plain Node, loading dist/sealed-box.js next to it on the first seal only (libsodium opens it)', async function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sodium = require('libsodium-wrappers') as typeof import('libsodium-wrappers');
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-seal-'));
    try {
      const { features, sealedBox } = await esbuildJs.buildBundles({ production: true, write: false });
      for (const file of [...(features.outputFiles ?? []), ...(sealedBox.outputFiles ?? [])].filter((f) => f.path.endsWith('.js'))) {
        fs.writeFileSync(path.join(dir, path.basename(file.path)), file.contents);
      }
      // `vscode` is a stub that has every name the bundle reads; the core's modules come from out/ (tsc)
      const script = `
        const path = require('path'), fs = require('fs'), Module = require('module');
        const [dir, root, key] = process.argv.slice(1);
        const stub = () => new Proxy(function () {}, { get: (_t, k) => (k === 'then' ? undefined : stub()), apply: () => stub(), construct: () => stub() });
        const names = [...new Set([...fs.readFileSync(path.join(dir, 'features.js'), 'utf8').matchAll(/\\.([A-Za-z_$][\\w$]*)/g)].map((m) => m[1]))];
        const vscode = new Proxy({}, { get: (_t, k) => (k === '__esModule' ? false : k === 'then' ? undefined : stub()), ownKeys: () => names,
          getOwnPropertyDescriptor: () => ({ value: stub(), enumerable: true, configurable: true, writable: true }) });
        const load = Module._load;
        Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
        const core = new Proxy({}, { get: (_t, k) => require(String(k).startsWith('node_modules/') ? path.join(root, String(k)) : path.join(root, 'out', String(k).replace(/\\.ts$/, '.js'))) });
        const loaded = () => Object.keys(require.cache).filter((f) => /sealed-?box|tweetnacl|blakejs|libsodium/i.test(f)).map((f) => path.relative(dir, f));
        const features = require(path.join(dir, 'features.js'))(core);
        const before = loaded();
        features.sealForGitHub('the-value', key).then((sealed) => console.log(JSON.stringify({ before, after: loaded(), sealed })));`;
      const out = JSON.parse(execFileSync(process.execPath, ['-e', script, dir, ROOT, Buffer.from(pair.publicKey).toString('base64')], { encoding: 'utf8' })) as
        { before: string[]; after: string[]; sealed: string };
      assert.deepEqual({ before: out.before, after: out.after }, { before: [], after: ['sealed-box.js'] });
      const opened = sodium.crypto_box_seal_open(new Uint8Array(Buffer.from(out.sealed, 'base64')), pair.publicKey, pair.privateKey);
      assert.equal(Buffer.from(opened).toString('utf8'), 'the-value');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

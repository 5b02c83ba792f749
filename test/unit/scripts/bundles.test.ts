// esbuild.js's bundles: the core (dist/extension.js, loaded at activation) stays small and holds none of
// the code loaded on first use (dist/features.js); no module is in both (one copy of each module's state
// and classes); every command of package.json is registered through a lazy factory that dist/features.js
// provides. Built in memory, for the product's entry and for the in-host tests' entry.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CORE_LIMIT = 100 * 1024;

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number; exports: string[] }>;
}
interface Built { metafile: Metafile }
interface EsbuildJs {
  buildBundles(o: { production?: boolean; test?: boolean; write?: boolean }): Promise<{ core: Built; features: Built; nodeFetch: Built; shared: string[] }>;
  bundleBytes(result: Built, out: string): number;
  CORE_OUT: string;
  FEATURES_OUT: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuildJs = require(path.join(ROOT, 'esbuild.js')) as EsbuildJs;

/** The real files of a build (not the virtual modules dist/features.js takes from the core). */
const files = (b: Built): string[] => Object.keys(b.metafile.inputs).filter((k) => !k.includes(':') && k !== 'core-entry.js');

/** The code loaded on first use, which the core must not hold. */
const LAZY_ONLY = [/^src\/commands\/(?!target\.ts$)/, /^src\/webview\//, /^src\/workspace\//, /^src\/lazy\/features\.ts$/, /^node_modules\/ignore\//,
  /^src\/auth\/(browserSignIn|loopbackLogin|cliToken|useCreatedToken)\.ts$/, /^node_modules\/node-fetch\//];

describe('esbuild.js: the core bundle and the bundles loaded on first use', function () {
  this.timeout(60000);
  for (const test of [false, true]) {
    const entry = test ? 'the in-host tests\' entry' : 'the product\'s entry';
    let built: Awaited<ReturnType<EsbuildJs['buildBundles']>>;
    before(async () => {
      built = await esbuildJs.buildBundles({ production: true, test, write: false });
    });

    it(`${entry}: no module is in both the core and dist/features.js (or dist/node-fetch.js)`, () => {
      const core = new Set(files(built.core));
      const both = [...files(built.features), ...files(built.nodeFetch)].filter((f) => core.has(f));
      assert.deepEqual(both, [], `in two bundles: ${both.join(', ')}`);
      assert.ok(built.shared.includes('src/auth/authFailures.ts') && built.shared.includes('src/platform/errors.ts'),
        `dist/features.js takes the core's authFailures and TursoApiError from the core (it took: ${built.shared.join(', ')})`);
    });

    it(`${entry}: the core holds none of the code loaded on first use`, () => {
      const stray = files(built.core).filter((f) => LAZY_ONLY.some((re) => re.test(f)));
      assert.deepEqual(stray, [], `loaded at activation: ${stray.join(', ')}`);
    });

    if (!test) {
      it('the core (dist/extension.js) is at most 100 KB minified', () => {
        const bytes = esbuildJs.bundleBytes(built.core, esbuildJs.CORE_OUT);
        assert.ok(bytes <= CORE_LIMIT, `dist/extension.js is ${(bytes / 1024).toFixed(1)} KB minified (limit 100 KB)`);
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
});

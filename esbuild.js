// Bundles the extension as CommonJS files, `vscode` left external:
// - dist/boot.js (src/boot.ts), the entry package.json names: loads the core with V8's code cache
//   (src/lazy/codeCache.ts) and hands activate() over to it;
// - dist/extension.js, the core: what activation and the view's first paint need (the log, settings,
//   the session and stored credentials, the account models, the views, src/platform, src/util);
// - dist/features.js (src/lazy/features.ts): the commands, the reveal panel, the workspace's tokens,
//   loaded on first use by src/lazy/load.ts;
// - dist/node-fetch.js: node-fetch, which src/util/http.ts (both API clients' transport) requires with the first request;
// - dist/sealed-box.js (src/github/sealedBox.ts: TweetNaCl and BLAKE2b), which src/github/seal.ts requires with
//   the first GitHub secret it seals (in neither the core nor dist/features.js).
// No module is in both. dist/features.js is a function of the core's modules it imports
// (`module.exports = (core) => …`): each import of a module the core holds becomes `core['<path>']`,
// which the core's entry hands over (provideCore). So there is one copy of each module's state
// (authFailures, the reveal panels, the l10n config…) and of each class (`instanceof` works across).
// usage: node esbuild.js [--production] [--watch] [--test]
// --test: bundles the test-only entry instead (src/testing/testExtension.ts: the product plus what the
// in-host tests look inside) as dist/extension.js, with its dist/features.js; scripts/host/run-host-tests.mjs
// builds it before the suite. The VSIX is built with --production from src/extension.ts, so it never
// holds test hooks. --watch rebuilds both on every change (polling the sources).
// Used by test/unit/scripts/bundles.test.ts through `buildBundles()`.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = __dirname;
const BOOT_OUT = 'dist/boot.js';
const BOOT_ENTRY = 'src/boot.ts';
const CORE_OUT = 'dist/extension.js';
const FEATURES_OUT = 'dist/features.js';
const FEATURES_ENTRY = 'src/lazy/features.ts';
const NODE_FETCH_OUT = 'dist/node-fetch.js';
const SEALED_BOX_OUT = 'dist/sealed-box.js';
const SEALED_BOX_ENTRY = 'src/github/sealedBox.ts';
/** The free name dist/features.js receives the core's modules under (the banner's parameter). */
const CORE_PARAM = '__tursoCore';

function common(production) {
  return {
    absWorkingDir: ROOT,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    // node-fetch 2 prefers Node's built-in URL; its whatwg-url fallback is dead weight in VS Code's Node.
    // Its `url` is mapped to a WHATWG-based parse(): Node's url.parse() is deprecated (DEP0169, a run-time
    // warning since Node 24). Only node-fetch imports `url` (our code uses `node:url`, which stays Node's).
    alias: { 'whatwg-url': './src/platform/shims/whatwg-url.ts', url: './src/platform/shims/url.ts' },
    minify: production,
    sourcemap: production ? 'external' : true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  };
}

/** The core's require of the features (src/lazy/load.ts) stays a require of the file next to it. */
const featuresExternal = {
  name: 'features-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, (args) =>
      (path.resolve(args.resolveDir) === path.join(ROOT, 'src', 'lazy') ? { path: './features.js', external: true } : undefined));
  },
};

/** node-fetch, required by src/util/http.ts with the first request, is a file of its own next to the core. */
const nodeFetchExternal = {
  name: 'node-fetch-external',
  setup(build) {
    build.onResolve({ filter: /^node-fetch$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: './node-fetch.js', external: true }));
  },
};

/** src/github/sealedBox.ts, required by src/github/seal.ts with the first seal, is a file of its own next to the core. */
const sealedBoxExternal = {
  name: 'sealed-box-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/sealedBox$/ }, (args) =>
      (args.kind !== 'entry-point' && path.resolve(args.resolveDir) === path.join(ROOT, 'src', 'github') ? { path: './sealed-box.js', external: true } : undefined));
  },
};

/**
 * `vscode` read once per bundle. esbuild turns each module's `import * as vscode from 'vscode'` of an
 * external into its own `__toESM(require('vscode'))`, which copies every name of VS Code's API (a few
 * hundred) onto a new object: with a dozen modules importing it, that copying was most of the time the
 * core's top level took at activation. Here every import of `vscode` goes to one module of the bundle,
 * `export * from 'vscode'`: the names are copied once, and every module reads that one object.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: 'export * from "vscode";', loader: 'js' }));
  },
};

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/** In the features' build: every import of a module the core holds becomes the core's copy (noted in `used`). */
function fromCore(coreInputs, used) {
  return {
    name: 'from-core',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'from-core' || args.kind === 'entry-point') return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'from-core' });
        if (found.errors.length || found.external || !found.path) return undefined;
        const key = rel(found.path);
        if (!coreInputs.has(key)) return undefined;
        used.add(key);
        return { path: key, namespace: 'turso-core' };
      });
      build.onLoad({ filter: /.*/, namespace: 'turso-core' }, (args) => ({
        contents: `module.exports = ${CORE_PARAM}[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/** The core's entry: the real entry's exports, and the modules the features import handed to src/lazy/load.ts. */
function coreEntry(entry, used) {
  const keys = [...used].sort();
  return [
    `import { provideCore } from './src/lazy/load';`,
    ...keys.map((k, i) => `import * as m${i} from ${JSON.stringify(`./${k}`)};`),
    `provideCore({ ${keys.map((k, i) => `${JSON.stringify(k)}: m${i}`).join(', ')} });`,
    `export * from ${JSON.stringify(`./${entry}`)};`,
  ].join('\n');
}

/**
 * Builds the bundles. `write: false` builds in memory (the unit tests read the metafiles).
 * @returns {Promise<{boot: import('esbuild').BuildResult, core: import('esbuild').BuildResult, features: import('esbuild').BuildResult,
 *   nodeFetch: import('esbuild').BuildResult, sealedBox: import('esbuild').BuildResult, shared: string[]}>}
 */
async function buildBundles({ production = false, test = false, write = true } = {}) {
  const entry = test ? 'src/testing/testExtension.ts' : 'src/extension.ts';
  const base = { ...common(production), write };
  // 1. which modules the core holds
  const probe = await esbuild.build({ ...base, write: false, entryPoints: [entry], outfile: CORE_OUT, plugins: [vscodeOnce, featuresExternal, nodeFetchExternal, sealedBoxExternal] });
  const coreInputs = new Set(Object.keys(probe.metafile.inputs));
  // 2. the features, taking those from the core
  const used = new Set();
  const features = await esbuild.build({
    ...base,
    entryPoints: [FEATURES_ENTRY],
    outfile: FEATURES_OUT,
    plugins: [nodeFetchExternal, sealedBoxExternal, fromCore(coreInputs, used), vscodeOnce],
    banner: { js: `module.exports = function (${CORE_PARAM}) { var module = { exports: {} }, exports = module.exports;` },
    footer: { js: 'return module.exports; };' },
  });
  // 3. the core, handing over what the features take
  const core = await esbuild.build({
    ...base,
    stdin: { contents: coreEntry(entry, used), resolveDir: ROOT, sourcefile: 'core-entry.js', loader: 'js' },
    outfile: CORE_OUT,
    plugins: [vscodeOnce, featuresExternal, nodeFetchExternal, sealedBoxExternal],
  });
  const nodeFetch = await esbuild.build({ ...base, entryPoints: ['node-fetch'], outfile: NODE_FETCH_OUT });
  const sealedBox = await esbuild.build({ ...base, entryPoints: [SEALED_BOX_ENTRY], outfile: SEALED_BOX_OUT });
  // the entry: src/boot.ts, which requires nothing of the core's but the file (read, not imported)
  const boot = await esbuild.build({ ...base, entryPoints: [BOOT_ENTRY], outfile: BOOT_OUT });
  return { boot, core, features, nodeFetch, sealedBox, shared: [...used].sort() };
}

/** Bytes of the bundle itself (not its source map). */
function bundleBytes(result, out) {
  return Object.entries(result.metafile.outputs).reduce((n, [file, o]) => (file === out ? n + o.bytes : n), 0);
}

async function once(production, test) {
  const { boot, core, features, nodeFetch, sealedBox } = await buildBundles({ production, test });
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const b = bundleBytes(boot, BOOT_OUT);
  const c = bundleBytes(core, CORE_OUT);
  const f = bundleBytes(features, FEATURES_OUT);
  const n = bundleBytes(nodeFetch, NODE_FETCH_OUT);
  const l = bundleBytes(sealedBox, SEALED_BOX_OUT);
  console.log(`esbuild: ${BOOT_OUT} ${kb(b)} + ${CORE_OUT}${test ? ' (test entry)' : ''} ${kb(c)} + ${FEATURES_OUT} ${kb(f)} + ${NODE_FETCH_OUT} ${kb(n)}`
    + ` + ${SEALED_BOX_OUT} ${kb(l)} = ${kb(b + c + f + n + l)}${production ? ' (minified)' : ''}`);
}

async function main() {
  const production = process.argv.includes('--production');
  const test = process.argv.includes('--test');
  await once(production, test);
  if (process.argv.includes('--watch')) {
    console.log('esbuild: watching src/');
    let timer;
    fs.watch(path.join(ROOT, 'src'), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => once(production, test).catch((err) => console.error(err)), 200);
    });
  }
}

module.exports = { buildBundles, bundleBytes, BOOT_OUT, CORE_OUT, FEATURES_OUT, NODE_FETCH_OUT, SEALED_BOX_OUT };

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

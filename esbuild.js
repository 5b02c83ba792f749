// Bundles the extension into one CommonJS file (dist/extension.js) with `vscode` left external.
// usage: node esbuild.js [--production] [--watch] [--test]
// --test: bundles the test-only entry instead (src/testing/testExtension.ts: the product plus what the
// in-host tests look inside), as dist/extension.js; scripts/host/run-host-tests.mjs builds it before
// the suite. The VSIX is built with --production from src/extension.ts, so it never holds test hooks.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const test = process.argv.includes('--test');
const outfile = 'dist/extension.js';

async function main() {
  const ctx = await esbuild.context({
    entryPoints: [test ? 'src/testing/testExtension.ts' : 'src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile,
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
  });
  if (watch) {
    await ctx.watch();
    console.log('esbuild: watching');
    return;
  }
  const result = await ctx.rebuild();
  await ctx.dispose();
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => (o.entryPoint ? n + o.bytes : n), 0);
  console.log(`esbuild: ${outfile}${test ? ' (test entry)' : ''} ${(bytes / 1024).toFixed(1)} KB${production ? ' (minified)' : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

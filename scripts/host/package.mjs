// Packages the extension as a VSIX with vsce (which builds it for release first: the package.json
// script vscode:prepublish, esbuild --production), then checks what went in. Used by scripts/test-all.mjs (step "package") and scripts/run.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './hosts.mjs';
import { runBounded } from './procs.mjs';

export const VSIX = path.join(REPO, 'dist', 'turso-api-tokens.vsix');
const vsceBin = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

/**
 * @param {{prefix?: string, quiet?: boolean, env?: object}} o
 * @returns {Promise<{ok: boolean, note: string, vsix: string}>}
 */
/** The core (src/extension.ts's bundle), which package.json's main, dist/boot.js, loads. */
const CORE = 'dist/extension.js';

export async function buildAndPackage({ prefix = '   │ ', quiet = false, env } = {}) {
  const run = (args, timeoutMs) => runBounded(process.execPath, args, { cwd: REPO, timeoutMs, prefix, quiet, env: { ...process.env, ...env }, label: args.slice(0, 2).join(' ') });
  fs.rmSync(VSIX, { force: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(REPO, '.vscodeignore')) && !pkg.files) {
    return { ok: false, vsix: VSIX, note: 'no .vscodeignore (nor "files" in package.json): vsce would pack the whole checkout' };
  }
  // vsce runs `vscode:prepublish` (the production esbuild build) first, as it does for a publisher
  const vsce = await run([vsceBin, 'package', '--no-dependencies', '-o', VSIX], 180000);
  if (vsce.code !== 0 || !fs.existsSync(VSIX)) return { ok: false, vsix: VSIX, note: `vsce package failed (${vsce.timedOut ? 'timed out' : `exit ${vsce.code}`})` };
  // what went in: the bundle and the manifest, none of the sources, tests or build output
  const ls = await runBounded(process.execPath, [vsceBin, 'ls', '--no-dependencies'], { cwd: REPO, timeoutMs: 60000, quiet: true });
  const files = ls.output.split('\n').map((l) => l.trim()).filter(Boolean);
  const main = (pkg.main || '').replace(/^\.\//, '');
  const problems = [];
  if (main && !files.includes(main)) problems.push(`${main} is not in the VSIX`);
  // the core the entry loads (src/boot.ts), and the bundles the core loads on first use (esbuild.js)
  if (!files.includes(CORE)) problems.push(`${CORE} (the core ${main} loads) is not in the VSIX`);
  for (const lazy of ['dist/features.js', 'dist/node-fetch.js', 'dist/sealed-box.js']) {
    if (!files.includes(lazy)) problems.push(`${lazy} (loaded on first use) is not in the VSIX`);
  }
  const stray = files.filter((f) => /^(src|test|out|node_modules|scripts|docs|\.test-results|\.vscode-test|\.ci)\//.test(f) || /\.vsix$/.test(f));
  if (stray.length) problems.push(`the VSIX holds files it should not: ${stray.slice(0, 5).join(', ')}${stray.length > 5 ? ` (+${stray.length - 5} more)` : ''}`);
  // the shipped bundles are the product's: the test-only entry's hooks (src/testing/) are in neither the entry nor the core
  for (const shipped of new Set([main, CORE].filter(Boolean))) {
    const bundle = fs.existsSync(path.join(REPO, shipped)) ? fs.readFileSync(path.join(REPO, shipped), 'utf8') : '';
    const hooks = ['testProbe', 'revealPanels'].filter((h) => bundle.includes(h));
    if (hooks.length) problems.push(`the shipped bundle ${shipped} holds test hooks (${hooks.join(', ')}): it must be built from src/extension.ts`);
  }
  if (problems.length) return { ok: false, vsix: VSIX, note: problems.join('; ') };
  const kb = (fs.statSync(VSIX).size / 1024).toFixed(1);
  return { ok: true, vsix: VSIX, note: `${path.relative(REPO, VSIX)}: ${kb} KB, ${files.length} files` };
}

// Builds what the benchmark measures without touching the shared checkout's build output: a staging
// copy of the working tree (the files git tracks or would add), or of a commit (--ref, git archive),
// in the bench's work folder, with the checkout's node_modules linked in. There: `node esbuild.js --production` (the minified bundles:
// dist/boot.js, the entry, and dist/extension.js, the core it loads) and `vsce package --no-dependencies` (the VSIX), exactly as
// scripts/host/package.mjs does in the checkout. The emulator is bundled with esbuild from
// test/emulator/main.ts of the same sources into the work folder too, so out/ (compiled by others'
// runs) is not needed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from '../host/hosts.mjs';
import { runBounded } from '../host/procs.mjs';

const vsceBin = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');

function fail(what, r) {
  const why = r.timedOut ? 'timed out' : `exit ${r.code}`;
  const lines = r.output.trim().split('\n');
  const errors = lines.filter((l) => /✘|\[ERROR\]|\bERROR\b|error TS\d+/.test(l));
  return new Error(`${what} failed (${why}):\n${(errors.length ? errors : lines.slice(-15)).slice(0, 15).join('\n')}`);
}

/** Which sources the numbers are for: the commit, and whether the working tree differs from it. */
export async function describeSource(ref) {
  const git = (args) => runBounded('git', args, { cwd: REPO, timeoutMs: 30000, quiet: true, label: 'git' });
  const sha = (await git(['rev-parse', '--short', ref || 'HEAD'])).output.trim();
  if (ref) return { ref, sha, dirty: false, text: `commit ${sha} (${ref})` };
  const st = await git(['status', '--porcelain', '--', 'src', 'media', 'package.json', 'package.nls.json', 'esbuild.js', '.vscodeignore', 'l10n']);
  const changed = st.output.split('\n').filter(Boolean).length;
  return { ref: undefined, sha, dirty: changed > 0, text: `working tree of ${sha}${changed ? ` with ${changed} uncommitted change(s) to the extension's files` : ' (clean)'}` };
}

/**
 * @param {string} dir  work folder (emptied)
 * @returns {Promise<{stage: string, bundle: string, boot: string | undefined, codeCache: string | undefined, bundleBytes: number, bootBytes: number, lazyBytes: Record<string, number>,
 *   totalBundleBytes: number, vsix: string, vsixBytes: number,
 *   vsixFiles: string[], emulator: string}>}
 */
export async function buildForBench(dir, { ref } = {}) {
  const stage = path.join(dir, 'stage');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  if (ref) {
    // a commit: git archive, read-only for the checkout
    const tar = path.join(dir, 'source.tar');
    const a = await runBounded('git', ['archive', '--format=tar', '-o', tar, ref], { cwd: REPO, timeoutMs: 60000, quiet: true, label: 'git archive' });
    if (a.code !== 0) throw fail(`git archive ${ref}`, a);
    const x = await runBounded('tar', ['-xf', tar, '-C', stage], { timeoutMs: 60000, quiet: true, label: 'tar' });
    if (x.code !== 0) throw fail('tar -x', x);
  } else {
    // the working tree as git sees it (tracked and new files, nothing ignored): what vsce would pack here
    const ls = await runBounded('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, timeoutMs: 30000, quiet: true, label: 'git ls-files' });
    if (ls.code !== 0) throw fail('git ls-files', ls);
    for (const f of ls.output.split('\0').filter(Boolean)) {
      const from = path.join(REPO, f);
      if (!fs.existsSync(from) || f.startsWith('node_modules/')) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
      fs.copyFileSync(from, path.join(stage, f));
    }
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  const run = (args, label) => runBounded(process.execPath, args, { cwd: stage, timeoutMs: 180000, quiet: true, label });

  const build = await run(['esbuild.js', '--production'], 'esbuild --production');
  if (build.code !== 0) throw fail('node esbuild.js --production', build);
  const bundle = path.join(stage, 'dist', 'extension.js');

  const vsix = path.join(stage, 'turso-api-tokens.vsix');
  const pack = await run([vsceBin, 'package', '--no-dependencies', '-o', vsix], 'vsce package');
  if (pack.code !== 0 || !fs.existsSync(vsix)) throw fail('vsce package', pack);
  const listed = await run([vsceBin, 'ls', '--no-dependencies'], 'vsce ls');
  const vsixFiles = listed.output.split('\n').map((l) => l.trim()).filter(Boolean);

  const emulator = path.join(dir, 'emulator.cjs');
  const esbuild = createRequire(path.join(REPO, 'package.json'))('esbuild');
  await esbuild.build({
    entryPoints: [path.join(stage, 'test', 'emulator', 'main.ts')], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', outfile: emulator, logLevel: 'warning',
  });

  // the code cache's loader (src/lazy/codeCache.ts) alone, for the plain-Node probe of loading the core as dist/boot.js does
  const codeCacheSrc = path.join(stage, 'src', 'lazy', 'codeCache.ts');
  const codeCache = fs.existsSync(codeCacheSrc) ? path.join(dir, 'code-cache.cjs') : undefined;
  if (codeCache) {
    await esbuild.build({ entryPoints: [codeCacheSrc], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: codeCache, logLevel: 'warning' });
  }

  // the bundles loaded on first use (esbuild.js): the features, node-fetch, the sealing code (libsodium before it; none in a commit before the
  // split, benched with --ref); the total is what ships
  const lazyBytes = Object.fromEntries(['features.js', 'node-fetch.js', 'sealed-box.js', 'libsodium.js'].filter((f) => fs.existsSync(path.join(stage, 'dist', f)))
    .map((f) => [f, fs.statSync(path.join(stage, 'dist', f)).size]));
  // what activation loads: the core, and the entry that loads it (none before the entry existed, benched with --ref)
  const boot = path.join(stage, 'dist', 'boot.js');
  const bootBytes = fs.existsSync(boot) ? fs.statSync(boot).size : 0;
  const bundleBytes = fs.statSync(bundle).size + bootBytes;
  return {
    stage, bundle, boot: bootBytes ? boot : undefined, codeCache, bundleBytes, bootBytes, lazyBytes, totalBundleBytes: bundleBytes + Object.values(lazyBytes).reduce((a, b) => a + b, 0), vsix, vsixBytes: fs.statSync(vsix).size, vsixFiles, emulator,
    composition: bundleComposition(bundle),
  };
}

const B64 = Object.fromEntries([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** Decodes one source map segment (base64 VLQ) into its numbers. */
function vlq(seg) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of seg) {
    const d = B64[c];
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * Which sources the minified bytes come from, from the bundle's source map (esbuild.js writes
 * dist/extension.js.map in production): each generated span is attributed to the source of the
 * mapping that starts it; bytes with no mapping (esbuild's module wrappers) count as "(bundler)".
 * Grouped as "src/<folder>" and "node_modules/<package>". @returns {Array<[string, number]>} largest first
 */
export function bundleComposition(bundle) {
  let map;
  try { map = JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')); } catch { return []; }
  const lines = fs.readFileSync(bundle, 'utf8').split('\n');
  const group = (src) => {
    const s = src.replace(/^(\.\.\/)+/, '');
    const nm = s.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (nm) return `node_modules/${nm[1]}`;
    const m = s.match(/^src\/([^/]+)\//);
    return m ? `src/${m[1]}/` : s;
  };
  const bytes = new Map();
  const add = (k, n) => bytes.set(k, (bytes.get(k) || 0) + n);
  let source = 0;
  map.mappings.split(';').forEach((line, li) => {
    const text = lines[li] ?? '';
    let col = 0;
    let prevCol = 0;
    let prevSrc = -1;
    for (const seg of line ? line.split(',') : []) {
      const f = vlq(seg);
      col += f[0];
      add(prevSrc >= 0 ? group(map.sources[prevSrc]) : '(bundler)', Buffer.byteLength(text.slice(prevCol, col)));
      if (f.length >= 4) {
        source += f[1];
        prevSrc = source;
      } else {
        prevSrc = -1;
      }
      prevCol = col;
    }
    add(prevSrc >= 0 ? group(map.sources[prevSrc]) : '(bundler)', Buffer.byteLength(text.slice(prevCol)) + 1);
  });
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

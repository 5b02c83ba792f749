// Test host variants: a copy of an installed host (install.sh) made of hard links — it costs the disk
// only its folder entries — changed where a suite needs it; the installed host itself is never
// touched (a changed file is written anew and renamed over its link, never written through it).
//
// The GitHub test host (`githubTestHost`), for the suites that sign in to GitHub (run-host-tests.mjs
// --github): VS Code's own GitHub authentication (extensions/github-authentication, which registers
// the `github` and `github-enterprise` providers and needs the internet to sign in) is left out, so
// the test providers of test/fixtures/github-auth answer instead (code-server has no
// --disable-extension). And the extension under test is trusted with those sessions, as VS Code
// trusts its own git and GitHub extensions (product.json's trustedExtensionAuthAccess, baked into
// the web workbench): VS Code asks the person before handing a session to any other extension, and
// refuses every dialog in an extension test run, so without it no in-host test could get a session.
// Signing in anew (no session yet) still asks, as it does for every extension.
//
// The variant lives next to its host (<host folder>-github-test) with its own marker, which names the
// host's marker and a stamp of this file: a host reinstalled, or this file changed, makes it again
// (seconds). install.sh's clean-up of a host's old folders takes the variant's along.
// CLI: node scripts/host/variants.mjs github <host>   (makes it when needed, prints its folder)
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostInfo, REPO } from './hosts.mjs';

const VSCODE = path.join('lib', 'node_modules', 'code-server', 'lib', 'vscode');
/** VS Code's own GitHub authentication, inside a host's folder. */
export const BUILTIN_GITHUB_AUTH = path.join(VSCODE, 'extensions', 'github-authentication');
/** The web workbench, with the product configuration baked in. */
const WORKBENCH = path.join(VSCODE, 'out', 'vs', 'code', 'browser', 'workbench', 'workbench.js');
const TRUSTED = 'trustedExtensionAuthAccess:[';
/** The test extension standing in for VS Code's GitHub sign-in. */
export const GITHUB_AUTH_FIXTURE = path.join(REPO, 'test', 'fixtures', 'github-auth');
const SUFFIX = 'github-test';

/** The id VS Code knows the extension under test by (lower case, as VS Code compares it). */
function productId() {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}`.toLowerCase();
}

function readText(file) {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}

/** What the variant must have been made from: the host's marker, this file, the trusted id. */
function variantStamp(base) {
  return crypto.createHash('sha256')
    .update(readText(base.marker) ?? '').update('\0')
    .update(fs.readFileSync(fileURLToPath(import.meta.url))).update('\0')
    .update(productId())
    .digest('hex').slice(0, 12);
}

/** The GitHub test host of host `name` as hostInfo describes a host (installed: made and current). */
export function githubTestHostInfo(name) {
  const base = hostInfo(name);
  const prefix = `${base.prefix}-${SUFFIX}`;
  const marker = path.join(prefix, '.turso-host-complete');
  const stamp = base.installed ? variantStamp(base) : '';
  let m;
  try { m = JSON.parse(fs.readFileSync(marker, 'utf8')); } catch { /* not made */ }
  return {
    ...base, prefix, marker, bin: path.join(prefix, 'bin', 'code-server'),
    variant: SUFFIX, variantStamp: stamp, base,
    installed: base.installed && m?.variantStamp === stamp,
    label: `${base.label} without VS Code's GitHub sign-in`,
    repair: `rm -rf '${prefix}' (the next run makes it again from the host; the host itself: ${base.repair})`,
  };
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180000 });
  if (r.error || r.status !== 0) {
    throw new Error(`${what} failed (${r.error ? r.error.message : `exit ${r.status}${r.signal ? `, signal ${r.signal}` : ''}`}): ${`${r.stderr || ''}`.trim().split('\n').slice(-5).join(' | ')}`);
  }
}

/** Writes `text` into `file` as a new file (renamed over it), so a hard-linked original keeps its content. */
function replaceFile(file, text) {
  const tmp = `${file}.${process.pid}.new`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Makes the variant's folder `dir` from the host `base`; every step checked. */
function makeVariant(base, dir, info) {
  run('cp', ['-al', base.prefix, dir], `hard-linking ${base.prefix} into ${dir}`);
  fs.rmSync(path.join(dir, '.turso-host-complete'), { force: true }); // the host's marker: the variant writes its own
  // 1. without VS Code's GitHub authentication
  fs.rmSync(path.join(dir, BUILTIN_GITHUB_AUTH), { recursive: true, force: true });
  if (fs.existsSync(path.join(dir, BUILTIN_GITHUB_AUTH))) throw new Error(`could not remove ${path.join(dir, BUILTIN_GITHUB_AUTH)}`);
  if (!fs.existsSync(path.join(dir, VSCODE, 'extensions', 'git'))) throw new Error(`${dir} has no VS Code extensions folder: is ${base.prefix} a code-server install?`);
  // 2. the extension under test trusted with authentication sessions
  const file = path.join(dir, WORKBENCH);
  const js = readText(file);
  if (js === undefined) throw new Error(`${file} not found: this code-server's web workbench is elsewhere (scripts/host/variants.mjs needs updating)`);
  const at = js.indexOf(TRUSTED);
  if (at < 0 || js.indexOf(TRUSTED, at + 1) >= 0) {
    throw new Error(`${file} has ${at < 0 ? 'no' : 'more than one'} "${TRUSTED}" (the product configuration): scripts/host/variants.mjs needs updating for code-server ${base.codeServer}`);
  }
  const id = productId();
  replaceFile(file, js.slice(0, at + TRUSTED.length) + JSON.stringify(id) + ',' + js.slice(at + TRUSTED.length));
  if (readText(path.join(base.prefix, WORKBENCH))?.includes(`${TRUSTED}${JSON.stringify(id)}`)) throw new Error(`the host's own ${WORKBENCH} changed: reinstall it (${base.repair})`);
  fs.writeFileSync(path.join(dir, '.turso-host-complete'), JSON.stringify({
    name: base.name, variant: SUFFIX, variantStamp: info.variantStamp, of: base.prefix, trusted: id, madeAt: new Date().toISOString(),
  }) + '\n');
}

/**
 * The GitHub test host of host `name`, made (or made again) when it is missing or stale.
 * Throws when the host itself is not installed, or a step fails (naming the step).
 */
export function githubTestHost(name) {
  const info = githubTestHostInfo(name);
  if (info.installed) return info;
  const base = info.base;
  if (!base.installed) throw new Error(`host ${base.label} is not installed in ${base.prefix} (run: npm run hosts:install -- ${name})`);
  const t0 = Date.now();
  // leftovers of runs that stopped half-way (a folder ending in .tmp: install.sh's clean-up leaves those alone)
  for (const e of fs.readdirSync(path.dirname(info.prefix))) {
    const p = path.join(path.dirname(info.prefix), e);
    if (e.startsWith(`${path.basename(info.prefix)}.`) && e.endsWith('.tmp') && Date.now() - fs.statSync(p).mtimeMs > 3600e3) fs.rmSync(p, { recursive: true, force: true });
  }
  const tmp = `${info.prefix}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    makeVariant(base, tmp, info);
    if (fs.existsSync(info.prefix)) {
      const old = `${info.prefix}.${process.pid}.old.tmp`;
      fs.renameSync(info.prefix, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    try {
      fs.renameSync(tmp, info.prefix);
    } catch (e) {
      // another run made it meanwhile: use theirs when it is current
      if (!githubTestHostInfo(name).installed) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const made = githubTestHostInfo(name);
  if (!made.installed) throw new Error(`the GitHub test host ${made.prefix} was made but its marker does not match`);
  console.log(`made the GitHub test host ${made.prefix} (hard links of ${base.prefix}, without ${path.basename(BUILTIN_GITHUB_AUTH)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return made;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [kind, name] = process.argv.slice(2);
  try {
    if (kind !== 'github') throw new Error(`usage: node scripts/host/variants.mjs github <host>`);
    console.log(githubTestHost(name).prefix);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

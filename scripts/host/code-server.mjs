// Start / stop code-server (a real VS Code server-distro build) and install a VSIX into it.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { hostEnv } from './hosts.mjs';
import { freePort, isAlive, runBounded, sleep, spawnTracked, stopPid } from './procs.mjs';

/** What a host whose install is incomplete prints: a module of VS Code's server is missing or built for another Node. */
const BROKEN = /Cannot find (package|module) '[^']+'|ERR_MODULE_NOT_FOUND|was compiled against a different Node\.js version|NODE_MODULE_VERSION \d+/;

/** The line that says why a host is broken, or undefined when `output` shows nothing of the kind. */
export function brokenHostLine(output) {
  const line = String(output).split('\n').find((l) => BROKEN.test(l));
  return line?.trim().slice(0, 300);
}

/** Thrown when a cached host cannot run: one message naming its folder and the repair command. */
export class HostBrokenError extends Error {
  constructor(info, why) {
    super(`the VS Code host ${info.label} in ${info.prefix} is broken: ${why}\n` +
      `Repair it with: ${info.repair}   (or delete that folder; the next \`npm test\` reinstalls it)`);
    this.name = 'HostBrokenError';
  }
}

/**
 * A host found broken loses its marker, so the next install (npm test's setup, npm start, install.sh)
 * puts it back instead of reusing it.
 */
function markBroken(info, why) {
  try { fs.rmSync(info.marker, { force: true }); } catch { /* read-only cache: the message still says what to do */ }
  return new HostBrokenError(info, why);
}

/**
 * A quick check that the host's server modules load (`--list-extensions` goes through VS Code's
 * server-main, as `--install-extension` and the server itself do): seconds, not the minutes a suite
 * would wait for an extension host that cannot start. Throws HostBrokenError.
 */
export async function probeHost(info, { timeoutMs = 60000 } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `turso-probe-${info.name}-`));
  try {
    const d = instanceDirs(root);
    const r = await runBounded(info.bin, ['--config', '/dev/null', '--user-data-dir', d.data, '--extensions-dir', d.ext, '--list-extensions'],
      { env: baseEnv(info, d), timeoutMs, label: `code-server ${info.codeServer} --list-extensions`, quiet: true });
    const broken = brokenHostLine(r.output);
    if (broken) throw markBroken(info, broken);
    if (r.code !== 0) throw markBroken(info, `\`code-server --list-extensions\` ${r.timedOut ? `did not finish within ${timeoutMs / 1000} s` : `exited with ${r.code}`}: ${r.output.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Settings that keep a fresh workbench quiet (no walkthroughs, no update/telemetry prompts, no trust dialog). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function tail(file, n = 40) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return '(no log)'; }
}

/**
 * Workspace trust on, no trust prompt at startup: the folder opens in Restricted Mode (the workbench
 * asks nothing; it stays untrusted until someone trusts it).
 */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.emptyWindow': false,
};

/** Merges `settings` into <root>/data/User/settings.json (creating it with QUIET_SETTINGS). */
export function writeUserSettings(root, settings = {}) {
  const file = path.join(root, 'data', 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let current = { ...QUIET_SETTINGS };
  try { current = { ...current, ...JSON.parse(fs.readFileSync(file, 'utf8')) }; } catch { /* new or not plain JSON */ }
  fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
  return file;
}

/** State folders of one code-server instance, all under `root` (HOME, user data, extensions, workspace). */
export function instanceDirs(root, extensionsDir) {
  const d = {
    root,
    home: path.join(root, 'home'),
    data: path.join(root, 'data'),
    ext: extensionsDir || path.join(root, 'ext'),
    ws: path.join(root, 'ws'),
    tmp: path.join(root, 'tmp'),
    log: path.join(root, 'code-server.log'),
    config: path.join(root, 'config.yaml'),
  };
  for (const k of ['home', 'data', 'ext', 'ws', 'tmp']) fs.mkdirSync(d[k], { recursive: true });
  return d;
}

function baseEnv(info, d, extra) {
  return hostEnv(info, {
    TMPDIR: d.tmp, HOME: d.home,
    XDG_CONFIG_HOME: path.join(d.home, '.config'), XDG_DATA_HOME: path.join(d.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(d.home, '.cache'),
    ...extra,
  });
}

/** `code-server --install-extension <vsix>` into the instance's extensions folder (bounded). */
export async function installExtension(info, { root, vsix, extensionsDir, timeoutMs = 180000, prefix = '' }) {
  const d = instanceDirs(root, extensionsDir);
  if (!fs.existsSync(vsix)) throw new Error(`VSIX not found: ${vsix} (build it with: npm run package)`);
  const r = await runBounded(info.bin, ['--config', '/dev/null', '--user-data-dir', d.data, '--extensions-dir', d.ext,
    '--force', '--install-extension', vsix],
  { env: baseEnv(info, d), timeoutMs, label: `code-server ${info.codeServer} --install-extension`, prefix, quiet: true });
  const broken = brokenHostLine(r.output);
  if (broken) throw markBroken(info, broken);
  if (r.code !== 0 || !/successfully installed/i.test(r.output)) {
    throw new Error(`installing ${path.basename(vsix)} into code-server ${info.codeServer} failed` +
      `${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ` (exit ${r.code})`}:\n${r.output.trim().split('\n').slice(-15).join('\n')}`);
  }
  return d.ext;
}

/**
 * Starts code-server on 127.0.0.1, `--auth none`, all state under `root`; waits for /healthz.
 * @param {ReturnType<import('./hosts.mjs').hostInfo>} info
 * @param {{root: string, port?: number, smoke?: boolean, proxy?: boolean, untrusted?: boolean, settings?: object, extensionsDir?: string,
 *          env?: object, timeoutMs?: number, extraArgs?: string[], strictPort?: boolean}} o
 *   smoke: pass --enable-smoke-test-driver (needed for ?payload= in-host tests; hides notification toasts)
 *   untrusted: workspace trust on, the folder opened in Restricted Mode (never trusted, no prompt)
 *   proxy: keep code-server's port proxy (/proxy/<port>/) on: VS Code rewrites localhost URLs that an
 *          extension opens with openExternal to it (the browser sign-in against a local emulator)
 */
export async function startCodeServer(info, o) {
  // (options documented above; `proxy` defaults to off, as in the reference recipe)
  if (!info.installed) throw new Error(`host ${info.label} is not installed in ${info.prefix} (run: npm run hosts:install -- ${info.name})`);
  const d = instanceDirs(o.root, o.extensionsDir);
  writeUserSettings(o.root, { ...o.settings, ...(o.untrusted ? UNTRUSTED_SETTINGS : {}) });
  const port = o.strictPort ? o.port : await freePort(o.port || 0);
  if (o.strictPort && await freePort(port) !== port) throw new Error(`port ${port} is in use`);
  fs.writeFileSync(d.config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  fs.writeFileSync(d.log, '');
  const args = ['--config', d.config, '--user-data-dir', d.data, '--extensions-dir', d.ext,
    '--disable-telemetry', '--disable-update-check', ...(o.untrusted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    ...(o.proxy ? [] : ['--disable-proxy']), '--ignore-last-opened',
    ...(o.smoke ? ['--enable-smoke-test-driver'] : []), ...(o.extraArgs || []), d.ws];
  const label = `code-server ${info.codeServer} :${port}${o.smoke ? ' (smoke-test driver)' : ''}`;
  const child = spawnTracked(info.bin, args, { env: baseEnv(info, d, o.env), label, logFile: d.log });
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, sig) => resolve(exited = { code, sig })));
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = o.timeoutMs ?? 60000;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited || (child.pid && !isAlive(child.pid))) {
      // the process is gone: its exit event (with the code) follows; bounded, the message does without it
      await Promise.race([exit, sleep(2000)]);
      const how = exited ? (exited.sig ? ` (signal ${exited.sig})` : ` (exit code ${exited.code})`) : '';
      const broken = brokenHostLine(tail(d.log, 200));
      if (broken) throw markBroken(info, broken);
      throw new Error(`${label} exited during startup${how}; its log ${d.log}:\n${tail(d.log)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > until) {
      await stopPid(child.pid, { label });
      throw new Error(`${label} did not answer /healthz within ${timeoutMs / 1000} s; log ${d.log}:\n${tail(d.log)}`);
    }
    await sleep(250);
  }
  return {
    pid: child.pid, port, url, dirs: d, label, log: d.log,
    folderUrl: `${url}/?folder=${encodeURIComponent(d.ws)}`,
    stop: () => stopPid(child.pid, { label, graceMs: 10000 }),
    logTail: (n) => tail(d.log, n),
    /** Throws HostBrokenError when the server's log shows a missing module (a broken install). */
    assertHealthy: () => {
      const broken = brokenHostLine(tail(d.log, 400));
      if (broken) throw markBroken(info, broken);
    },
  };
}

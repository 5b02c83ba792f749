// Processes the harness starts: each in its own process group, recorded by PID, stopped by PID
// (SIGTERM to its group, SIGKILL after a grace period) at the end, also on failure, timeout and Ctrl-C.
// When TURSO_PIDFILE is set, every PID is appended to it, so a parent (scripts/test-all.mjs) can
// still stop them if this process itself is killed hard.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** @type {Map<number, {label: string, child: import('node:child_process').ChildProcess}>} */
const tracked = new Map();

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try { // a zombie is as good as dead
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, sig) {
  try { process.kill(-pid, sig); return; } catch { /* not a group leader: fall through */ }
  try { process.kill(pid, sig); } catch { /* gone */ }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Stops one process (and its process group) by PID: SIGTERM, then SIGKILL after graceMs. */
export async function stopPid(pid, { graceMs = 10000, label = '' } = {}) {
  if (!pid) return;
  if (!isAlive(pid) && !groupAlive(pid)) { tracked.delete(pid); return; }
  signal(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until && (isAlive(pid) || groupAlive(pid))) await sleep(100);
  if (isAlive(pid) || groupAlive(pid)) {
    console.error(`[procs] ${label || pid} did not stop within ${graceMs} ms of SIGTERM: SIGKILL`);
    signal(pid, 'SIGKILL');
    const until2 = Date.now() + 5000;
    while (Date.now() < until2 && isAlive(pid)) await sleep(100);
  }
  tracked.delete(pid);
}

export async function stopAll() {
  const pids = [...tracked.keys()].reverse(); // last started first
  for (const pid of pids) await stopPid(pid, { label: tracked.get(pid)?.label });
}

function record(pid, label) {
  tracked.set(pid, { label, child: undefined });
  if (process.env.TURSO_PIDFILE) {
    try { fs.appendFileSync(process.env.TURSO_PIDFILE, `${pid}\t${label}\n`); } catch { /* best effort */ }
  }
}

/**
 * Spawns a tracked process in its own process group.
 * @param {string} cmd @param {string[]} args
 * @param {import('node:child_process').SpawnOptions & {label?: string, logFile?: string}} opts
 */
export function spawnTracked(cmd, args, opts = {}) {
  const { label = cmd, logFile, ...rest } = opts;
  let stdio = rest.stdio ?? 'inherit';
  let fd;
  if (logFile) {
    fd = fs.openSync(logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  const child = spawn(cmd, args, { ...rest, stdio, detached: true });
  if (fd !== undefined) fs.closeSync(fd);
  if (child.pid) {
    record(child.pid, label);
    tracked.get(child.pid).child = child;
    child.once('exit', () => { if (!groupAlive(child.pid)) tracked.delete(child.pid); });
  }
  return child;
}

/**
 * Runs a command to completion with a time bound. Output is passed through (prefixed when `prefix`)
 * and collected. Never rejects: resolves {code, signal, timedOut, output, ms}.
 */
export function runBounded(cmd, args, { timeoutMs, label = cmd, cwd, env, prefix = '', quiet = false, onLine } = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawnTracked(cmd, args, { cwd, env, label, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const pending = { stdout: '', stderr: '' };
    const onData = (name) => (buf) => {
      const s = buf.toString();
      output += s;
      if (output.length > 4_000_000) output = output.slice(-2_000_000);
      pending[name] += s;
      const lines = pending[name].split('\n');
      pending[name] = lines.pop();
      for (const l of lines) {
        if (!quiet) (name === 'stderr' ? process.stderr : process.stdout).write(prefix + l + '\n');
        onLine?.(l);
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    const timer = timeoutMs ? setTimeout(() => {
      timedOut = true;
      console.error(`${prefix}[timeout] ${label} did not finish within ${Math.round(timeoutMs / 1000)} s: stopping it (PID ${child.pid})`);
      stopPid(child.pid, { label, graceMs: 8000 });
    }, timeoutMs) : undefined;
    child.on('error', (e) => { output += `\n${e.message}\n`; });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      for (const name of ['stdout', 'stderr']) if (pending[name]) {
        if (!quiet) (name === 'stderr' ? process.stderr : process.stdout).write(prefix + pending[name] + '\n');
        onLine?.(pending[name]);
      }
      tracked.delete(child.pid);
      resolve({ code, signal: sig, timedOut, output, ms: Date.now() - t0 });
    });
  });
}

/** Stops the PIDs listed in a pidfile (written by child harness processes) that are still alive. */
export async function stopPidfile(file) {
  let lines = [];
  try { lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean); } catch { return []; }
  const stopped = [];
  for (const line of lines.reverse()) {
    const [pidS, label] = line.split('\t');
    const pid = Number(pidS);
    if (pid > 1 && (isAlive(pid) || groupAlive(pid))) {
      stopped.push(`${pid} (${label})`);
      await stopPid(pid, { label, graceMs: 8000 });
    }
  }
  return stopped;
}

let handlersInstalled = false;
/**
 * On SIGINT/SIGTERM/SIGHUP: `onSignal(sig)`, stop everything tracked, then exit (130/143) — unless
 * `exit: false`, for a caller that winds down itself. On exit: SIGKILL leftovers (sync).
 */
export function installSignalHandlers(onSignal, { exit = true } = {}) {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n[procs] ${sig}: stopping ${tracked.size} process(es) we started`);
      try { await onSignal?.(sig); } catch { /* keep going */ }
      await stopAll();
      if (exit) process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('exit', () => {
    for (const pid of tracked.keys()) signal(pid, 'SIGKILL');
  });
}

/** Polls fn until it returns a truthy value; throws `message` after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 30000, intervalMs = 200, message = 'condition' } = {}) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${message}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** A free TCP port on 127.0.0.1 (or `preferred` when it is free). */
export function freePort(preferred = 0) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (e) => {
      if (preferred) resolve(freePort(0)); else reject(e);
    });
    srv.listen(preferred, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// The machine the numbers came from, and the processes the bench looks at through /proc.
import fs from 'node:fs';
import os from 'node:os';
import { runBounded } from '../host/procs.mjs';

export async function machineInfo() {
  const cpus = os.cpus();
  let chromium = '';
  try {
    const r = await runBounded(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'], { timeoutMs: 15000, quiet: true });
    chromium = r.output.trim().split('\n').pop();
  } catch { /* not fatal */ }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism ? os.availableParallelism() : cpus.length,
    cpu: cpus[0]?.model?.trim() || 'unknown',
    memGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    loadavg: os.loadavg(),
  };
}

function stat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), start: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

function cmdline(pid) {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '); } catch { return ''; }
}

/** All live descendants of `root` (by parent PID), with their command lines and start times. */
export function descendants(root) {
  const all = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) all.push({ pid: Number(d), ...s });
  }
  const out = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop();
    for (const c of all) {
      if (c.ppid === p) {
        out.push({ ...c, cmd: cmdline(c.pid) });
        frontier.push(c.pid);
      }
    }
  }
  return out;
}

/** The newest extension host (`--type=extensionHost`) started by the code-server with PID `csPid`. */
export function extensionHostPid(csPid) {
  const hosts = descendants(csPid).filter((p) => /--type=extensionHost/.test(p.cmd)).sort((a, b) => b.start - a.start);
  return hosts[0]?.pid;
}

/** CPU time (user + system) of a process, in clock ticks (usually 10 ms). */
export function cpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return undefined;
  }
}

/**
 * Waits until a process has been quiet (under `maxShare` of one core) for two consecutive 250 ms
 * windows, or `timeoutMs` passed; resolves how long it waited.
 */
export async function waitQuiet(pid, { maxShare = 0.1, timeoutMs = 10000 } = {}) {
  const t0 = Date.now();
  let quiet = 0;
  let last = cpuTicks(pid);
  while (last !== undefined && quiet < 2 && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuTicks(pid);
    if (now === undefined) break;
    quiet = (now - last) * 10 <= 250 * maxShare ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - t0;
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function memoryMiB(pid) {
  const txt = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((txt.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')) || [])[1] || NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** PIDs of chromium processes using this profile folder (what Playwright launched for us). */
export function chromiumPids(profileDir) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const c = cmdline(Number(d));
    if (/chrom/.test(c) && c.includes(`--user-data-dir=${profileDir}`)) out.push(Number(d));
  }
  return out;
}

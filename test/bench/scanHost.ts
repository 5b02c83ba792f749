// The workspace-token scan measured inside the real extension host (loaded as `extensionTestsPath`
// by scripts/bench/scan.mjs through scripts/host/run-host-tests.mjs): the extension's own scanner on
// the workspace folder the bench generated, timed from start()/rescan() to its result, with a timer
// drift sampler running in this same event loop to catch any stall the scan causes.
// Writes its figures to $TURSO_HOST_TEST_RESULTS (with passed/failed, as the in-host runner expects).
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScanStats, WorkspaceTokens } from '../../src/workspace/workspaceTokens';

const EXTENSION_ID = 'tursotools.turso-api-tokens';
/** The sampler's period: a tick late by more than this much is the event loop blocked that long. */
const TICK_MS = 2;

export interface ScanRun {
  kind: 'first' | 'rescan' | 'search-only';
  ms: number;
  /** Time this event loop was busy (not waiting) during the scan: the scan's own work, and anything else the host ran meanwhile. */
  busyMs: number;
  /** An idle window of the same length right after, for comparison: its longest stall, block and busy time. */
  idle: { maxStallMs: number; maxBlockMs: number; busyMs: number };
  /** Longest gap between two sampler ticks beyond the period, during the scan. */
  maxStallMs: number;
  /** Gaps over 50 ms (and over 16 ms) during the scan. */
  stallsOver50: number;
  stallsOver16: number;
  /** The longest time the loop ran code between two ticks (a stall that was code, not scheduling), and how many over 50 ms. */
  maxBlockMs: number;
  blocksOver50: number;
  stats?: ScanStats;
  /** With TURSO_BENCH_SCAN_PROFILE=1: whose code ran in the longest run of code, in the scan and in its idle window. */
  profile?: { scan?: BlockProfile; idle?: BlockProfile };
}

/** The CPU profile's samples inside one run of code (between two sampler ticks), by whose code they were. */
export interface BlockProfile {
  /** The run of code, as the drift sampler saw it. */
  ms: number;
  /** Sampled time (ms) by origin: this extension's bundle, VS Code's code, Node's, the garbage collector, native/other. */
  byOrigin: Record<string, number>;
  /** The functions with the most sampled self time: `name (file:line)` and ms. */
  top: { fn: string; origin: string; ms: number }[];
}

export interface ScanBenchResult {
  vscode: string;
  node: string;
  expected: { envFiles: number; filesWithTokens: number };
  baseline: { ms: number; maxStallMs: number; stallsOver50: number; stallsOver16: number; maxBlockMs: number; blocksOver50: number };
  runs: ScanRun[];
}

/**
 * Samples the event loop: a timer re-armed every TICK_MS, the lateness of each tick recorded, and how
 * much of each gap the loop spent running code (event-loop utilization between two ticks). A late tick
 * with the loop busy all along is code blocking it; a late tick with the loop idle is the process not
 * getting a core (this machine is shared), which no code of ours can cause or avoid.
 */
class DriftSampler {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private lastElu = performance.eventLoopUtilization();
  readonly gaps: number[] = [];
  readonly busy: number[] = [];
  /** performance.now() at each recorded tick: gap i ends at ends[i] and started at ends[i] - gaps[i] - TICK_MS. */
  readonly ends: number[] = [];

  start(): void {
    this.last = performance.now();
    this.lastElu = performance.eventLoopUtilization();
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    this.record();
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  private record(): void {
    const now = performance.now();
    const elu = performance.eventLoopUtilization();
    this.gaps.push(now - this.last - TICK_MS);
    this.busy.push(performance.eventLoopUtilization(elu, this.lastElu).active);
    this.ends.push(now);
    this.last = now;
    this.lastElu = elu;
  }

  /** Stops, counting the time since the last tick as a gap too (a stall at the very end shows). */
  stop(): { maxStallMs: number; stallsOver50: number; stallsOver16: number; maxBlockMs: number; blocksOver50: number } {
    if (this.timer) clearTimeout(this.timer);
    this.record();
    return {
      maxStallMs: round(Math.max(0, ...this.gaps)),
      stallsOver50: this.gaps.filter((g) => g > 50).length,
      stallsOver16: this.gaps.filter((g) => g > 16).length,
      maxBlockMs: round(Math.max(0, ...this.busy)),
      blocksOver50: this.busy.filter((b) => b > 50).length,
    };
  }

  /** The window [start, end] (performance.now() ms) of the longest run of code, when there was one. */
  longestBlock(): { start: number; end: number; ms: number } | undefined {
    let best = -1;
    this.busy.forEach((b, i) => {
      if (best < 0 || b > this.busy[best]) best = i;
    });
    if (best < 0 || this.busy[best] <= 0) return undefined;
    return { start: this.ends[best] - this.gaps[best] - TICK_MS, end: this.ends[best], ms: round(this.busy[best]) };
  }
}

interface CpuProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
interface CpuProfile { nodes: CpuProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[]; }

/**
 * A V8 CPU profile of this extension host, taken around one scan and its idle window (the inspector
 * module's own session: nothing leaves the process). Sampled every 250 µs; it slows the code it
 * samples a little, which is why it is only on with TURSO_BENCH_SCAN_PROFILE=1.
 */
class HostProfiler {
  private readonly session = new inspector.Session();
  /** performance.now() minus the profiler clock (µs → ms): both are CLOCK_MONOTONIC on Linux. */
  private offset = 0;

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => this.session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 250 });
    const hr = Number(process.hrtime.bigint()) / 1e6;
    this.offset = performance.now() - hr;
    await this.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = await this.post<{ profile: CpuProfile }>('Profiler.stop');
    await this.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }

  /** The samples of `profile` that fall in [window.start, window.end], attributed. */
  attribute(profile: CpuProfile, window: { start: number; end: number; ms: number }, extensionPath: string): BlockProfile {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const byOrigin: Record<string, number> = {};
    const byFn = new Map<string, { fn: string; origin: string; ms: number }>();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const at = t / 1000 + this.offset;
      // A sample stands for the interval up to the next one.
      const next = i + 1 < profile.samples.length ? (t + (profile.timeDeltas[i + 1] ?? 0)) / 1000 + this.offset : at;
      if (at < window.start || at > window.end) continue;
      const node = nodes.get(profile.samples[i]);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const origin = originOf(functionName, url, extensionPath);
      if (origin === 'idle') continue;
      const ms = Math.max(0, next - at);
      byOrigin[origin] = (byOrigin[origin] ?? 0) + ms;
      const key = `${functionName || '(anonymous)'} (${shortUrl(url)}:${lineNumber + 1})`;
      const entry = byFn.get(key) ?? { fn: key, origin, ms: 0 };
      entry.ms += ms;
      byFn.set(key, entry);
    }
    for (const k of Object.keys(byOrigin)) byOrigin[k] = round(byOrigin[k]);
    const top = [...byFn.values()].sort((a, b) => b.ms - a.ms).slice(0, 6).map((e) => ({ ...e, ms: round(e.ms) }));
    return { ms: window.ms, byOrigin, top };
  }
}

function originOf(functionName: string, url: string, extensionPath: string): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  // V8 outside JavaScript (Node's own C++ work, or waiting, when Node does not mark the loop idle).
  if (functionName === '(program)') return 'program';
  if (!url) return 'builtin';
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  if (file.startsWith(path.join(extensionPath, 'dist'))) return 'this extension';
  // This bench's own sampler (out/test/bench).
  if (file.startsWith(extensionPath)) return 'bench';
  if (url.startsWith('node:')) return 'node';
  return 'vscode';
}

function shortUrl(url: string): string {
  if (!url) return 'native';
  const parts = url.split('/');
  return parts.slice(-2).join('/');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const PROFILE = process.env.TURSO_BENCH_SCAN_PROFILE === '1';
let extensionPath = '';

async function measure(kind: ScanRun['kind'], scan: () => Promise<unknown>, scanner: WorkspaceTokens): Promise<ScanRun> {
  const profiler = PROFILE ? new HostProfiler() : undefined;
  await profiler?.start();
  const sampler = new DriftSampler();
  sampler.start();
  // Let the sampler tick once before the scan starts, so its first gap is not the scan's set-up.
  await sleep(TICK_MS * 2);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await scan();
  const ms = performance.now() - t0;
  const busyMs = performance.eventLoopUtilization(elu0).active;
  // The scan's result is in; anything it left for later (none expected) would show in the next ticks.
  await sleep(20);
  const stalls = sampler.stop();
  // The same length of doing nothing, sampled the same way: what the host and the machine add anyway.
  const idle = new DriftSampler();
  idle.start();
  const idleElu = performance.eventLoopUtilization();
  await sleep(Math.max(ms + 20, 50));
  const idleBusy = performance.eventLoopUtilization(idleElu).active;
  const quiet = idle.stop();
  let profile: ScanRun['profile'];
  if (profiler) {
    const cpu = await profiler.stop();
    const scanBlock = sampler.longestBlock();
    const idleBlock = idle.longestBlock();
    profile = {
      scan: scanBlock && profiler.attribute(cpu, scanBlock, extensionPath),
      idle: idleBlock && profiler.attribute(cpu, idleBlock, extensionPath),
    };
  }
  return {
    kind, ms: round(ms), busyMs: round(busyMs), ...stalls,
    idle: { maxStallMs: quiet.maxStallMs, maxBlockMs: quiet.maxBlockMs, busyMs: round(idleBusy) }, stats: scanner.lastScan,
    ...(profile ? { profile } : {}),
  };
}

export async function run(): Promise<void> {
  const resultsFile = process.env.TURSO_HOST_TEST_RESULTS;
  const runs = Number(process.env.TURSO_BENCH_SCAN_RUNS || '9');
  const expected = {
    envFiles: Number(process.env.TURSO_BENCH_SCAN_ENV_FILES || '0'),
    filesWithTokens: Number(process.env.TURSO_BENCH_SCAN_TOKEN_FILES || '0'),
  };
  const title = `scan bench ${vscode.workspace.workspaceFolders?.[0]?.name ?? '(no folder)'}`;
  const write = (state: 'passed' | 'failed', extra: Record<string, unknown>): void => {
    if (!resultsFile) return;
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, JSON.stringify({
      passed: state === 'passed' ? 1 : 0, failed: state === 'failed' ? 1 : 0, tests: [{ title, state, ...(extra.error ? { error: extra.error } : {}) }], ...extra,
    }, null, 2));
  };
  try {
    const ext = vscode.extensions.getExtension<{ workspaceTokens?: WorkspaceTokens }>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this host`);
    extensionPath = ext.extensionPath;
    const api = await ext.activate();
    const scanner = api.workspaceTokens;
    if (!scanner) throw new Error('activate() did not expose workspaceTokens (not in test mode?)');
    // The window has just opened (built-in extensions activate, `workspaceContains` searches run): wait
    // until this extension host has been quiet — its loop under 5 % busy for 1 s — at most 30 s.
    await sleep(1000);
    for (let quiet = 0, until = Date.now() + 30000; quiet < 2 && Date.now() < until;) {
      const elu = performance.eventLoopUtilization();
      await sleep(500);
      quiet = performance.eventLoopUtilization(elu).utilization < 0.05 ? quiet + 1 : 0;
    }
    const idle = new DriftSampler();
    idle.start();
    const t0 = performance.now();
    await sleep(1500);
    const baseline = { ms: round(performance.now() - t0), ...idle.stop() };

    const result: ScanBenchResult = { vscode: vscode.version, node: process.version, expected, baseline, runs: [] };
    result.runs.push(await measure('first', () => scanner.start(), scanner));
    for (let i = 0; i < runs; i++) {
      await sleep(300);
      result.runs.push(await measure('rescan', () => scanner.rescan(), scanner));
    }
    // VS Code's file search alone, as the scanner calls it (its default patterns): the share of the
    // cost that is the search machinery's, not the scanner's.
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const include = new vscode.RelativePattern(folder, '{**/.env,**/.env.*,**/*.env}');
      const exclude = `{**/node_modules,**/.git,${Object.entries(vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {})
        .filter(([, on]) => on === true).map(([p]) => p).join(',')}}`;
      for (let i = 0; i < runs; i++) {
        await sleep(300);
        result.runs.push(await measure('search-only', () => Promise.resolve(vscode.workspace.findFiles(include, exclude)), scanner));
      }
    }
    const wrong = result.runs.filter((r) => r.kind !== 'search-only').find((r) => r.stats?.envFiles !== expected.envFiles || r.stats?.filesWithTokens !== expected.filesWithTokens);
    if (wrong) {
      throw new Error(`the scan found ${JSON.stringify(wrong.stats)}, expected ${expected.envFiles} env files of which ${expected.filesWithTokens} with tokens`);
    }
    write('passed', { bench: result });
  } catch (err) {
    write('failed', { error: String((err as Error)?.stack ?? err) });
    throw err;
  }
}

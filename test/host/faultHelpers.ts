// Helpers of the reliability and security suites (faults, leaks, hostile strings, concurrency):
// recording fakes of the UI the extension shows, the emulator's fixtures and request log, the
// extension's test probe, unhandled rejections, and the figures printed at the end of the run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestProbe } from '../../src/testing/testExtension';
import { activateExtension, Emulator, EXTENSION_ID, pointSignedOut, RevealProbe, TursoApi, waitFor } from './helpers';

// ---- the emulator, as these suites use it (test/emulator/server.ts) --------------------------------

export interface EmuRequest {
  method: string;
  /** Raw, percent-encoding preserved. */
  path: string;
  query: string;
  authorized: boolean;
  body?: unknown;
  status: number;
  /** Arrival (epoch ms) and how long until answered. */
  at: number;
  ms: number;
}

/** The most of `requests` that were being answered at the same moment (from arrival and duration). */
export function maxInFlight(requests: EmuRequest[]): number {
  let max = 0;
  for (const r of requests) {
    const overlapping = requests.filter((o) => o.at < r.at + r.ms && r.at < o.at + o.ms).length;
    max = Math.max(max, overlapping);
  }
  return max;
}

export interface EmuFault {
  kind: 'status' | 'timeout' | 'malformed' | 'wrong-shape' | 'huge' | 'reset' | 'delay';
  method?: string;
  path?: string;
  status?: number;
  error?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
}

export interface FixtureEmulator extends Emulator {
  readonly requests: EmuRequest[];
  injectFault(fault: EmuFault): void;
  mintLoginToken(opts?: { expiresInSeconds?: number; username?: string }): string;
  patchUser(username: string, fields: { name?: string; email?: string; plan?: string }): void;
  patchOrg(slug: string, fields: { name?: string }): void;
  addGroup(organization: string, name: string): void;
  addApiToken(opts: { name: string; owner?: string; organization?: string; group?: string; scopes?: string[] }): { id: string; token: string };
}

export function fixtures(emu: Emulator): FixtureEmulator {
  const e = emu as FixtureEmulator;
  assert.strictEqual(typeof e.addApiToken, 'function', 'the emulator has the fixture API (addApiToken, patchUser, …)');
  return e;
}

/** Requests recorded from index `mark` on. */
export function requestsSince(emu: FixtureEmulator, mark: number): EmuRequest[] {
  return emu.requests.slice(mark);
}

/** A localhost URL nothing listens on (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// ---- the extension, with its test probe (src/extension.ts, ExtensionMode.Test only) ---------------

/** A live reveal panel, as the extension exposes it under test (helpers.ts RevealProbe). */
export type RevealProbeLike = RevealProbe;

export interface ProbedApi extends TursoApi {
  revealPanels: () => readonly RevealProbeLike[];
  testProbe: TestProbe;
}

/** For a suite's setup: the probed extension pointed at `emu`, signed out, its tree empty. */
export async function probedSignedOut(emu: FixtureEmulator): Promise<ProbedApi> {
  await pointSignedOut(emu);
  return activateProbed();
}

export async function activateProbed(): Promise<ProbedApi> {
  const api = (await activateExtension()) as ProbedApi;
  assert.ok(api.testProbe && api.revealPanels, 'activate() exposes testProbe and revealPanels under test');
  return api;
}

/** Where the credential is kept (src/auth/credentialStore.ts): an index of accounts, and one key per account. */
export const INDEX_KEY = 'turso.accounts';
export const ACCOUNT_KEY_PREFIX = 'turso.account.';
/** Where versions before several accounts kept the one credential. */
export const LEGACY_CREDENTIAL_KEY = 'turso.platformApiToken';

/** The active account's credential, as stored. */
export async function storedCredential(secrets: vscode.SecretStorage): Promise<string | undefined> {
  const index = JSON.parse((await secrets.get(INDEX_KEY)) || '{"accounts":[]}') as { accounts: { id: string }[]; active?: string };
  const id = index.active ?? index.accounts[0]?.id;
  return id === undefined ? undefined : (await secrets.get(ACCOUNT_KEY_PREFIX + id)) || undefined;
}

/**
 * What another window does to the shared SecretStorage when it signs in with `token` as `username`
 * (one account, active) or signs out (`undefined`: the index names no account).
 */
export async function storeAsAnotherWindow(secrets: vscode.SecretStorage, token: string | undefined, username?: string): Promise<void> {
  const id = 'other-window';
  if (token === undefined) {
    await secrets.store(INDEX_KEY, JSON.stringify({ accounts: [] }));
    return;
  }
  await secrets.store(ACCOUNT_KEY_PREFIX + id, token);
  await secrets.store(INDEX_KEY, JSON.stringify({ accounts: [{ id, username }], active: id }));
}

// ---- recording fakes of what the extension shows ----------------------------------------------------

export type ShownKind = 'error' | 'warning' | 'info' | 'status' | 'progress';
export interface Shown {
  kind: ShownKind;
  message: string;
  modal: boolean;
  detail?: string;
  items: string[];
}

type Answer = (shown: Shown) => string | undefined | PromiseLike<string | undefined>;
type Restore = () => void;

/**
 * Replaces `showErrorMessage` / `showWarningMessage` / `showInformationMessage` with recording fakes
 * (answered by `answer`, default: dismissed), records status bar messages and notification progress
 * titles (passed through), `env.openExternal` (recorded, answered `openResult`), and the clipboard
 * (recorded, not touched). `restore()` puts everything back.
 */
export class UiRecorder {
  readonly shown: Shown[] = [];
  readonly opened: string[] = [];
  readonly clipboard: string[] = [];
  answer: Answer = () => undefined;
  openResult = false;
  private restores: Restore[] = [];

  install(): this {
    const w = vscode.window as unknown as Record<string, unknown>;
    const show = (kind: ShownKind) => (message: string, ...rest: unknown[]): Thenable<unknown> => {
      let modal = false;
      let detail: string | undefined;
      if (rest.length && rest[0] && typeof rest[0] === 'object' && !('title' in (rest[0] as object))) {
        const options = rest.shift() as vscode.MessageOptions;
        modal = options.modal === true;
        detail = options.detail;
      }
      const items = rest as (string | vscode.MessageItem)[];
      const shown: Shown = { kind, message: String(message), modal, detail, items: items.map((i) => (typeof i === 'string' ? i : i.title)) };
      this.shown.push(shown);
      return Promise.resolve(this.answer(shown)).then((choice) =>
        choice === undefined ? undefined : items.find((i) => (typeof i === 'string' ? i : i.title) === choice));
    };
    this.replace(w, 'showErrorMessage', show('error'));
    this.replace(w, 'showWarningMessage', show('warning'));
    this.replace(w, 'showInformationMessage', show('info'));
    const setStatusBarMessage = w.setStatusBarMessage as (...a: unknown[]) => vscode.Disposable;
    this.replace(w, 'setStatusBarMessage', (text: string, ...rest: unknown[]) => {
      this.shown.push({ kind: 'status', message: String(text), modal: false, items: [] });
      return setStatusBarMessage.call(vscode.window, text, ...rest);
    });
    const withProgress = w.withProgress as (...a: unknown[]) => Thenable<unknown>;
    this.replace(w, 'withProgress', (options: vscode.ProgressOptions, task: unknown) => {
      if (options.title) this.shown.push({ kind: 'progress', message: options.title, modal: false, items: [] });
      return withProgress.call(vscode.window, options, task);
    });
    const env = vscode.env as unknown as Record<string, unknown>;
    this.replace(env, 'openExternal', (uri: vscode.Uri) => {
      this.opened.push(uri.toString(true));
      return Promise.resolve(this.openResult);
    });
    const fakeClipboard: vscode.Clipboard = {
      readText: () => Promise.resolve(this.clipboard.at(-1) ?? ''),
      writeText: (value: string) => {
        this.clipboard.push(value);
        return Promise.resolve();
      },
    };
    const descriptor = Object.getOwnPropertyDescriptor(env, 'clipboard');
    Object.defineProperty(env, 'clipboard', { get: () => fakeClipboard, configurable: true, enumerable: true });
    this.restores.push(() => {
      if (descriptor) Object.defineProperty(env, 'clipboard', descriptor);
    });
    return this;
  }

  /** Replaces `obj[key]` until `restore()`. */
  replace(obj: Record<string, unknown>, key: string, value: unknown): void {
    const had = Object.prototype.hasOwnProperty.call(obj, key);
    const old = obj[key];
    obj[key] = value;
    this.restores.push(() => {
      if (had) obj[key] = old;
      else delete obj[key];
    });
  }

  restore(): void {
    for (const r of this.restores.splice(0).reverse()) r();
  }

  mark(): number {
    return this.shown.length;
  }

  /** Messages (not progress titles) shown from `mark` on. */
  messagesSince(mark: number, filter: (s: Shown) => boolean = () => true): Shown[] {
    return this.shown.slice(mark).filter((s) => s.kind !== 'progress' && filter(s));
  }
}

export function describeShown(list: Shown[]): string {
  return JSON.stringify(list.map((s) => `${s.kind}${s.modal ? ' (modal)' : ''}: ${s.message}${s.items.length ? ` [${s.items.join('|')}]` : ''}`));
}

/**
 * A stand-in for `window.createQuickPick` that records each picker's title and items and accepts
 * what `choose` returns once the items are there (as a user would), or hides when it returns none.
 */
export function fakeQuickPick(
  record: { title: string; items: vscode.QuickPickItem[] }[],
  choose: (title: string, items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem[],
): vscode.QuickPick<vscode.QuickPickItem> {
  const accept = new vscode.EventEmitter<void>();
  const hide = new vscode.EventEmitter<void>();
  const selection = new vscode.EventEmitter<readonly vscode.QuickPickItem[]>();
  let items: readonly vscode.QuickPickItem[] = [];
  const qp = {
    title: '', placeholder: '', canSelectMany: false, ignoreFocusOut: false, matchOnDescription: false, matchOnDetail: false,
    busy: false, enabled: true, activeItems: [] as vscode.QuickPickItem[], selectedItems: [] as vscode.QuickPickItem[],
    get items() {
      return items;
    },
    set items(value: readonly vscode.QuickPickItem[]) {
      items = value;
      record.push({ title: qp.title, items: [...value] });
      setTimeout(() => {
        const chosen = choose(qp.title, value);
        if (!chosen.length) {
          hide.fire();
          return;
        }
        qp.activeItems = chosen;
        qp.selectedItems = chosen;
        accept.fire();
      }, 0);
    },
    onDidAccept: accept.event,
    onDidHide: hide.event,
    onDidChangeSelection: selection.event,
    show: () => undefined,
    hide: () => hide.fire(),
    dispose: () => undefined,
  };
  return qp as unknown as vscode.QuickPick<vscode.QuickPickItem>;
}

/**
 * Prompts left unanswered, as a person who lets a notification slide into the notification centre:
 * `hold()` is an answer that never comes, until `releaseAll()` (a suite's teardown) dismisses them.
 */
export class HeldPrompts {
  private readonly held: ((choice: undefined) => void)[] = [];
  get count(): number {
    return this.held.length;
  }
  hold(): Promise<undefined> {
    return new Promise<undefined>((resolve) => this.held.push(resolve));
  }
  releaseAll(): void {
    for (const resolve of this.held.splice(0)) resolve(undefined);
  }
}

// ---- unhandled rejections and uncaught exceptions in this extension host ---------------------------

export const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
});

// ---- files the extension host can write: logs, settings, storage -----------------------------------

/** The extension host's log folder of this session (…/logs/<session>/exthost1) and friends, from the probe's logUri. */
export function hostPaths(api: ProbedApi): { extLogDir: string; exthostDir: string; sessionLogs: string; userData?: string; instance?: string } {
  const extLogDir = api.testProbe.logUri.fsPath;
  const exthostDir = path.dirname(extLogDir);
  const sessionLogs = path.dirname(exthostDir);
  // code-server: <instance>/data/logs/<session>/exthost1/<extension id>
  const data = path.dirname(path.dirname(sessionLogs));
  const userData = fs.existsSync(path.join(data, 'User')) ? data : undefined;
  const instance = userData ? path.dirname(userData) : undefined;
  return { extLogDir, exthostDir, sessionLogs, userData, instance };
}

/** The "Turso" output channel's file (a LogOutputChannel writes to <logUri>/Turso.log). */
export function tursoLogFile(api: ProbedApi): string {
  return path.join(api.testProbe.logUri.fsPath, 'Turso.log');
}

export function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The extension host's own log (remoteexthost.log in code-server, exthost.log on the desktop). */
export function exthostLogFile(api: ProbedApi): string | undefined {
  const dir = hostPaths(api).exthostDir;
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const name = names.find((n) => /exthost\.log$/i.test(n));
  return name ? path.join(dir, name) : undefined;
}

/** Lines of the extension host's log that are errors about this extension (or from its code). */
export function exthostErrorsAbout(text: string): string[] {
  return text.split('\n').filter((l) => /\[error\]/i.test(l) && (l.includes(EXTENSION_ID) || /turso/i.test(l) || l.includes('dist/extension.js')));
}

/** Every file under `root` (bounded), skipping `skip` folder names. */
export function walkFiles(root: string, skip: (name: string, full: string) => boolean = () => false, limit = 5000): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length && out.length < limit) {
    const dir = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (skip(e.name, full)) continue;
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) out.push(full);
    }
  }
  return out.sort();
}

/** Waits until the Turso log file contains `text` (the channel writes asynchronously). */
export async function waitForLog(api: ProbedApi, text: string, timeoutMs = 8000): Promise<string> {
  const file = tursoLogFile(api);
  return waitFor(() => {
    const content = readIfExists(file);
    return content.includes(text) ? content : undefined;
  }, `"${text}" in ${file}`, timeoutMs);
}

// ---- settings ---------------------------------------------------------------------------------------

export async function setSetting(key: 'apiBaseUrl' | 'requestTimeoutSeconds', value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('turso').update(key, value, vscode.ConfigurationTarget.Global);
}

// ---- figures printed at the end of the run ---------------------------------------------------------

export interface Figures {
  matrix?: { operations: string[]; faults: string[]; cells: Record<string, Record<string, 'pass' | 'FAIL' | '-'>> };
  neverLost?: { cases: number; delivered: number };
  leaks?: { places: number; placeKinds: Record<string, number>; values: number; needles: number; hits: string[] };
  hostile?: { strings: number; surfaces: string[]; checks: number; live: string[]; encodedPaths: number };
  concurrency?: { checks: string[]; notSimulated: string[] };
}
export const figures: Figures = {};

/** The operations × faults table, one row per operation. */
export function matrixTable(m: NonNullable<Figures['matrix']>): string {
  const w0 = Math.max(9, ...m.operations.map((o) => o.length));
  const widths = m.faults.map((f) => Math.max(f.length, 4));
  const row = (first: string, cells: string[]) => [first.padEnd(w0), ...cells.map((c, i) => c.padEnd(widths[i]))].join(' │ ').trimEnd();
  const lines = [row('operation', m.faults), ['─'.repeat(w0), ...widths.map((n) => '─'.repeat(n))].join('─┼─')];
  for (const op of m.operations) lines.push(row(op, m.faults.map((f) => m.cells[op]?.[f] ?? '-')));
  return lines.join('\n');
}

function printFigures(): void {
  const f = figures;
  if (!f.matrix && !f.leaks && !f.hostile && !f.concurrency && !f.neverLost) return;
  const lines: string[] = ['', `Reliability and security figures (VS Code ${vscode.version}):`];
  if (f.matrix) {
    const all = Object.values(f.matrix.cells).flatMap((r) => Object.values(r)).filter((c) => c !== '-');
    const passed = all.filter((c) => c === 'pass').length;
    lines.push(`  fault matrix: ${f.matrix.operations.length} operations × ${f.matrix.faults.length} faults = ${all.length} cells tried, ${passed} pass, ${all.length - passed} fail`);
    lines.push(...matrixTable(f.matrix).split('\n').map((l) => `    ${l}`));
  }
  if (f.neverLost) lines.push(`  created token never lost: ${f.neverLost.delivered}/${f.neverLost.cases} failed reveals still delivered the value`);
  if (f.leaks) {
    const kinds = Object.entries(f.leaks.placeKinds).map(([k, n]) => `${n} ${k}`).join(', ');
    lines.push(`  secret leaks: ${f.leaks.places} places searched (${kinds}) for ${f.leaks.values} token values as ${f.leaks.needles} needles (value, JWT payload, JWT signature): ${f.leaks.hits.length} hits`);
    for (const h of f.leaks.hits.slice(0, 20)) lines.push(`    HIT ${h}`);
  }
  if (f.hostile) {
    lines.push(`  hostile strings: ${f.hostile.strings} strings tried on ${f.hostile.surfaces.length} surfaces (${f.hostile.surfaces.join(', ')}), ${f.hostile.checks} checks, ${f.hostile.encodedPaths} raw revoke paths checked: ${f.hostile.live.length} rendered live`);
    for (const l of f.hostile.live.slice(0, 20)) lines.push(`    LIVE ${l}`);
  }
  if (f.concurrency) {
    lines.push(`  concurrency: ${f.concurrency.checks.length} checks (${f.concurrency.checks.join('; ')})`);
    for (const n of f.concurrency.notSimulated) lines.push(`    not simulated: ${n}`);
  }
  console.log(lines.join('\n'));
  const results = process.env.TURSO_HOST_TEST_RESULTS;
  if (results) {
    try {
      fs.writeFileSync(path.join(path.dirname(results), 'reliability.json'), JSON.stringify({ vscode: vscode.version, ...f }, null, 2));
    } catch (err) {
      console.log(`could not write reliability.json: ${String(err)}`);
    }
  }
}

// Registered on mocha's root suite when this module is first loaded (at the top of a test file):
// runs after every suite of every file, so the figures are the last thing the run prints.
suiteTeardown(printFigures);

// Shared helpers of the in-host suite: the emulator (started in-process), the extension's API, waits.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tursotools.turso-api-tokens';

/** The emulator's in-process API (test/emulator/server.ts). Typed here by contract. */
export interface Emulator {
  url: string;
  /** 7-day login token of user demo. */
  demoToken: string;
  demoApiToken: string;
  requests: unknown;
  injectFault(fault: { method?: string; path?: string; kind: string; status?: number; error?: string; times?: number }): unknown;
  clearFaults(): unknown;
  setLatency(ms: number): unknown;
  mintLoginToken(opts?: { expiresInSeconds?: number }): string | Promise<string>;
  reset(): unknown;
  close(): Promise<void>;
}

interface EmulatorModule {
  startEmulator(opts?: { port?: number; latencyMs?: number }): Promise<Emulator>;
}

/** Starts the project's Turso API emulator in this (extension host) process, on a free port. */
export async function startEmulator(opts: { latencyMs?: number } = {}): Promise<Emulator> {
  // out/test/host/helpers.js -> out/test/emulator/server.js
  const mod = require(path.join(__dirname, '..', 'emulator', 'server.js')) as EmulatorModule;
  return mod.startEmulator({ port: 0, ...opts });
}

/** Number of requests the emulator has recorded (whatever the shape of its log). */
export function requestCount(emu: Emulator): number {
  const r = typeof emu.requests === 'function' ? (emu.requests as () => unknown)() : emu.requests;
  return Array.isArray(r) ? r.length : 0;
}
export function requestPaths(emu: Emulator): string[] {
  const r = typeof emu.requests === 'function' ? (emu.requests as () => unknown)() : emu.requests;
  return Array.isArray(r) ? r.map((x: { path?: string; url?: string }) => String(x?.path ?? x?.url ?? '')) : [];
}

/** What activate() returns. */
export interface TursoApi {
  tokensTree: vscode.TreeDataProvider<unknown>;
}

export async function activateExtension(): Promise<TursoApi> {
  const ext = vscode.extensions.getExtension<TursoApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this host`);
  const api = await ext.activate();
  assert.ok(api && api.tokensTree, 'activate() returns { tokensTree }');
  return api;
}

export async function setApiBaseUrl(url: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('turso').update('apiBaseUrl', url, vscode.ConfigurationTarget.Global);
}
export async function setRequestTimeout(seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('turso').update('requestTimeoutSeconds', seconds, vscode.ConfigurationTarget.Global);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails with `message` after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | Promise<T>, message: string, timeoutMs = 10000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      const detail = lastError ? ` (last error: ${String((lastError as Error).message ?? lastError)})` : '';
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
    }
    await sleep(100);
  }
}

export function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

export interface Row {
  node: unknown;
  item: vscode.TreeItem;
  label: string;
  description: string;
  contextValue: string;
}

async function toRow(tree: vscode.TreeDataProvider<unknown>, node: unknown): Promise<Row> {
  const item = await tree.getTreeItem(node);
  return {
    node, item, label: labelOf(item),
    description: typeof item.description === 'string' ? item.description : '',
    contextValue: item.contextValue ?? '',
  };
}

/** The root rows, after the tree has loaded. */
export async function rootRows(api: TursoApi): Promise<Row[]> {
  const nodes = (await api.tokensTree.getChildren()) ?? [];
  return Promise.all(nodes.map((n) => toRow(api.tokensTree, n)));
}
export async function childRows(api: TursoApi, parent: Row): Promise<Row[]> {
  const nodes = (await api.tokensTree.getChildren(parent.node)) ?? [];
  return Promise.all(nodes.map((n) => toRow(api.tokensTree, n)));
}
export function describeRows(rows: Row[]): string {
  return JSON.stringify(rows.map((r) => `${r.label} [${r.contextValue}] ${r.description}`));
}

/** Waits until the root is exactly one row whose contextValue starts with `prefix`. */
export async function waitForRoot(api: TursoApi, prefix: string, timeoutMs = 10000): Promise<Row> {
  let rows: Row[] = [];
  return waitFor(async () => {
    rows = await rootRows(api);
    return rows.length === 1 && rows[0].contextValue.startsWith(prefix) ? rows[0] : undefined;
  }, `the tree's root to be a "${prefix}" node`, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; root was ${describeRows(rows)}`);
  });
}
export async function waitForSignedOutTree(api: TursoApi, timeoutMs = 10000): Promise<void> {
  let rows: Row[] = [];
  await waitFor(async () => {
    rows = await rootRows(api);
    return rows.length === 0;
  }, 'the tree to be empty (signed out)', timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}; root was ${describeRows(rows)}`);
  });
}

export async function signIn(token: string): Promise<boolean | undefined> {
  return vscode.commands.executeCommand<boolean>('turso.signIn', token);
}
export async function signOut(): Promise<void> {
  await vscode.commands.executeCommand('turso.signOut');
}

/** A well-formed JWT the emulator did not issue (its signature does not verify). */
export function forgedToken(valid: string): string {
  const [h, p, s] = valid.split('.');
  const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  return [h, p, flipped].join('.');
}

/** Creates an API token through the emulator's HTTP API, as another client would. */
export async function createTokenOutOfBand(emu: Emulator, name: string, bearer = emu.demoToken): Promise<void> {
  const res = await fetch(`${emu.url.replace(/\/$/, '')}/v1/auth/api-tokens/${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${bearer}` },
  });
  assert.ok(res.ok, `creating token ${name} through the emulator answered ${res.status} ${await res.text()}`);
}

// Shared helpers of the in-host suite: the emulator (started in-process), the extension's API, waits.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RevealPanelProbe } from '../../src/webview/revealPanel';

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

/** What the test-only entry's activate() returns (src/testing/testExtension.ts; the product returns nothing). */
export interface TursoApi {
  tokensTree: vscode.TreeDataProvider<unknown>;
  signInWithToken(token: string): Promise<boolean>;
  automation<T extends object>(options: T): T;
  asTreeRow<T extends object>(row: T): T;
}

/** The test-only entry's API of the active extension (no wait: for a command's argument, built in line). */
function activeApi(): TursoApi {
  const api = vscode.extensions.getExtension<TursoApi>(EXTENSION_ID)?.exports;
  assert.ok(api?.automation, `extension ${EXTENSION_ID} is active, with the test-only entry's API`);
  return api;
}

/**
 * Options as the product's own code passes them (src/commands/target.ts automation): acted on without
 * asking. The same options from another extension are not (test/e2e/trust.e2e.mjs).
 */
export function own<T extends object>(options: T): T {
  return activeApi().automation(options);
}

/** A hand-made row, taken as one of the tree's (another extension's look-alike is not). */
export function asTreeRow<T extends object>(row: T): T {
  return activeApi().asTreeRow(row);
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
/** For a suite's setup: the extension pointed at `emu`, signed out, its tree empty. */
export async function pointSignedOut(emu: Emulator): Promise<TursoApi> {
  const api = await activateExtension();
  await setApiBaseUrl(emu.url);
  await signOut();
  await waitForSignedOutTree(api);
  return api;
}

/** For a suite's teardown: reveal panels closed, signed out, the API URL back to its default, the emulators stopped. */
export async function restoreAfterSuite(api: TursoTestApi | undefined, ...emus: (Emulator | undefined)[]): Promise<void> {
  for (const p of api?.revealPanels?.() ?? []) p.panel?.dispose();
  await signOut();
  await setApiBaseUrl(undefined);
  await Promise.all(emus.map((e) => e?.close()));
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
  /** What hovering the row shows: the item's tooltip, or the one resolveTreeItem adds (token rows build theirs then). */
  tooltip: string | vscode.MarkdownString | undefined;
}

async function toRow(tree: vscode.TreeDataProvider<unknown>, node: unknown): Promise<Row> {
  const item = await tree.getTreeItem(node);
  // As VS Code does on hover, on a copy: `item` stays what getTreeItem gave.
  const copy = Object.assign(Object.create(Object.getPrototypeOf(item) as object) as vscode.TreeItem, item);
  const resolved = item.tooltip === undefined && tree.resolveTreeItem ? await tree.resolveTreeItem(copy, node, new vscode.CancellationTokenSource().token) : undefined;
  return {
    node, item, label: labelOf(item),
    description: typeof item.description === 'string' ? item.description : '',
    contextValue: item.contextValue ?? '',
    tooltip: item.tooltip ?? resolved?.tooltip,
  };
}

/** The root rows, after the tree has loaded. */
export async function rootRows(api: TursoApi): Promise<Row[]> {
  const nodes = (await api.tokensTree.getChildren()) ?? [];
  return Promise.all(nodes.map((n) => toRow(api.tokensTree, n)));
}
/**
 * The rows under `parent`. Under an account, the account's own rows (its tokens, or a message):
 * its "Organizations" row (collapsed, tested by organizations.test.ts) is left out; `allChildRows`
 * has it.
 */
export async function childRows(api: TursoApi, parent: Row): Promise<Row[]> {
  return (await allChildRows(api, parent)).filter((r) => r.contextValue !== 'turso.organizations');
}
/**
 * The rows under `parent`, but for an organization's "Databases" row (first under each organization,
 * collapsed; tested by databases.test.ts): `rowsUnder` has it.
 */
export async function allChildRows(api: TursoApi, parent: Row): Promise<Row[]> {
  return (await rowsUnder(api, parent)).filter((r) => !r.contextValue.startsWith('turso.databases'));
}
/** Every row under `parent`. */
export async function rowsUnder(api: TursoApi, parent: Row): Promise<Row[]> {
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

/** Signs in with `token` without asking, through the test-only entry (`turso.signIn` with a token asks first). */
export async function signIn(token: string): Promise<boolean | undefined> {
  return (await activateExtension()).signInWithToken(token);
}
/** Signs out of every account. */
export async function signOut(): Promise<void> {
  await vscode.commands.executeCommand('turso.signOut', own({ all: true }));
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

// ---- token lifecycle (create / reveal / validate), added for tokens.test.ts -------------------

/** A live reveal panel, as the extension exposes it to tests (the extension's own type; erased at compile time). */
export type RevealProbe = RevealPanelProbe;

/** What activate() returns when the extension runs under test (ExtensionMode.Test). */
export interface TursoTestApi extends TursoApi {
  revealPanels?: () => readonly RevealProbe[];
}

/** One request the emulator recorded (never a token value). */
export interface RecordedRequest {
  method: string;
  path: string;
  query?: string;
  body?: unknown;
  status: number;
}
export function recordedRequests(emu: Emulator): RecordedRequest[] {
  const r = typeof emu.requests === 'function' ? (emu.requests as () => unknown)() : emu.requests;
  return Array.isArray(r) ? [...(r as RecordedRequest[])] : [];
}

/** The emulator's Platform API over HTTP with a bearer, as any other client would call it. */
export async function emulatorGet<T>(emu: Emulator, path: string, bearer: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.url.replace(/\/$/, '')}${path}`, { headers: { authorization: `Bearer ${bearer}` }, signal: AbortSignal.timeout(10000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The claims of a JWT (no signature check): enough to read `jti` and `exp`. */
export function jwtClaims(token: string): { jti?: string; exp?: number; [k: string]: unknown } {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

/** The user's API tokens as the emulator lists them (GET /v1/auth/api-tokens). */
export async function listTokensOverHttp(emu: Emulator, bearer = emu.demoToken): Promise<{ name: string; id: string; organization?: string; group?: string; scopes?: string[] }[]> {
  const r = await emulatorGet<{ tokens: { name: string; id: string; organization?: string; group?: string; scopes?: string[] }[] }>(emu, '/v1/auth/api-tokens', bearer);
  assert.strictEqual(r.status, 200, `GET /v1/auth/api-tokens answered ${r.status}`);
  return r.body.tokens;
}

/**
 * Starts `turso.createToken` with automation options and waits for its reveal panel. The command
 * resolves only after the panel closes, so it is returned unawaited (`done`). Fails when the command
 * ends without a panel.
 */
export async function startCreateToken(api: TursoTestApi, options: Record<string, unknown>, timeoutMs = 15000):
Promise<{ probe: RevealProbe; done: Thenable<{ name: string; id: string } | undefined> }> {
  assert.ok(api.revealPanels, 'activate() exposes revealPanels() under test');
  const name = String(options.name);
  let settled: { value: unknown } | undefined;
  const done = vscode.commands.executeCommand<{ name: string; id: string } | undefined>('turso.createToken', undefined, own(options));
  done.then((value) => { settled = { value }; }, (err) => { settled = { value: err }; });
  const found = await waitFor(
    () => (settled ? { ended: settled.value } : api.revealPanels!().find((p) => p.tokenName === name && p.revealed)),
    `the reveal panel of "${name}"`, timeoutMs,
  );
  if ('ended' in found) {
    assert.fail(`turso.createToken ended without a reveal panel (it resolved ${JSON.stringify(found.ended)})`);
  }
  const probe = found as RevealProbe;
  return { probe, done };
}

/** The token rows under the user node, once the tree has loaded. */
export async function tokenRows(api: TursoApi): Promise<Row[]> {
  const roots = await rootRows(api);
  const user = roots.find((r) => r.contextValue === 'turso.user');
  return user ? childRows(api, user) : [];
}

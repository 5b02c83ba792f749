// Activation time of the extension's own code, two ways.
//
// 1. In the real host: VS Code's extension host times every activation (ExtensionActivationTimes):
//    "Load Code" (require() of dist/extension.js, in the host's loader), "Call Activate" (the synchronous
//    part of activate()), "Finish Activate" (until the promise activate() returned settles — here that
//    includes reading SecretStorage, an RPC to the browser). "Developer: Startup Performance" prints
//    all three in its "Extension Activation Stats" table (read after every cold open); "Developer:
//    Show Running Extensions" shows Load Code + Call Activate as "Activation: N ms" (the fallback).
//    Own code = Load Code + Call Activate.
// 2. In plain Node (the bench's Node, no VS Code): require() of the minified bundle in a fresh
//    process with `vscode` stubbed and Node's built-in modules it uses already loaded (as they are in
//    an extension host), median of several cold processes — the module's own evaluation cost, without
//    the host's loader.
import path from 'node:path';
import fs from 'node:fs';
import { runBounded } from '../host/procs.mjs';
import * as ui from '../host/vscode-ui.mjs';

const ROW = 'tursotools.turso-api-tokens';
const NAME = 'turso-api-tokens';

/**
 * "Developer: Show Running Extensions": the extension's "Activation: N ms" (= Load Code + Call Activate).
 * @returns {Promise<number>}
 */
export async function readRunningExtensions(page) {
  await ui.runCommand(page, 'Developer: Show Running Extensions');
  const editor = page.locator('.runtime-extensions-editor').first();
  await editor.waitFor({ timeout: 20000 });
  const row = editor.locator(`.monaco-list-row[aria-label="${NAME}"]`).first();
  let text = '';
  for (let i = 0; i < 40; i++) {
    if (await row.count()) {
      text = await row.innerText().catch(() => '');
      if (/Activation: \d+ms/.test(text)) break;
    } else {
      // the list is sorted by activation time, longest first, and virtualized: scroll down to the row
      const box = await editor.locator('.monaco-list').first().boundingBox().catch(() => null);
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, 400);
      }
    }
    await page.waitForTimeout(150);
  }
  await page.keyboard.press('Escape'); // closes it where it opens as a modal editor (1.139)
  if (await editor.isVisible().catch(() => false)) await ui.runCommand(page, 'View: Close All Editors');
  const m = text.match(/Activation: (\d+)ms/);
  if (!m) throw new Error(`Developer: Show Running Extensions shows no activation time for ${NAME}${text ? ` ("${text.replace(/\s+/g, ' ')}")` : ''}`);
  return Number(m[1]);
}

/**
 * Opens "Developer: Startup Performance", finds the extension's row, closes the editor again.
 * @returns {Promise<{loadCode: number, callActivate: number, finishActivate: number, event: string}>}
 */
export async function readActivationStats(page) {
  await ui.runCommand(page, 'Developer: Startup Performance');
  const lines = page.locator('.part.editor .editor-instance .view-lines').first();
  await lines.waitFor({ timeout: 20000 });
  // The report is filled in asynchronously and its table is below the fold: search for the row with
  // the editor's find widget (which scrolls to it) until it is there.
  const find = page.locator('.part.editor .find-widget.visible textarea, .part.editor .find-widget.visible input').first();
  let row;
  for (let i = 0; i < 30 && !row; i++) {
    if (!(await find.isVisible().catch(() => false))) {
      await lines.click({ position: { x: 40, y: 10 } });
      await page.keyboard.press('Control+f');
      await find.waitFor({ timeout: 10000 });
      await find.fill(ROW);
    }
    await find.press('Enter');
    await page.waitForTimeout(300);
    const text = (await lines.innerText().catch(() => '')).replace(/\u00a0/g, ' '); // the editor renders spaces as NBSP
    row = text.split('\n').find((l) => l.includes(`| ${ROW}`));
  }
  await page.keyboard.press('Escape');
  await ui.runCommand(page, 'View: Close All Editors');
  if (!row) throw new Error(`the "Extension Activation Stats" of Developer: Startup Performance have no row for ${ROW}`);
  const cells = row.split('|').map((c) => c.trim()).filter((c, i, a) => i > 0 && i < a.length - 1);
  // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
  const [, , load, call, finish, event] = cells;
  return { loadCode: Number(load), callActivate: Number(call), finishActivate: Number(finish), event };
}

const REQUIRE_PROBE = `
const Module = require('node:module');
const get = (t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub);
// esbuild's __toESM copies the module's own properties onto an object whose prototype is the module's:
// that prototype answers every other name (vscode.ThemeIcon made at load time, say)
const anyName = new Proxy({}, { get });
const handler = { get, apply: () => stub, construct: () => stub, getPrototypeOf: () => anyName };
const stub = new Proxy(function () {}, handler);
const orig = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : orig.call(this, request, ...rest); };
// the extension host has loaded these long before any extension activates
for (const m of ['http', 'https', 'zlib', 'stream', 'url', 'crypto', 'fs', 'os', 'path']) require(m);
const t0 = performance.now();
require(process.argv[2]);
process.stdout.write(String(performance.now() - t0));
`;

/** require() of the bundle in `runs` fresh Node processes; resolves the times in ms. */
export async function nodeRequireTimes(bundle, { runs = 11, dir } = {}) {
  const probe = path.join(dir, 'require-probe.cjs');
  fs.writeFileSync(probe, REQUIRE_PROBE);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = await runBounded(process.execPath, [probe, bundle], { timeoutMs: 30000, quiet: true, label: 'require probe' });
    const ms = Number(r.output.trim().split('\n').pop());
    if (r.code !== 0 || !Number.isFinite(ms)) throw new Error(`require() of the bundle failed: ${r.output.trim().slice(-500)}`);
    times.push(ms);
  }
  return times;
}

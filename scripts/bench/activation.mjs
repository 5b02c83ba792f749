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
import { REPO } from '../host/hosts.mjs';
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
 * Opens "Developer: Startup Performance" and returns, for each needle, the first line of the report that
 * `match(line, needle)` accepts (undefined: none within the tries); closes the editor again.
 * @returns {Promise<(string | undefined)[]>}
 */
async function startupPerformanceLines(page, needles, match) {
  await ui.runCommand(page, 'Developer: Startup Performance');
  const lines = page.locator('.part.editor .editor-instance .view-lines').first();
  await lines.waitFor({ timeout: 20000 });
  // The report is filled in asynchronously and is long: search for each line with the editor's find
  // widget (which scrolls to it) until it is there.
  const find = page.locator('.part.editor .find-widget.visible textarea, .part.editor .find-widget.visible input').first();
  const found = [];
  for (const needle of needles) {
    let line;
    for (let i = 0; i < 30 && !line; i++) {
      if (!(await find.isVisible().catch(() => false))) {
        await lines.click({ position: { x: 40, y: 10 } });
        await page.keyboard.press('Control+f');
        await find.waitFor({ timeout: 10000 });
      }
      if ((await find.inputValue().catch(() => '')) !== needle) await find.fill(needle);
      await find.press('Enter');
      await page.waitForTimeout(300);
      const text = (await lines.innerText().catch(() => '')).replace(/\u00a0/g, ' '); // the editor renders spaces as NBSP
      line = text.split('\n').find((l) => match(l, needle));
    }
    found.push(line);
  }
  await page.keyboard.press('Escape');
  await ui.runCommand(page, 'View: Close All Editors');
  return found;
}

/**
 * The extension's row of "Developer: Startup Performance" (Extension Activation Stats).
 * @returns {Promise<{loadCode: number, callActivate: number, finishActivate: number, event: string}>}
 */
export async function readActivationStats(page) {
  const [row] = await startupPerformanceLines(page, [ROW], (l, needle) => l.includes(`| ${needle}`));
  if (!row) throw new Error(`the "Extension Activation Stats" of Developer: Startup Performance have no row for ${ROW}`);
  const cells = row.split('|').map((c) => c.trim()).filter((c, i, a) => i > 0 && i < a.length - 1);
  // | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
  const [, , load, call, finish, event] = cells;
  return { loadCode: Number(load), callActivate: Number(call), finishActivate: Number(finish), event };
}

/**
 * When, in this window's life, VS Code's extension host was ready and when it started activating this
 * extension: the extension host's performance marks (the report's "Raw Perf Marks: extHost", epoch ms).
 * @returns {Promise<{ready: number | undefined, willActivate: number | undefined}>}
 */
export async function readExtHostMarks(page) {
  const names = ['code/extHost/ready', `code/extHost/willActivateExtension/${ROW}`];
  const lines = await startupPerformanceLines(page, names, (l, needle) => l.trim().startsWith(`${needle} `) || l.trim().startsWith(`${needle}\t`));
  const at = (line) => {
    const n = Number(line?.trim().split(/\s+/)[1]);
    return Number.isFinite(n) ? n : undefined;
  };
  return { ready: at(lines[0]), willActivate: at(lines[1]) };
}

const REQUIRE_PROBE = `
const Module = require('node:module');
const get = (t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub);
// esbuild's __toESM copies the module's own properties onto an object whose prototype is the module's:
// that prototype answers every other name (vscode.ThemeIcon made at load time, say)
const anyName = new Proxy({}, { get });
const handler = { get, apply: () => stub, construct: () => stub, getPrototypeOf: () => anyName };
const stub = new Proxy(function () {}, handler);
// VS Code's API is an object with a name of its own for each namespace, class and enum (from @types/vscode,
// written next to this file): a bundle that copies them (esbuild's __toESM) pays for it here as in the host
const api = Object.fromEntries(require(require('node:path').join(__dirname, 'vscode-names.json')).map((n) => [n, stub]));
const orig = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? api : orig.call(this, request, ...rest); };
// the extension host has loaded these long before any extension activates
for (const m of ['http', 'https', 'zlib', 'stream', 'url', 'crypto', 'fs', 'os', 'path', 'vm']) require(m);
// with a code cache module and folder (argv 3, 4): loaded as dist/boot.js loads the core, the cache saved after
const cc = process.argv[3] ? require(process.argv[3]) : undefined;
const t0 = performance.now();
const loaded = cc ? cc.loadWithCodeCache(process.argv[2], process.argv[4], require) : require(process.argv[2]);
const t = performance.now() - t0;
if (cc) loaded.saveCache();
process.stdout.write(cc ? JSON.stringify({ ms: t, cache: loaded.cache }) : String(t));
`;

/** Writes the probe, and next to it the names VS Code's API has (the top-level exports of @types/vscode). */
function writeProbe(dir) {
  const probe = path.join(dir, 'require-probe.cjs');
  fs.writeFileSync(probe, REQUIRE_PROBE);
  const types = fs.readFileSync(path.join(REPO, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = [...new Set([...types.matchAll(/^\texport (?:namespace|class|enum|const|function|let|var) (\w+)/gm)].map((m) => m[1]))];
  if (names.length < 100) throw new Error(`@types/vscode: only ${names.length} top-level names found`);
  fs.writeFileSync(path.join(dir, 'vscode-names.json'), JSON.stringify(names));
  return probe;
}

/** require() of the bundle in `runs` fresh Node processes; resolves the times in ms. */
export async function nodeRequireTimes(bundle, { runs = 11, dir } = {}) {
  const probe = writeProbe(dir);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = await runBounded(process.execPath, [probe, bundle], { timeoutMs: 30000, quiet: true, label: 'require probe' });
    const ms = Number(r.output.trim().split('\n').pop());
    if (r.code !== 0 || !Number.isFinite(ms)) throw new Error(`require() of the bundle failed: ${r.output.trim().slice(-500)}`);
    times.push(ms);
  }
  return times;
}

/**
 * The bundle loaded as dist/boot.js loads it (`codeCacheModule`: src/lazy/codeCache.ts bundled), in `runs`
 * fresh Node processes sharing one cache folder: the first compiles and writes the cache, the rest use it.
 * Resolves the times in ms of the starts that used the cache (and how many did not).
 */
export async function nodeCodeCacheTimes(bundle, codeCacheModule, { runs = 11, dir } = {}) {
  const probe = writeProbe(dir);
  const cacheDir = path.join(dir, 'code-cache');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const used = [];
  let notUsed = 0;
  for (let i = 0; i <= runs; i++) {
    const r = await runBounded(process.execPath, [probe, bundle, codeCacheModule, cacheDir], { timeoutMs: 30000, quiet: true, label: 'code cache probe' });
    let out;
    try { out = JSON.parse(r.output.trim().split('\n').pop()); } catch { out = undefined; }
    if (r.code !== 0 || !Number.isFinite(out?.ms)) throw new Error(`loading the bundle with the code cache failed: ${r.output.trim().slice(-500)}`);
    if (out.cache === 'used') used.push(out.ms);
    else if (i > 0) notUsed++;
  }
  return { times: used, notUsed };
}

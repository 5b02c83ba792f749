// scripts/bench/activation.mjs: require() of the bundle timed in plain Node, vscode stubbed — also for
// a bundle that makes a vscode object while it loads (as esbuild imports vscode: __toESM's copy, whose
// prototype is the module's), which the stub answered with undefined ("not a constructor").
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Activation {
  nodeRequireTimes(bundle: string, o: { runs: number; dir: string }): Promise<number[]>;
  nodeCodeCacheTimes(bundle: string, codeCacheModule: string, o: { runs: number; dir: string }): Promise<{ times: number[]; notUsed: number }>;
}

// A native import() (tsc would turn a plain one into require(), which cannot load an ES module).
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Activation>;
const FILE = path.resolve(__dirname, '../../../../scripts/bench/activation.mjs');

// esbuild's __toESM, as in dist/extension.js
const BUNDLE = `
var __create = Object.create, __defProp = Object.defineProperty, __getOwnPropNames = Object.getOwnPropertyNames, __getProtoOf = Object.getPrototypeOf;
var __copyProps = (to, from) => { for (let key of __getOwnPropNames(from)) if (!Object.prototype.hasOwnProperty.call(to, key)) __defProp(to, key, { get: () => from[key], enumerable: true }); return to; };
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target, mod));
var vscode = __toESM(require("vscode"));
var icon = new vscode.ThemeIcon("database");
exports.activate = () => icon;
`;

// esbuild.js's vscode-once: the API's names copied once (__reExport), so the names must be the stub's own
const BUNDLE_ONCE = `
var __defProp = Object.defineProperty, __getOwnPropNames = Object.getOwnPropertyNames;
var __copyProps = (to, from) => { for (let key of __getOwnPropNames(from)) if (!Object.prototype.hasOwnProperty.call(to, key)) __defProp(to, key, { get: () => from[key], enumerable: true }); return to; };
var vscode_exports = {};
__copyProps(vscode_exports, require("vscode"));
var icon = new vscode_exports.ThemeIcon("database");
var tree = new vscode_exports.TreeItem("x", vscode_exports.TreeItemCollapsibleState.None);
exports.activate = () => [icon, tree];
`;

describe('bench activation (scripts/bench/activation.mjs)', function () {
  this.timeout(20000);
  let m: Activation;
  let dir: string;
  before(async () => {
    m = await importModule(pathToFileURL(FILE).href);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-activation-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('times require() of a bundle that makes a vscode object (new vscode.ThemeIcon) while it loads', async () => {
    const bundle = path.join(dir, 'extension.js');
    fs.writeFileSync(bundle, BUNDLE);
    const times = await m.nodeRequireTimes(bundle, { runs: 1, dir });
    assert.equal(times.length, 1);
    assert.ok(Number.isFinite(times[0]) && times[0] >= 0, String(times[0]));
  });

  it('the stub has VS Code\'s names as its own (a bundle that copies them once finds ThemeIcon, TreeItem)', async () => {
    const bundle = path.join(dir, 'once.js');
    fs.writeFileSync(bundle, BUNDLE_ONCE);
    const times = await m.nodeRequireTimes(bundle, { runs: 1, dir });
    assert.equal(times.length, 1);
  });

  it('times the bundle loaded with the code cache: the first process writes it, the others use it', async () => {
    const bundle = path.join(dir, 'once.js');
    fs.writeFileSync(bundle, BUNDLE_ONCE);
    const codeCache = require.resolve('../../../src/lazy/codeCache');
    const r = await m.nodeCodeCacheTimes(bundle, codeCache, { runs: 2, dir });
    assert.equal(r.times.length, 2, `used in ${r.times.length} of 2 (${r.notUsed} not)`);
    assert.equal(r.notUsed, 0);
  });
});

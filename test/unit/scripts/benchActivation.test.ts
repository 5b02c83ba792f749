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
});

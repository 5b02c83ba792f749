// src/lazy/codeCache.ts: a CommonJS file loaded as require() would, with V8's code cache in a folder.
// Each start is a fresh Node process (as each start of the extension host is), so what V8 takes or
// refuses is V8's own verdict, not a cache inside one process.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_PREFIX, cacheFileFor, loadWithCodeCache } from '../../../src/lazy/codeCache';

const MODULE = require.resolve('../../../src/lazy/codeCache');

interface Start { cache: string; exports: unknown; saved: string; cacheFile: string }

/** One start in a fresh process: loads `file` with the cache in `dir`, saves it, reports. */
function start(file: string, dir: string): Start {
  const script = `
    const { loadWithCodeCache } = require(${JSON.stringify(MODULE)});
    const m = loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(dir)}, require);
    const saved = m.saveCache();
    process.stdout.write(JSON.stringify({ cache: m.cache, exports: m.exports, saved, cacheFile: m.cacheFile }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.dirname(file), encoding: 'utf8' })) as Start;
}

const cacheFiles = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith(CACHE_PREFIX)).sort();

describe('codeCache: loading a file with V8\'s code cache', function () {
  this.timeout(30000);
  let root: string;
  let dir: string;
  let file: string;
  // enough functions that V8 writes a real cache; the exports name the source they came from
  const source = (tag: string) => `"use strict";
const helper = require('./helper.js');
function twice(n) { return n * 2; }
${Array.from({ length: 40 }, (_, i) => `function f${i}(x) { return twice(x) + ${i}; }`).join('\n')}
module.exports = { tag: ${JSON.stringify(tag)}, sum: f39(1), helper: helper.name, self: this === exports };
`;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-test-'));
    dir = path.join(root, 'storage', 'publisher.extension');
    file = path.join(root, 'core.js');
    fs.writeFileSync(file, source('A'));
    fs.writeFileSync(path.join(root, 'helper.js'), 'module.exports = { name: "helper" };');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('loads the file as require() would (its exports, this, relative requires through the given require)', () => {
    const first = start(file, dir);
    assert.deepEqual(first.exports, { tag: 'A', sum: 41, helper: 'helper', self: true });
  });

  it('the first start compiles and writes the cache (a plain file, owner-only); the next start uses it', () => {
    const first = start(file, dir);
    assert.equal(first.cache, 'none');
    assert.equal(first.saved, 'written');
    const st = fs.lstatSync(first.cacheFile);
    assert.ok(st.isFile() && st.size > 0, 'a plain file');
    assert.equal(st.mode & 0o777, 0o600, `mode ${(st.mode & 0o777).toString(8)}`);
    assert.deepEqual(cacheFiles(dir), [path.basename(first.cacheFile)]);
    const second = start(file, dir);
    assert.equal(second.cache, 'used', 'V8 took the cache in the next process');
    assert.equal(second.saved, 'kept');
    assert.deepEqual(second.exports, first.exports);
  });

  it('another build of the same length never reads this build\'s cache: its own file, its own code', () => {
    start(file, dir);
    const b = source('B');
    assert.equal(b.length, source('A').length, 'the same length (V8 checks a cache by the length only)');
    fs.writeFileSync(file, b);
    const other = start(file, dir);
    assert.equal(other.cache, 'none', 'no cache for this build yet');
    assert.deepEqual(other.exports, { tag: 'B', sum: 41, helper: 'helper', self: true });
    assert.equal(other.saved, 'written');
    assert.deepEqual(cacheFiles(dir), [path.basename(other.cacheFile)], 'the older build\'s cache is removed on save');
    assert.equal(start(file, dir).cache, 'used');
  });

  it('a damaged cache is refused by V8: the file loads as usual and the cache is written anew', () => {
    const first = start(file, dir);
    fs.writeFileSync(first.cacheFile, Buffer.alloc(fs.statSync(first.cacheFile).size, 7));
    const damaged = start(file, dir);
    assert.equal(damaged.cache, 'rejected');
    assert.deepEqual(damaged.exports, first.exports);
    assert.equal(damaged.saved, 'written');
    assert.equal(start(file, dir).cache, 'used');
  });

  it('a symbolic link at the cache\'s name is neither read nor written through: it is replaced by a file', () => {
    const outside = path.join(root, 'outside.txt');
    fs.writeFileSync(outside, 'not the cache');
    fs.mkdirSync(dir, { recursive: true });
    const name = cacheFileFor(dir, source('A'));
    fs.symlinkSync(outside, name);
    const first = start(file, dir);
    assert.equal(first.cacheFile, name);
    assert.equal(first.cache, 'unreadable', 'the link is not read');
    assert.equal(first.saved, 'written');
    assert.equal(fs.readFileSync(outside, 'utf8'), 'not the cache', 'the link\'s target is untouched');
    assert.ok(fs.lstatSync(name).isFile(), 'a plain file in the link\'s place');
    assert.equal(start(file, dir).cache, 'used');
  });

  it('a folder at the cache\'s name is not read: the file loads as usual, saving says why not', () => {
    fs.mkdirSync(cacheFileFor(dir, source('A')), { recursive: true });
    const first = start(file, dir);
    assert.equal(first.cache, 'unreadable');
    assert.deepEqual(first.exports, { tag: 'A', sum: 41, helper: 'helper', self: true });
    assert.match(first.saved, /^not written: E/);
  });

  it('on save, older builds\' caches and stale unfinished writes go; fresh writes and other files stay', () => {
    fs.mkdirSync(dir, { recursive: true });
    const older = path.join(dir, `${CACHE_PREFIX}0123.bin`);
    const staleTmp = path.join(dir, `${CACHE_PREFIX}0123.bin.1.a.tmp`);
    const freshTmp = path.join(dir, `${CACHE_PREFIX}4567.bin.2.b.tmp`);
    const other = path.join(dir, 'settings.json');
    for (const f of [older, staleTmp, freshTmp, other]) fs.writeFileSync(f, 'x');
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(staleTmp, hourAgo, hourAgo);
    const first = start(file, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(first.cacheFile), path.basename(freshTmp), 'settings.json'].sort());
  });

  it('a cache folder that cannot be made costs nothing but the cache: the file loads, saving says why not', () => {
    const blocked = path.join(root, 'a-file');
    fs.writeFileSync(blocked, '');
    const first = start(file, path.join(blocked, 'storage'));
    assert.deepEqual(first.exports, { tag: 'A', sum: 41, helper: 'helper', self: true });
    assert.match(first.saved, /^not written: (ENOTDIR|EEXIST)/);
  });

  it('saving twice writes once', () => {
    const m = loadWithCodeCache(file, dir, createRequire(file));
    assert.equal(m.saveCache(), 'written');
    fs.rmSync(m.cacheFile);
    assert.equal(m.saveCache(), 'written', 'the first answer');
    assert.equal(fs.existsSync(m.cacheFile), false, 'no second write');
  });

  it('stack traces point at the file\'s own lines and columns', () => {
    fs.writeFileSync(file, '"use strict";\nexports.boom = function () {\n    throw new Error("boom");\n};\n');
    const m = loadWithCodeCache(file, dir, createRequire(file));
    try {
      (m.exports as { boom(): void }).boom();
      assert.fail('boom() threw nothing');
    } catch (err) {
      assert.match(String((err as Error).stack), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11`));
    }
  });
});

// scripts/bench/scanTargets.mjs: the scan bench's target of issue 23 — with database and group tokens
// in the env files, the scan's cost still follows the env files (its slope per env file), not the
// files of the workspace.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Case { files: number; envFiles: number; readMs: number }
interface ScanTargets {
  MS_PER_ENV_FILE: number;
  followsEnvFiles(bySize: Case[], byEnv: Case[]): { met: boolean; text: string; slope: number; growthMs: number } | undefined;
}

// A native import() (tsc would turn a plain one into require(), which cannot load an ES module).
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<ScanTargets>;
const FILE = path.resolve(__dirname, '../../../../scripts/bench/scanTargets.mjs');

describe('bench:scan target of issue 23 (scripts/bench/scanTargets.mjs)', () => {
  let m: ScanTargets;
  before(async () => {
    m = await importModule(pathToFileURL(FILE).href);
  });
  const bySize = (small: number, large: number): Case[] => [{ files: 1000, envFiles: 50, readMs: small }, { files: 50000, envFiles: 50, readMs: large }];
  const byEnv = (few: number, many: number): Case[] => [{ files: 10000, envFiles: 10, readMs: few }, { files: 10000, envFiles: 200, readMs: many }];

  it('is met when reading + parsing grows with the env files and not with the files', () => {
    const r = m.followsEnvFiles(bySize(8, 9), byEnv(4, 19));
    assert.ok(r);
    assert.equal(r.met, true, r.text);
    assert.equal(r.slope.toFixed(2), '0.08');
    assert.match(r.text, /^reading \+ parsing 0\.08 ms per env file \(10 → 200 env files at 10,000 files: 4 ms → 19 ms; at most 0\.25 ms\) \*\*met\*\*; 1,000 → 50,000 files/);
  });

  it('is missed when each env file costs more than the slope allows', () => {
    const r = m.followsEnvFiles(bySize(8, 9), byEnv(4, 4 + 190 * 0.3));
    assert.equal(r?.met, false);
    assert.match(r?.text ?? '', /0\.30 ms per env file .* \*\*missed\*\*; /);
  });

  it('is missed when the files of the workspace add to the reading + parsing', () => {
    const r = m.followsEnvFiles(bySize(8, 20), byEnv(4, 19));
    assert.equal(r?.met, false);
    assert.match(r?.text ?? '', /8 ms → 20 ms \(at most 5 ms more\) \*\*missed\*\*$/);
  });

  it('says nothing without two sizes and two env-file counts', () => {
    assert.equal(m.followsEnvFiles(bySize(8, 9).slice(0, 1), byEnv(4, 19)), undefined);
    assert.equal(m.followsEnvFiles(bySize(8, 9), []), undefined);
  });
});

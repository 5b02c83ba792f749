// scripts/bench/sections.mjs: docs/BENCHMARKS.md holds the whole-extension bench and, between markers,
// the scan bench's section; each bench rewrites its part and keeps the other's.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Sections {
  SCAN_START: string;
  SCAN_END: string;
  scanSection(text: string): string | undefined;
  withScanSection(text: string, section: string): string;
}

// A native import() (tsc would turn a plain one into require(), which cannot load an ES module).
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Sections>;
const FILE = path.resolve(__dirname, '../../../../scripts/bench/sections.mjs');

describe('bench report sections (scripts/bench/sections.mjs)', () => {
  let m: Sections;
  before(async () => {
    m = await importModule(pathToFileURL(FILE).href);
  });

  const section = (body: string): string => `${m.SCAN_START}\n## Scan\n${body}\n${m.SCAN_END}`;

  it('appends the scan section to a file without one', () => {
    const out = m.withScanSection('# Benchmarks\n\nbody\n', section('v1'));
    assert.equal(out, `# Benchmarks\n\nbody\n\n${section('v1')}\n`);
    assert.equal(m.scanSection(out), section('v1'));
  });

  it('replaces the scan section in place, the text around it unchanged', () => {
    const before = `# Benchmarks\n\n${section('v1')}\n\n## After\ntail $& $1\n`;
    const out = m.withScanSection(before, section('v2 with $& and $1'));
    assert.equal(out, `# Benchmarks\n\n${section('v2 with $& and $1')}\n\n## After\ntail $& $1\n`);
  });

  it('the whole-extension bench keeps the scan section when it rewrites the file', () => {
    const old = `# Benchmarks\nold report\n\n${section('kept')}\n`;
    const rewritten = m.withScanSection('# Benchmarks\nnew report\n', m.scanSection(old)!);
    assert.ok(rewritten.startsWith('# Benchmarks\nnew report\n'));
    assert.equal(m.scanSection(rewritten), section('kept'));
  });

  it('no section: scanSection says so', () => {
    assert.equal(m.scanSection('# Benchmarks\n'), undefined);
    assert.equal(m.scanSection(`${m.SCAN_END} before ${m.SCAN_START}`), undefined);
  });
});

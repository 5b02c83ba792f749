// The README says what is there: its Settings table lists every setting the extension contributes
// (package.json) and nothing else; its layout paragraph names every folder of src/ and no other.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The lines of the README's section `## title`, up to the next `## `. */
function section(title: string): string[] {
  const lines = readme.split('\n');
  const start = lines.indexOf(`## ${title}`);
  assert.ok(start >= 0, `README.md has no "## ${title}" section`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The README's settings: the first cell of each row of the Settings section's table. */
export function readmeSettings(lines: string[]): string[] {
  return lines
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|')[1].trim())
    .filter((cell) => /^`[^`]+`$/.test(cell))
    .map((cell) => cell.slice(1, -1));
}

/** The layout paragraph: the "- Layout:" item of the contributors' list, up to the next item. */
function layoutParagraph(): string {
  const lines = section('For contributors');
  const start = lines.findIndex((line) => line.startsWith('- Layout:'));
  assert.ok(start >= 0, 'README.md has no "- Layout:" item under "## For contributors"');
  const end = lines.findIndex((line, i) => i > start && (line.startsWith('- ') || line.trim() === ''));
  return lines.slice(start, end < 0 ? undefined : end).join(' ');
}

describe('README.md', () => {
  it('lists in its Settings table every setting package.json contributes, and no other', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
    };
    const configuration = [pkg.contributes.configuration].flat();
    const contributed = configuration.flatMap((c) => Object.keys(c.properties)).sort();
    const listed = readmeSettings(section('Settings'));
    assert.ok(contributed.length > 0);
    assert.deepEqual(
      { missingFromReadme: contributed.filter((s) => !listed.includes(s)), notContributed: listed.filter((s) => !contributed.includes(s)) },
      { missingFromReadme: [], notContributed: [] },
    );
  });

  it('reads a settings table', () => {
    assert.deepEqual(readmeSettings(['| Setting | Default | Meaning |', '| --- | --- | --- |', '| `turso.a` | `1` | A. |', 'text `turso.b`']), ['turso.a']);
  });

  it('names every folder of src/ in its layout paragraph, and no folder that is not there', () => {
    const paragraph = layoutParagraph();
    const folders = fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const named = [...new Set([...paragraph.matchAll(/`src\/([A-Za-z0-9_-]+)(?![A-Za-z0-9_.-])/g)].map((m) => m[1]))];
    assert.ok(folders.length > 5);
    assert.deepEqual(
      { missingFromReadme: folders.filter((f) => !named.includes(f)), notInSrc: named.filter((f) => !folders.includes(f)) },
      { missingFromReadme: [], notInSrc: [] },
      `layout paragraph: ${paragraph}`,
    );
  });
});

// Localization stays complete: every `l10n.t('…')` in src is in the exported English bundle
// (l10n/bundle.l10n.json, made by `npm run l10n:export`), and no notification, input box or quick
// pick in src is given a bare English literal.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');
const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Source text with comments blanked (same length, so offsets and line numbers hold). */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (c, lead: string) => lead + ' '.repeat(c.length - lead.length));
}

function where(file: string, text: string, index: number): string {
  return `${path.relative(ROOT, file)}:${text.slice(0, index).split('\n').length}`;
}

/** A JS string literal ('…' or "…") to its value. */
function literalValue(literal: string): string {
  const body = literal.slice(1, -1);
  return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"')}"`) as string;
}

const CALL = /\bl10n\.t\(\s*/g;
const LITERAL = /^('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*[,)]/;

interface Call {
  message: string;
  at: string;
}

function l10nCalls(): { calls: Call[]; computed: string[] } {
  const calls: Call[] = [];
  const computed: string[] = [];
  for (const file of sources(SRC)) {
    const text = code(file);
    for (const match of text.matchAll(CALL)) {
      const rest = text.slice(match.index + match[0].length);
      const literal = LITERAL.exec(rest);
      if (literal) {
        calls.push({ message: literalValue(literal[1]), at: where(file, text, match.index) });
      } else {
        computed.push(where(file, text, match.index));
      }
    }
  }
  return { calls, computed };
}

describe('localization', () => {
  const bundle = JSON.parse(fs.readFileSync(BUNDLE, 'utf8')) as Record<string, string>;
  const { calls, computed } = l10nCalls();

  it('finds the translated strings in src', () => {
    assert.ok(calls.length > 200, `only ${calls.length} l10n.t calls found`);
  });

  it('every l10n.t message is a single string literal (so the export can extract it)', () => {
    assert.deepEqual(computed, [], 'l10n.t called with a computed or concatenated message');
  });

  it('the exported bundle has every message of src: run `npm run l10n:export` after adding one', () => {
    const missing = calls.filter((c) => !(c.message in bundle)).map((c) => `${c.at}: ${c.message}`);
    assert.deepEqual(missing, []);
  });

  it('the exported bundle has nothing src no longer says, and maps every message to itself', () => {
    const used = new Set(calls.map((c) => c.message));
    assert.deepEqual(Object.keys(bundle).filter((key) => !used.has(key)), [], 'stale keys: re-run `npm run l10n:export`');
    for (const [key, value] of Object.entries(bundle)) {
      assert.equal(value, key);
    }
  });

  it('without a bundle, l10n.t gives back the English source text, formatted', () => {
    for (const { message } of calls) {
      if (!/\{\w+\}/.test(message)) {
        assert.equal(l10n.t(message), message);
      }
    }
    assert.equal(l10n.t('{0} failed: {1}', 'Listing API tokens', 'not found'), 'Listing API tokens failed: not found');
    assert.equal(l10n.t('Revoke API token "{0}"?', 'a{1}b'), 'Revoke API token "a{1}b"?');
  });

  it('no notification, input box or quick pick in src is given a bare string literal', () => {
    const offenders: string[] = [];
    const notify = path.join(SRC, 'ui', 'notify.ts');
    const BARE_MESSAGE = /\b(?:show(?:Error|Warning|Information)Message|showInputBox|showQuickPick|createQuickPick|createInputBox|setStatusBarMessage)\s*(?:<[^>]*>)?\(\s*['"`](?!\$)/g;
    const BARE_OPTION = /\b(?:title|prompt|placeHolder|placeholder|validationMessage|detail)\s*[:=]\s*['"`][^'"`$]*[A-Za-z]{2}/g;
    for (const file of sources(SRC)) {
      if (file === notify) {
        continue;
      }
      const text = code(file);
      for (const match of text.matchAll(BARE_MESSAGE)) {
        offenders.push(`${where(file, text, match.index)}: ${match[0]}`);
      }
      if (/from 'vscode'/.test(text)) {
        for (const match of text.matchAll(BARE_OPTION)) {
          offenders.push(`${where(file, text, match.index)}: ${match[0]}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('package.json points VS Code at the bundle, and the package ships it', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!l10n\/\*\*$/m);
  });
});

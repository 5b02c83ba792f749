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
const STRING = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;
/** `message:` of an object-form call: one string literal, then the end of the property. */
const MESSAGE = /(?:^|[{,\s])message\s*:\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*[,}]/;
/** `comment:` of an object-form call: a string literal or an array of them. */
const COMMENT = /(?:^|[{,\s])comment\s*:\s*(\[(?:\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*,?)*\s*\]|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/;

interface Call {
  message: string;
  /** The translator comment of an object-form call `l10n.t({ message, args, comment })`. */
  comment?: string[];
  at: string;
}

/** The text of the object literal that opens `rest` (`{ … }`), string literals skipped; undefined if unclosed. */
function objectLiteral(rest: string): string | undefined {
  const QUOTED = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/y;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    QUOTED.lastIndex = i;
    const quoted = QUOTED.exec(rest);
    if (quoted) {
      i += quoted[0].length - 1;
    } else if (rest[i] === '{') {
      depth++;
    } else if (rest[i] === '}' && --depth === 0) {
      return rest.slice(0, i + 1);
    }
  }
  return undefined;
}

/** The call's message and comment, or undefined when the message is not a single string literal. */
function parseCall(rest: string): Omit<Call, 'at'> | undefined {
  if (!rest.startsWith('{')) {
    const literal = LITERAL.exec(rest);
    return literal ? { message: literalValue(literal[1]) } : undefined;
  }
  const object = objectLiteral(rest);
  const message = object === undefined ? null : MESSAGE.exec(object);
  if (!object || !message) {
    return undefined;
  }
  const comment = COMMENT.exec(object);
  return comment
    ? { message: literalValue(message[1]), comment: (comment[1].match(STRING) ?? []).map(literalValue) }
    : { message: literalValue(message[1]) };
}

function l10nCalls(): { calls: Call[]; computed: string[] } {
  const calls: Call[] = [];
  const computed: string[] = [];
  for (const file of sources(SRC)) {
    const text = code(file);
    for (const match of text.matchAll(CALL)) {
      const call = parseCall(text.slice(match.index + match[0].length));
      if (call) {
        calls.push({ ...call, at: where(file, text, match.index) });
      } else {
        computed.push(where(file, text, match.index));
      }
    }
  }
  return { calls, computed };
}

/** The bundle key of a call: the message, or `message/comment` for a commented call (as @vscode/l10n-dev exports it). */
function bundleKey(call: Call): string {
  return call.comment ? `${call.message}/${call.comment.join('')}` : call.message;
}

type BundleValue = string | { message: string; comment: string[] };

/** The distinct `{n}` placeholders of a message, in order of their number. */
function placeholders(message: string): string[] {
  return [...new Set(message.match(/\{\d+\}/g) ?? [])].sort((x, y) => Number(x.slice(1, -1)) - Number(y.slice(1, -1)));
}

describe('localization', () => {
  const bundle = JSON.parse(fs.readFileSync(BUNDLE, 'utf8')) as Record<string, BundleValue>;
  const { calls, computed } = l10nCalls();

  it('finds the translated strings in src', () => {
    assert.ok(calls.length > 200, `only ${calls.length} l10n.t calls found`);
    assert.ok(calls.some((c) => c.comment), 'no l10n.t({ message, comment }) call found');
  });

  it('every l10n.t message is a single string literal (so the export can extract it)', () => {
    assert.deepEqual(computed, [], 'l10n.t called with a computed or concatenated message');
  });

  it('the exported bundle has every message of src: run `npm run l10n:export` after adding one', () => {
    const missing = calls.filter((c) => !(bundleKey(c) in bundle)).map((c) => `${c.at}: ${bundleKey(c)}`);
    assert.deepEqual(missing, []);
  });

  it('the exported bundle has nothing src no longer says, and maps every message to itself (with its comment)', () => {
    const used = new Map(calls.map((c) => [bundleKey(c), c]));
    assert.deepEqual(Object.keys(bundle).filter((key) => !used.has(key)), [], 'stale keys: re-run `npm run l10n:export`');
    for (const [key, value] of Object.entries(bundle)) {
      const call = used.get(key)!;
      assert.deepEqual(value, call.comment ? { message: call.message, comment: call.comment } : call.message, key);
    }
  });

  it('every l10n.t message with three or more placeholders has a translator comment naming each of them', () => {
    const lacking = calls
      .filter((c) => placeholders(c.message).length >= 3)
      .flatMap((c) => {
        const comment = (c.comment ?? []).join('');
        const unnamed = placeholders(c.message).filter((p) => !comment.includes(p));
        return c.comment && unnamed.length === 0 ? [] : [`${c.at}: ${c.comment ? `comment does not name ${unnamed.join(', ')}` : 'no comment'}`];
      });
    assert.deepEqual(lacking, [], 'give these l10n.t calls the form { message, args, comment: [\'{0} is …, {1} is …\'] }');
  });

  it('without a bundle, l10n.t gives back the English source text, formatted', () => {
    for (const { message, comment } of calls) {
      if (/\{(?!\d+\})\w+\}/.test(message)) {
        continue;
      }
      const args = placeholders(message).map((p) => `<${p.slice(1, -1)}>`);
      const indexed: string[] = [];
      args.forEach((arg) => (indexed[Number(arg.slice(1, -1))] = arg));
      const expected = message.replace(/\{(\d+)\}/g, '<$1>');
      assert.equal(comment ? l10n.t({ message, args: indexed, comment }) : l10n.t(message, ...indexed), expected);
    }
    assert.equal(l10n.t('{0} failed: {1}', 'Listing API tokens', 'not found'), 'Listing API tokens failed: not found');
    assert.equal(l10n.t('Revoke API token "{0}"?', 'a{1}b'), 'Revoke API token "a{1}b"?');
    assert.equal(
      l10n.t({ message: 'Revoked API token "{0}" of {1} in "{2}".', args: ['t', 'ann', 'acme'], comment: ['{0} is the token'] }),
      'Revoked API token "t" of ann in "acme".',
    );
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

  // VS Code reads an extension's l10n/bundle.l10n.<language>.json for a display language other than English,
  // never l10n/bundle.l10n.json (the English source that translations are made from): only the former ship.
  it('package.json points VS Code at the translations, and the package ships them (not the English source)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!l10n\/bundle\.l10n\.\*\.json$/m);
    assert.doesNotMatch(ignore, /^!l10n\/(\*\*|bundle\.l10n\.json)$/m);
  });
});

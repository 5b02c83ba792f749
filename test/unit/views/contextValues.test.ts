// The rows' contextValues (src/views/contextValues.ts) against package.json's `when` clauses that test
// `viewItem`: every kind and flag a clause names is one the module builds, every clause matches some
// row the module can build, and every flag the module marks as tested by menus is tested by one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROW_FLAGS, ROW_KINDS, contextValue, type RowFlag, type RowKind } from '../../../src/views/contextValues';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface ViewItemTest {
  clause: string;
  op: '==' | '!=' | '=~';
  operand: string;
}

/** Every string under `contributes` that a `when` (or `enablement`) clause holds and that tests `viewItem`. */
function viewItemClauses(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: unknown };
  const clauses: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => walk(v, key));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        walk(v, k);
      }
    } else if (typeof value === 'string' && (key === 'when' || key === 'enablement') && /\bviewItem\b/.test(value)) {
      clauses.push(value);
    }
  };
  walk(pkg.contributes, '');
  return clauses;
}

export function viewItemTests(clause: string): ViewItemTest[] {
  const tests = [...clause.matchAll(/\bviewItem\s*(==|!=|=~)\s*(\/(?:\\.|[^/\\])*\/[a-z]*|[^\s&|)]+)/g)].map((m) => ({ clause, op: m[1] as ViewItemTest['op'], operand: m[2] }));
  assert.equal(tests.length, (clause.match(/\bviewItem\b/g) ?? []).length, `a viewItem test not understood in: ${clause}`);
  return tests;
}

/** The words a test names: `turso.token;current` → turso, token, current; `/^turso\.(token|orgToken)(?!.*;busy)/` → turso, token, orgToken, busy. */
function namedWords(test: ViewItemTest): string[] {
  const source = test.op === '=~' ? test.operand.slice(1, test.operand.lastIndexOf('/')).replace(/\\[.sSdDwWbB]/g, ' ') : test.operand;
  return source.match(/[A-Za-z]+/g) ?? [];
}

function regexOf(test: ViewItemTest): RegExp {
  const end = test.operand.lastIndexOf('/');
  return new RegExp(test.operand.slice(1, end), test.operand.slice(end + 1));
}

/** Every contextValue the module can build: each kind with each set of the flags it may carry. */
function buildable(): string[] {
  const values: string[] = [];
  for (const kind of ROW_KINDS) {
    const flags = (Object.keys(ROW_FLAGS) as RowFlag[]).filter((f) => (ROW_FLAGS[f].on as readonly RowKind[]).includes(kind));
    for (let mask = 0; mask < 1 << flags.length; mask++) {
      values.push((contextValue as (k: RowKind, ...f: RowFlag[]) => string)(kind, ...flags.filter((_, i) => mask & (1 << i))));
    }
  }
  return values;
}

describe('contextValues: the rows\' kinds and flags, as package.json\'s menus test them', () => {
  const clauses = viewItemClauses();
  const tests = clauses.flatMap(viewItemTests);
  const values = buildable();
  const kindNames = ROW_KINDS.map((k) => k.slice('turso.'.length));

  it('builds a kind and its flags in one order, `;`-separated', () => {
    assert.equal(contextValue('turso.token', 'current', 'org'), 'turso.token;org;current');
    assert.equal(contextValue('turso.orgToken', 'group', undefined, 'used', false, 'yours'), 'turso.orgToken;group;yours;used');
    assert.equal(contextValue('turso.user'), 'turso.user');
    assert.ok(values.includes('turso.error;retry') && values.includes('turso.orgToken;unrestricted;yours;current;used;busy'), JSON.stringify(values.slice(0, 20)));
  });

  it('reads the viewItem tests of package.json', () => {
    assert.ok(clauses.length > 10, `only ${clauses.length} clauses`);
    assert.deepEqual(viewItemTests('view == v && viewItem =~ /^turso\\.(token|orgToken);(?!.*;busy)/ || viewItem == turso.user;inactive').map((t) => [t.op, t.operand]), [
      ['=~', '/^turso\\.(token|orgToken);(?!.*;busy)/'],
      ['==', 'turso.user;inactive'],
    ]);
  });

  it('every kind and flag a `when` clause names is one the module has', () => {
    const unknown = tests.flatMap((t) =>
      namedWords(t).filter((w) => w !== 'turso' && !kindNames.includes(w) && !(w in ROW_FLAGS)).map((w) => `${w} in ${t.clause}`),
    );
    assert.deepEqual(unknown, []);
  });

  it('every `when` clause matches a row the module can build (and `==` one exactly)', () => {
    const dead = tests.filter((t) => (t.op === '=~' ? !values.some((v) => regexOf(t).test(v)) : !values.includes(t.operand)));
    assert.deepEqual(dead.map((t) => `viewItem ${t.op} ${t.operand}`), []);
  });

  it('a flag is marked `menus` exactly when a `when` clause tests it', () => {
    const named = new Set(tests.flatMap(namedWords));
    const wrong = (Object.keys(ROW_FLAGS) as RowFlag[]).filter((f) => ROW_FLAGS[f].menus !== named.has(f));
    assert.deepEqual(wrong.map((f) => `${f}: menus ${ROW_FLAGS[f].menus}, tested ${named.has(f)}`), []);
  });

  it('no other file of src builds a contextValue by hand (a kind only as contextValue()\'s first argument, no `;flag`)', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    // A kind is spelled as contextValue()'s first argument (the compiler checks it is one); anywhere else it is a value built by hand.
    const kind = new RegExp(`(?<!contextValue\\()['"\`]turso\\.(${kindNames.join('|')})(?![\\w.])`);
    const flag = new RegExp(`;(${Object.keys(ROW_FLAGS).join('|')})\\b`);
    const spelled: string[] = [];
    for (const file of files(path.join(ROOT, 'src'))) {
      if (file.endsWith(path.join('views', 'contextValues.ts'))) {
        continue;
      }
      fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (!/^\s*(\/\/|\*|\/\*)/.test(line) && (kind.test(line) || flag.test(line))) {
          spelled.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    assert.deepEqual(spelled, []);
  });
});

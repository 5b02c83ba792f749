import * as assert from 'assert';
import { compareNames } from '../../../src/util/order';

const icu = new Intl.Collator('en');
/** -1, 0 or 1 (never -0). */
const sign = (n: number): number => Math.sign(n) + 0;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

/** Counts what reaches ICU's collator (its `compare`, read from the prototype on each call) while `run` runs. */
function icuCalls(run: () => void): number {
  const proto = Intl.Collator.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'compare')!;
  let calls = 0;
  Object.defineProperty(proto, 'compare', {
    configurable: true,
    get(this: Intl.Collator) {
      calls++;
      return original.get!.call(this) as unknown;
    },
  });
  try {
    run();
  } finally {
    Object.defineProperty(proto, 'compare', original);
  }
  return calls;
}

/** A deterministic generator (the test reads the same names every run). */
function* names(seed: number, count: number, alphabet: string, maxLength: number): Generator<string> {
  let x = seed;
  const next = (): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  for (let i = 0; i < count; i++) {
    let s = '';
    const length = next() % (maxLength + 1);
    for (let j = 0; j < length; j++) {
      s += alphabet[next() % alphabet.length];
    }
    yield s;
  }
}

describe('names in order (util/order)', () => {
  it('printable ASCII names are ordered without ICU\'s collator', () => {
    const calls = icuCalls(() => {
      const sorted = ['beta', 'Alpha', 'alpha', 'db-2', 'db_1', 'db 1', '0-first', 'Zeta'].sort(compareNames);
      assert.deepStrictEqual(sorted, ['0-first', 'alpha', 'Alpha', 'beta', 'db 1', 'db_1', 'db-2', 'Zeta']);
    });
    assert.strictEqual(calls, 0, 'the collator was not asked');
    assert.ok(icuCalls(() => compareNames('émile', 'emile')) > 0, 'a name with another character goes to the collator');
  });

  it('every pair of printable ASCII characters in ICU\'s order', () => {
    for (const a of PRINTABLE) {
      for (const b of PRINTABLE) {
        assert.strictEqual(sign(compareNames(a, b)), sign(icu.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
  });

  it('thousands of ASCII names, prefixes and names differing only in case, in ICU\'s order', () => {
    // a small alphabet, so pairs often share their start, differ in case only, or are prefixes
    const list = [...names(7, 600, 'aAbB-_ 0.9zZ', 6), ...names(11, 300, PRINTABLE.join(''), 12)];
    for (let i = 0; i < list.length; i++) {
      for (let j = i; j < list.length; j += 7) {
        const [a, b] = [list[i], list[j]];
        assert.strictEqual(sign(compareNames(a, b)), sign(icu.compare(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        assert.strictEqual(sign(compareNames(b, a)), sign(-compareNames(a, b)), `antisymmetric: ${JSON.stringify(a)}, ${JSON.stringify(b)}`);
      }
    }
  });

  it('a list mixing ASCII names and others sorts as ICU sorts it (one order, whatever path a pair takes)', () => {
    const mixed = ['zeta', 'Émile', 'émile', 'emile', 'Ärger', 'arger', 'alpha', '東京', 'db-1', 'db_1', 'DB-1', 'naïve', 'naive', '', 'Zürich', 'zurich', 'ß', 'ss', 'tab\there', 'tab here'];
    for (let k = 0; k < 5; k++) {
      const shuffled = [...names(k + 1, mixed.length, 'x', 0)].map((_, i) => mixed[(i * (k + 3)) % mixed.length]);
      const input = [...new Set([...shuffled, ...mixed])];
      assert.deepStrictEqual([...input].sort(compareNames), [...input].sort((a, b) => icu.compare(a, b)));
    }
  });

  it('the same name is 0; names differing only in case are not', () => {
    assert.strictEqual(compareNames('token-1', 'token-1'), 0);
    assert.strictEqual(compareNames('', ''), 0);
    assert.ok(compareNames('token', 'Token') < 0);
    assert.ok(compareNames('Token', 'token') > 0);
    assert.ok(compareNames('tok', 'token') < 0, 'a start of the other comes first');
  });
});

import * as assert from 'node:assert/strict';
import { combineGlobs, countAlternatives, enabledPatterns, expandBraces, GlobSet, MAX_GLOB_ALTERNATIVES, MAX_PATTERN_LENGTH, simplifyGlob } from '../../../src/workspace/globs';
import { referenceRegExp } from './globReference';

describe('globs (pure)', () => {
  describe('GlobSet: VS Code glob semantics', () => {
    const cases: [string, string, boolean][] = [
      ['**/.env', '.env', true],
      ['**/.env', 'api/.env', true],
      ['**/.env', 'a/b/c/.env', true],
      ['**/.env', 'api/.env.local', false],
      ['**/.env', 'api/x.env', false],
      ['**/.env.*', 'api/.env.local', true],
      ['**/.env.*', '.env.production.local', true],
      ['**/.env.*', '.env', false],
      ['**/*.env', 'config/prod.env', true],
      ['**/*.env', '.env', true], // `*` matches a leading dot, as in VS Code
      ['**/*.env', 'prod.env.bak', false],
      ['*.env', 'prod.env', true],
      ['*.env', 'config/prod.env', false], // no `**/`: the folder's top level only
      ['config/*.env', 'config/prod.env', true],
      ['config/*.env', 'config/sub/prod.env', false],
      ['config/**', 'config/sub/prod.env', true],
      ['**/node_modules', 'node_modules', true],
      ['**/node_modules', 'a/node_modules', true],
      ['**/node_modules', 'a/node_modules_x', false],
      ['**/.en?', 'x/.env', true],
      ['**/.en?', 'x/.en/v', false],
      ['**/{.env,*.env}', 'x/prod.env', true],
      ['**/{.env,*.env}', 'x/.env', true],
      ['**/{.env,{a,b}.cfg}', 'b.cfg', true],
      ['**/[ab].env', 'b.env', true],
      ['**/[ab].env', 'c.env', false],
      ['**/[!ab].env', 'c.env', true],
      ['**/[!ab].env', 'a.env', false],
      ['**/a+b(1).env', 'a+b(1).env', true],
      ['**/a+b(1).env', 'aab1.env', false],
    ];
    for (const [glob, path, expected] of cases) {
      it(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
        assert.equal(new GlobSet([glob]).matches(path), expected);
        assert.equal(referenceRegExp(glob).test(path), expected, 'the reference regular expression agrees');
      });
    }
  });

  describe('GlobSet', () => {
    it('matchesOrContains: a folder pattern excludes everything below it', () => {
      const set = new GlobSet(['**/node_modules', '**/.git', 'build']);
      assert.ok(set.matchesOrContains('node_modules/pkg/.env'));
      assert.ok(set.matchesOrContains('a/b/node_modules/.env'));
      assert.ok(set.matchesOrContains('.git/.env'));
      assert.ok(set.matchesOrContains('build/.env'));
      assert.ok(!set.matchesOrContains('src/build/.env'));
      assert.ok(!set.matchesOrContains('api/.env'));
      assert.ok(!set.matches('node_modules/pkg/.env'));
    });

    it('paths with backslashes or a leading ./ are normalised; blank patterns are ignored', () => {
      const set = new GlobSet(['**/.env', '  ', '']);
      assert.ok(set.matches('api\\.env'));
      assert.ok(set.matches('./.env'));
      assert.ok(!new GlobSet(['', ' ']).matches('.env'));
    });
  });

  describe('expandBraces / combineGlobs / enabledPatterns', () => {
    it('expandBraces spells out alternatives, nested ones included', () => {
      assert.deepEqual(expandBraces('**/.env'), ['**/.env']);
      assert.deepEqual(expandBraces('**/{a,b}.env'), ['**/a.env', '**/b.env']);
      assert.deepEqual(expandBraces('{x,y}/{a,{b,c}}'), ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c']);
      assert.deepEqual(expandBraces('broken{a,b'), ['broken{a,b']);
      assert.equal(expandBraces('{a,b}'.repeat(7)), undefined, '128 alternatives: more than the cap');
      assert.equal(expandBraces('{a,b}'.repeat(6))?.length, 64);
      assert.equal(countAlternatives('{a,b}'.repeat(20)), MAX_GLOB_ALTERNATIVES + 1, 'counted without spelling out');
      assert.equal(countAlternatives('{x,y}/{a,{b,c}}'), 6);
    });

    it('combineGlobs: one pattern as is, several in one flat {…}, duplicates and blanks dropped', () => {
      const glob = (patterns: string[]) => combineGlobs(patterns).glob;
      assert.equal(glob([]), undefined);
      assert.equal(glob(['', '  ']), undefined);
      assert.equal(glob(['**/.env']), '**/.env');
      assert.equal(glob(['**/.env', '**/.env.*', '**/*.env', '**/.env']), '{**/.env,**/.env.*,**/*.env}');
      assert.equal(glob(['**/{a,b}.env', 'c']), '{**/a.env,**/b.env,c}');
      assert.deepEqual(combineGlobs(['**/.env']).leftOut, []);
    });

    it('combineGlobs: repeated **/ folded; too many alternatives or too long: left out, said so', () => {
      assert.equal(combineGlobs([`${'**/'.repeat(30)}.env`]).glob, '**/.env');
      const many = '{a,b}'.repeat(20);
      const long = `**/${'x'.repeat(MAX_PATTERN_LENGTH)}`;
      assert.deepEqual(combineGlobs(['**/.env', many, long]), { glob: '**/.env', leftOut: [many, long] });
    });

    it('simplifyGlob: the same paths with fewer stars', () => {
      assert.equal(simplifyGlob('**/**/**/.env'), '**/.env');
      assert.equal(simplifyGlob('a/**/**'), 'a/**');
      assert.equal(simplifyGlob('a***b'), 'a*b');
      assert.equal(simplifyGlob('***/x'), '***/x');
      assert.equal(simplifyGlob('**a/**/b'), '**a/**/b');
    });

    it('enabledPatterns: the true entries of a files.exclude-like object', () => {
      assert.deepEqual(enabledPatterns({ '**/.git': true, '**/off': false, '**/*.js': { when: '$(basename).ts' } }), ['**/.git']);
      assert.deepEqual(enabledPatterns(undefined), []);
      assert.deepEqual(enabledPatterns('**/.git'), []);
    });
  });
});

describe('globs: hostile patterns (issue 21)', () => {
  // Each of these blocked the extension host with the regular expressions: repeated `**/` (49 s),
  // a files.exclude entry (367 ms a path), `{a,b}` twenty times (2.6 s, 29 MB). The automaton's work
  // is counted in steps: at most (path length + 1) × states × a few transitions, whatever the
  // pattern; the wall time bound is generous (the work is about a millisecond).
  const deepPath = `${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}/x.txt`;
  const cases: [string, string[], string][] = [
    ['repeated **/', [`${'**/'.repeat(40)}.env`], deepPath],
    ['repeated **/ with a letter between', [`${'**/a'.repeat(40)}/.env`], deepPath],
    ['stars with a letter between', [`${'*a'.repeat(40)}*b`], 'a'.repeat(200)],
    ['{a,b} twenty times', ['{a,b}'.repeat(20)], 'ab'.repeat(10) + 'c'],
    ['nested braces', ['{a,{b,{c,{d,{e,f}}}}}'.repeat(10)], 'abcdefabcdefabcdef/x'],
  ];
  for (const [name, patterns, path] of cases) {
    it(`${name}: linear work, well under a second`, () => {
      const t0 = performance.now();
      const set = new GlobSet(patterns);
      assert.equal(set.matchesOrContains(path), false);
      assert.equal(set.matches(path), false);
      const { leftOut } = combineGlobs(patterns);
      const ms = performance.now() - t0;
      const bound = 2 * (path.length + 1) * set.size * 4;
      assert.ok(set.steps <= bound, `${set.steps} steps for ${set.size} states and a path of ${path.length}: more than ${bound}`);
      assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
      assert.ok(leftOut.length <= 1);
    });
  }

  it('a pattern longer than the cap is left out and matches nothing; the set says which', () => {
    const long = `**/${'a'.repeat(MAX_PATTERN_LENGTH)}`;
    const set = new GlobSet([long, '**/.env']);
    assert.deepEqual(set.leftOut, [long]);
    assert.ok(set.matches('x/.env'));
    assert.ok(!set.matches(`x/${'a'.repeat(MAX_PATTERN_LENGTH)}`));
  });

  it('the states grow with the pattern\'s length, not with its alternatives', () => {
    assert.ok(new GlobSet(['{a,b}'.repeat(20)]).size < 200);
  });
});

describe('globs: the automaton agrees with the regular expressions on random patterns', () => {
  // Small random patterns over the glob syntax, and random paths over the same letters: the
  // automaton and the reference regular expression (the one VS Code's globs stand for) agree.
  let seed = 21;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const atoms = ['a', 'b', '.', '/', '*', '**', '**/', '?', '[ab]', '[!a]', '{a,b}', '{a/b,*}', '{,a}', '[a-b]'];
  const pathChars = ['a', 'b', 'c', '.', '/'];
  it('2,000 patterns × 20 paths each', () => {
    let compared = 0;
    for (let n = 0; n < 2000; n++) {
      const pattern = Array.from({ length: 1 + random(6) }, () => atoms[random(atoms.length)]).join('');
      const set = new GlobSet([pattern]);
      const re = referenceRegExp(pattern);
      for (let k = 0; k < 20; k++) {
        const path = Array.from({ length: random(9) }, () => pathChars[random(pathChars.length)]).join('');
        assert.equal(set.matches(path), re.test(path.replace(/^\.\//, '').replace(/^\/+/, '')), `${pattern} on ${JSON.stringify(path)}`);
        compared++;
      }
    }
    assert.equal(compared, 40000);
  });

  it('matchesOrContains agrees with matching every folder above', () => {
    for (let n = 0; n < 500; n++) {
      const pattern = Array.from({ length: 1 + random(5) }, () => atoms[random(atoms.length)]).join('');
      const set = new GlobSet([pattern]);
      const re = referenceRegExp(pattern);
      const path = Array.from({ length: 1 + random(9) }, () => pathChars[random(pathChars.length)]).join('').replace(/^[./]+/, '');
      let expected = re.test(path);
      for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) expected ||= re.test(path.slice(0, slash));
      assert.equal(set.matchesOrContains(path), expected, `${pattern} on ${JSON.stringify(path)}`);
    }
  });
});

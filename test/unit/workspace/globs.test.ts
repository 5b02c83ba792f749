import * as assert from 'node:assert/strict';
import { combineGlobs, enabledPatterns, expandBraces, GlobSet, globToRegExp } from '../../../src/workspace/globs';

describe('globs (pure)', () => {
  describe('globToRegExp: VS Code glob semantics', () => {
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
        assert.equal(globToRegExp(glob).test(path), expected);
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
    });

    it('combineGlobs: one pattern as is, several in one flat {…}, duplicates and blanks dropped', () => {
      assert.equal(combineGlobs([]), undefined);
      assert.equal(combineGlobs(['', '  ']), undefined);
      assert.equal(combineGlobs(['**/.env']), '**/.env');
      assert.equal(combineGlobs(['**/.env', '**/.env.*', '**/*.env', '**/.env']), '{**/.env,**/.env.*,**/*.env}');
      assert.equal(combineGlobs(['**/{a,b}.env', 'c']), '{**/a.env,**/b.env,c}');
    });

    it('enabledPatterns: the true entries of a files.exclude-like object', () => {
      assert.deepEqual(enabledPatterns({ '**/.git': true, '**/off': false, '**/*.js': { when: '$(basename).ts' } }), ['**/.git']);
      assert.deepEqual(enabledPatterns(undefined), []);
      assert.deepEqual(enabledPatterns('**/.git'), []);
    });
  });
});

import * as assert from 'node:assert/strict';
import { appendGitignoreEntry, gitignoreCovers, upsertEnvVar, withoutLine } from '../../../src/workspace/envFile';

const KEY = 'TURSO_API_TOKEN';
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJpZCI6InRlc3QifQ.c2lnbmF0dXJl';

describe('envFile (pure)', () => {
  describe('upsertEnvVar', () => {
    const cases: { name: string; before: string; after: string; replaced: boolean; value?: string }[] = [
      { name: 'empty file', before: '', after: `${KEY}=${JWT}\n`, replaced: false },
      { name: 'appends after other lines', before: 'A=1\nB=2\n', after: `A=1\nB=2\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'no trailing newline: a line break is added before, and after', before: 'A=1', after: `A=1\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'existing key replaced, other lines untouched', before: `A=1\n${KEY}=old\nB=2\n`, after: `A=1\n${KEY}=${JWT}\nB=2\n`, replaced: true },
      { name: 'replaced on the last line without a trailing newline stays without one', before: `A=1\n${KEY}=old`, after: `A=1\n${KEY}=${JWT}`, replaced: true },
      { name: '`export ` prefix kept', before: `export ${KEY}=old\n`, after: `export ${KEY}=${JWT}\n`, replaced: true },
      { name: 'indentation and spacing around = kept', before: `  ${KEY} = old\n`, after: `  ${KEY} = ${JWT}\n`, replaced: true },
      { name: 'CRLF kept when replacing', before: `A=1\r\n${KEY}=old\r\nB=2\r\n`, after: `A=1\r\n${KEY}=${JWT}\r\nB=2\r\n`, replaced: true },
      { name: 'CRLF used when appending', before: 'A=1\r\nB=2', after: `A=1\r\nB=2\r\n${KEY}=${JWT}\r\n`, replaced: false },
      { name: 'double-quoted value keeps its quotes', before: `${KEY}="old value"\n`, after: `${KEY}="${JWT}"\n`, replaced: true },
      { name: 'single-quoted value keeps its quotes', before: `${KEY}='old'\n`, after: `${KEY}='${JWT}'\n`, replaced: true },
      { name: 'quoted value containing # and an escaped quote', before: `${KEY}="a#b\\"c" # note\n`, after: `${KEY}="${JWT}" # note\n`, replaced: true },
      { name: 'trailing comment kept', before: `${KEY}=old # the CI token\n`, after: `${KEY}=${JWT} # the CI token\n`, replaced: true },
      { name: 'empty value with a comment', before: `${KEY}= # fill me\n`, after: `${KEY}=${JWT} # fill me\n`, replaced: true },
      { name: 'a # without a space before it is part of the value', before: `${KEY}=abc#def\n`, after: `${KEY}=${JWT}\n`, replaced: true },
      { name: 'multi-line quoted value collapses to one line', before: `A=1\n${KEY}="line1\nline2"\nB=2\n`, after: `A=1\n${KEY}="${JWT}"\nB=2\n`, replaced: true },
      { name: 'similar keys untouched', before: `${KEY}_OLD=x\nMY_${KEY}=y\n`, after: `${KEY}_OLD=x\nMY_${KEY}=y\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'commented-out assignment untouched', before: `# ${KEY}=old\n`, after: `# ${KEY}=old\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'a look-alike line inside another key\'s multi-line value untouched', before: `CERT="-----\n${KEY}=inside\n-----"\n`, after: `CERT="-----\n${KEY}=inside\n-----"\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'every duplicate assignment gets the value', before: `${KEY}=a\nX=1\n${KEY}=b\n`, after: `${KEY}=${JWT}\nX=1\n${KEY}=${JWT}\n`, replaced: true },
      { name: 'byte order mark kept', before: `\uFEFF${KEY}=old\n`, after: `\uFEFF${KEY}=${JWT}\n`, replaced: true },
      { name: 'blank lines and comments kept', before: '# secrets\n\nA=1\n', after: `# secrets\n\nA=1\n${KEY}=${JWT}\n`, replaced: false },
      { name: 'a value with spaces is single-quoted', before: '', value: 'a b', after: `${KEY}='a b'\n`, replaced: false },
      { name: 'a value with a single quote is double-quoted and escaped', before: '', value: `it's "x"`, after: `${KEY}="it's \\"x\\""\n`, replaced: false },
      // The grammar shared with tokenFinder.ts (dotenv's, and VS Code's line breaks): where the two copies differed.
      { name: 'a lone \\r ends a line (as in dotenv and VS Code): the key on the second line is replaced', before: `A=1\r${KEY}=old\rB=2\r`, after: `A=1\r${KEY}=${JWT}\rB=2\r`, replaced: true },
      { name: 'a lone \\r file gets \\r when appending', before: 'A=1\rB=2', after: `A=1\rB=2\r${KEY}=${JWT}\r`, replaced: false },
      { name: '`KEY: value` (dotenv\'s colon form) is replaced in place, not assigned twice', before: `${KEY}: old\nB=2\n`, after: `${KEY}: ${JWT}\nB=2\n`, replaced: true },
      { name: 'a value holding U+2028 is replaced whole', before: `${KEY}=old\u2028old\n`, after: `${KEY}=${JWT}\n`, replaced: true },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const result = upsertEnvVar(c.before, KEY, c.value ?? JWT);
        assert.equal(result.text, c.after);
        assert.equal(result.replaced, c.replaced);
      });
    }

    it('is idempotent', () => {
      const once = upsertEnvVar('A=1\r\n', KEY, JWT).text;
      const twice = upsertEnvVar(once, KEY, JWT);
      assert.equal(twice.text, once);
      assert.equal(twice.replaced, true);
    });
  });

  describe('withoutLine (Remove the line, on disk)', () => {
    const cases: { name: string; before: string; line: number; after: string }[] = [
      { name: 'a middle line and its break', before: `A=1\n${KEY}=${JWT}\nB=2\n`, line: 1, after: 'A=1\nB=2\n' },
      { name: 'the first line', before: `${KEY}=${JWT}\nB=2\n`, line: 0, after: 'B=2\n' },
      { name: 'the last line with its break', before: `A=1\n${KEY}=${JWT}\n`, line: 1, after: 'A=1\n' },
      { name: 'the last line without a break: the break before it stays', before: `A=1\n${KEY}=${JWT}`, line: 1, after: 'A=1\n' },
      { name: 'the only line', before: `${KEY}=${JWT}`, line: 0, after: '' },
      { name: 'CRLF and CR line breaks of the other lines kept', before: `A=1\r\n${KEY}=${JWT}\r\nB=2\rC=3\n`, line: 1, after: 'A=1\r\nB=2\rC=3\n' },
      { name: 'a byte order mark stays when the first line goes', before: `\uFEFF${KEY}=${JWT}\nB=2\n`, line: 0, after: '\uFEFFB=2\n' },
      { name: 'a line past the end: nothing removed', before: 'A=1\nB=2\n', line: 5, after: 'A=1\nB=2\n' },
    ];
    for (const c of cases) {
      it(c.name, () => assert.equal(withoutLine(c.before, c.line), c.after));
    }
  });

  describe('appendGitignoreEntry', () => {
    const cases: [string, string, string][] = [
      ['empty file', '', '.env\n'],
      ['ends with a newline', 'node_modules/\n', 'node_modules/\n.env\n'],
      ['no trailing newline', 'node_modules/', 'node_modules/\n.env\n'],
      ['CRLF file', 'out/\r\ndist/', 'out/\r\ndist/\r\n.env\r\n'],
    ];
    for (const [name, before, after] of cases) {
      it(name, () => assert.equal(appendGitignoreEntry(before, '.env'), after));
    }
  });

  describe('gitignoreCovers(…, ".env")', () => {
    const cases: [string, string, boolean][] = [
      ['empty file', '', false],
      ['.env', '.env', true],
      ['/.env (anchored)', '/.env', true],
      ['*.env', '*.env', true],
      ['.env*', '.env*', true],
      ['**/.env', '**/.env', true],
      ['* (everything)', '*', true],
      ['.en? (one character)', '.en?\n', true],
      ['character class', '.[e]nv', true],
      ['negated character class', '.[!e]nv', false],
      ['among other lines', 'node_modules/\nout/\n.env\ndist/', true],
      ['CRLF lines', 'out/\r\n.env\r\n', true],
      ['trailing spaces ignored', '.env   ', true],
      ['leading byte order mark skipped', '\uFEFF.env\n', true],
      ['commented out', '# .env', false],
      ['comment that mentions it', '# keep .env out of git\nout/', false],
      ['inline text is part of the pattern, not a comment', '.env # secrets', false],
      ['negated afterwards', '.env\n!.env', false],
      ['negated glob afterwards', '*.env\n!.env', false],
      ['ignored again after a negation', '!.env\n.env', true],
      ['negation of something else', '.env\n!.env.example', true],
      ['directory-only pattern does not match a file', '.env/', false],
      ['different file', '.env.local', false],
      ['longer name', '.envrc', false],
      ['without the dot', 'env', false],
      ['other folder', 'config/.env', false],
      ['escaped #', '\\#.env', false],
      ['blank lines only', '\n\n  \n', false],
    ];
    for (const [name, text, expected] of cases) {
      it(`${expected ? 'ignored' : 'not ignored'}: ${name}`, () => assert.equal(gitignoreCovers(text, '.env'), expected));
    }

    it('handles nested paths: anchored patterns, ignored parent folders, ** in the middle', () => {
      assert.equal(gitignoreCovers('config/.env', 'config/.env'), true);
      assert.equal(gitignoreCovers('/.env', 'config/.env'), false);
      assert.equal(gitignoreCovers('.env', 'config/.env'), true);
      assert.equal(gitignoreCovers('config/', 'config/.env'), true);
      // A file inside an ignored folder cannot be re-included.
      assert.equal(gitignoreCovers('config/\n!config/.env', 'config/.env'), true);
      assert.equal(gitignoreCovers('a/**/.env', 'a/b/c/.env'), true);
      assert.equal(gitignoreCovers('a/**', 'a/.env'), true);
    });
  });
});

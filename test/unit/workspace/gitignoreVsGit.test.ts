import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitignoreCovers } from '../../../src/workspace/envFile';

// The same .gitignore texts, asked of the matcher and of git itself (`git check-ignore`) in a real
// repository holding the files, so git knows which paths are folders.

const PATHS = ['.env', 'config/.env', 'a/b/c/.env', '.env.local', 'x/y.env', 'ab/.env'];

const PATTERNS: string[] = [
  '', '.env', '/.env', '*.env', '.env*', '**/.env', '*', '.en?', '.[e]nv', '.[!e]nv', '.[^e]nv', '.[a-f]nv', '.[!a-d]nv',
  'out/\r\n.env\r\n', '.env   ', '\uFEFF.env', '# .env', '.env # secrets', '.env\n!.env', '*.env\n!.env', '!.env\n.env',
  '.env\n!.env.example', '.env/', '.envrc', 'env', 'config/.env', '\\#.env', '#.env', '\\!.env', ' .env', '.env\\ ', '.ENV',
  'config/', '/config/', 'config', 'config/\n!config/.env', 'config/*\n!config/.env', 'a/**/.env', 'a/**', '**/c/.env',
  '**/b', 'a/**/b/', '*/.env', '**/.env/**', '.e*v', '.e**v', '***.env', 'a/**/**/.env', '.env/**', 'a/*/c/.env',
  '/*\n!/config', '*\n!*/\n!.env', '.[e-e]nv', '.[]]nv', '.[[]nv', '\\.env', '.e\\nv', '.env\\', '!', '!/.env',
  '.env\n!/.env', 'y.env', 'x/', 'x/*.env', '**/x/**/*.env', '[a-c]/b/', '.env.*', '.env?*', '.?nv', '*/', '/',
  // git's wildmatch, unlike its documentation, lets `a**/` cross folders; neither matcher does, so `a**/…` is left out
  '.[[:alpha:]]nv', '.[[:punct:]]env', '[[:punct:]]env', '.[env', '.[z-a]nv', 'config[/].env', '.[\\]]nv', '.[\\e]nv',
  '**a/.env', 'a/**b/.env', 'ab**/.env', 'a/b/**/', '**/', '**', '/**/.env', '**/**/.env', '.env/**/', '\\*.env', '.env\t',
  '.env \\ ', '.env\\  ', '\\ .env', 'config\\/.env', 'a\\/b/', '.e[n]v/', '!.env\n.env\n!.env', '.e[!]]nv', '.e[^]]nv',
  '[!a]/.env', '[!c]*/', 'conf?g/', '*/*/c/', 'a/*', 'a/*/', 'ab/', 'a?/', '**/b/c/.env', 'a/b/c/.env/', '*.env\n!config/',
  'config/\n!config/', 'a/\n!a/b/', '/a/b', 'b', 'b/', '**/a/b', 'x/**/', 'x/**/*.env', '**/*.env', '.[-]env', '.[e-]nv',
  '.[-e]nv', '[.]env', '?env', '??env', '*env', '*e*n*v*', '.e\\nv\\',
];

function git(cwd: string, args: string[], input?: string): { status: number; stdout: string } {
  try {
    const stdout = execFileSync('git', args, {
      cwd,
      input,
      encoding: 'utf8',
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // No user or system excludes file may take part; case matters as on Linux.
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: cwd, LC_ALL: 'C' },
    });
    return { status: 0, stdout };
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    return { status: e.status ?? -1, stdout: e.stdout ?? '' };
  }
}

function gitAvailable(): boolean {
  return git(os.tmpdir(), ['--version']).status === 0;
}

describe('gitignoreCovers agrees with git check-ignore', function () {
  let repo: string;

  before(function () {
    if (!gitAvailable()) {
      this.skip();
    }
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-gitignore-'));
    assert.equal(git(repo, ['init', '-q']).status, 0, 'git init');
    assert.equal(git(repo, ['config', 'core.ignorecase', 'false']).status, 0);
    for (const p of PATHS) {
      fs.mkdirSync(path.join(repo, path.dirname(p)), { recursive: true });
      fs.writeFileSync(path.join(repo, p), 'A=1\n');
    }
  });
  after(() => {
    if (repo) {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it(`${PATTERNS.length} .gitignore texts × ${PATHS.length} paths`, function () {
    this.timeout(60_000); // one git process per text
    const mismatches: string[] = [];
    for (const text of PATTERNS) {
      fs.writeFileSync(path.join(repo, '.gitignore'), text);
      // the paths git ignores, all asked at once
      const { status, stdout } = git(repo, ['check-ignore', '--stdin', '-z', '--no-index'], PATHS.join('\0'));
      assert.ok(status === 0 || status === 1, `git check-ignore with ${JSON.stringify(text)} exited ${status}`);
      const ignoredByGit = new Set(stdout.split('\0').filter((p) => p !== ''));
      for (const p of PATHS) {
        const byGit = ignoredByGit.has(p);
        let ours: boolean | string;
        try {
          ours = gitignoreCovers(text, p);
        } catch (err) {
          ours = `threw ${String(err)}`;
        }
        if (ours !== byGit) {
          mismatches.push(`${JSON.stringify(text)} ${p}: git says ${byGit ? 'ignored' : 'not ignored'}, the matcher ${String(ours)}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });
});

/**
 * What git itself says about one file of a folder: in a repository or not, tracked or not, ignored or
 * not. Git is run with `execFile` (no shell), in the folder, with a time limit. No `vscode` import: it
 * runs (and is tested) in plain Node against real repositories.
 */
import * as l10n from '@vscode/l10n';
import { execFile } from 'node:child_process';
import { errorMessage } from '../util/errors';

export interface GitOptions {
  /** The git executable (the built-in git extension's, when it has one). Default: `git` on the PATH. */
  gitPath?: string;
  /** Per git command. Default 10 s. */
  timeoutMs?: number;
}

export type GitFileState =
  /** No repository holds the folder. */
  | { kind: 'none' }
  | {
    kind: 'repo';
    /** The repository's top-level folder, as git prints it. */
    root: string;
    /** In git's index: committed, or added for the next commit. A `.gitignore` does not apply to it. */
    tracked: boolean;
    /** The ignore rules (every `.gitignore`, `info/exclude`, `core.excludesFile`) match the file, tracked or not. */
    ignoredByRules: boolean;
  }
  /** Git could not answer: not installed, timed out, refused the repository (`safe.directory`)… */
  | { kind: 'unknown'; reason: string };

/** Git could not be run, or failed in a way that leaves the answer unknown. */
export class GitUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitUnavailableError';
  }
}

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function runGit(cwd: string, args: string[], options: GitOptions): Promise<GitRun> {
  const gitPath = options.gitPath || 'git';
  return new Promise((resolve, reject) => {
    execFile(
      gitPath,
      args,
      {
        cwd,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        windowsHide: true,
        maxBuffer: 1024 * 1024,
        // Messages in English, so "not a git repository" can be told from other failures; no prompts.
        env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.code === 'ENOENT') {
          reject(new GitUnavailableError(l10n.t('git was not found ({0})', gitPath)));
        } else if (e.killed || e.signal) {
          reject(new GitUnavailableError(l10n.t('git did not answer within {0} s', Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000))));
        } else if (typeof e.code === 'number') {
          resolve({ code: e.code, stdout, stderr });
        } else {
          reject(new GitUnavailableError(l10n.t('git could not be run: {0}', e.message)));
        }
      },
    );
  });
}

/** Git's own first line of complaint, e.g. "fatal: detected dubious ownership in repository at '/x'". */
function firstLine(stderr: string, fallback: string): string {
  return stderr.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? fallback;
}

/**
 * The state of `file` (a name relative to `folder`, e.g. `.env`) in the repository that holds
 * `folder`, wherever its root is. Never throws: what git cannot answer comes back as `unknown`.
 */
export async function gitFileState(folder: string, file: string, options: GitOptions = {}): Promise<GitFileState> {
  try {
    const top = await runGit(folder, ['rev-parse', '--show-toplevel'], options);
    if (top.code !== 0) {
      return /not a git repository/i.test(top.stderr)
        ? { kind: 'none' }
        : { kind: 'unknown', reason: firstLine(top.stderr, l10n.t('{0} exited with {1}', 'git rev-parse', top.code)) };
    }
    const root = top.stdout.trim();
    if (!root) {
      // A folder inside `.git`, or a bare repository: no work tree to hold the file.
      return { kind: 'unknown', reason: l10n.t('git found no work tree for this folder') };
    }
    // `--error-unmatch` is not needed: any output means the path is in the index.
    const listed = await runGit(folder, ['--literal-pathspecs', 'ls-files', '-z', '--', file], options);
    if (listed.code !== 0) {
      return { kind: 'unknown', reason: firstLine(listed.stderr, l10n.t('{0} exited with {1}', 'git ls-files', listed.code)) };
    }
    const ignoredByRules = await isIgnoredByRules(folder, file, options);
    return { kind: 'repo', root, tracked: listed.stdout.length > 0, ignoredByRules };
  } catch (err) {
    return { kind: 'unknown', reason: errorMessage(err) };
  }
}

/**
 * Whether git's ignore rules match `file`, whether or not it is tracked (`--no-index`). Throws a
 * `GitUnavailableError` when git cannot tell.
 */
export async function isIgnoredByRules(folder: string, file: string, options: GitOptions = {}): Promise<boolean> {
  const run = await runGit(folder, ['check-ignore', '-q', '--no-index', '--', file], options);
  if (run.code === 0 || run.code === 1) {
    return run.code === 0;
  }
  throw new GitUnavailableError(firstLine(run.stderr, l10n.t('{0} exited with {1}', 'git check-ignore', run.code)));
}

/**
 * Removes `file` from git's index and leaves it on disk (`git rm --cached`): its removal is staged
 * for the next commit, and from then on `.gitignore` applies to it. Throws with git's reason.
 */
export async function untrack(folder: string, file: string, options: GitOptions = {}): Promise<void> {
  const run = await runGit(folder, ['--literal-pathspecs', 'rm', '--cached', '--quiet', '--', file], options);
  if (run.code !== 0) {
    throw new GitUnavailableError(firstLine(run.stderr, l10n.t('{0} exited with {1}', 'git rm --cached', run.code)));
  }
}

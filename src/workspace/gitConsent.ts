import * as path from 'node:path';
import * as vscode from 'vscode';
import { showWarningMessage } from '../ui/notify';
import { appendGitignoreEntry, gitignoreCovers } from './envFile';
import { isIgnoredByRules, type GitFileState, type GitOptions } from './gitState';
import { createLocalText, readLocalText, rewriteLocalText } from './localFile';

/**
 * The one home of what git's state of a file means for writing a token into it (Save to .env and
 * Rotate API Token alike): which consent the write needs, the question that asks it, and making git
 * ignore the file (listed in its folder's `.gitignore`, never written through a link, then git asked
 * again). The wording of the questions and notes stays with each flow (Save and Replace differ).
 */

/**
 * What writing a token into a file needs, as git said of it:
 * - `none`: nothing (no repository, or git ignores it and does not track it);
 * - `tracked`: git tracks it (a `.gitignore` does not apply): stop tracking it first;
 * - `unignored`: git neither tracks nor ignores it: the next `git add` takes it unless it is ignored;
 * - `unchecked`: git could not answer (`reason`): write only if the person says so.
 */
export type GitConsentNeed = { kind: 'none' } | { kind: 'tracked' } | { kind: 'unignored' } | { kind: 'unchecked'; reason: string };

export function gitConsentNeed(git: GitFileState): GitConsentNeed {
  switch (git.kind) {
    case 'none':
      return { kind: 'none' };
    case 'repo':
      return git.tracked ? { kind: 'tracked' } : git.ignoredByRules ? { kind: 'none' } : { kind: 'unignored' };
    default:
      return { kind: 'unchecked', reason: git.reason };
  }
}

/** A consent question's words: the flow's own (one file or several, Save or Replace). */
export interface ConsentQuestion {
  message: string;
  detail: string;
  /** The button that agrees. */
  agree: string;
  /** A button that declines but goes on (the other files are still written), if the flow has one. */
  leave?: string;
}

/** Asks one consent, modal: 'agree', 'leave' (the `leave` button), or undefined when the person cancelled. */
export async function askGitConsent(question: ConsentQuestion): Promise<'agree' | 'leave' | undefined> {
  const buttons = question.leave === undefined ? [question.agree] : [question.agree, question.leave];
  const answer = await showWarningMessage(question.message, { modal: true, detail: question.detail }, ...buttons);
  return answer === question.agree ? 'agree' : answer !== undefined && answer === question.leave ? 'leave' : undefined;
}

/** A folder's `.gitignore` and git's answer for one file in that folder: each flow's own way to its files. */
export interface GitignoreAccess {
  /** The `.gitignore`'s text, never read through a link; undefined when there is none. */
  read(): Promise<string | undefined>;
  /** Writes the `.gitignore` (`exists`: rewrite, else create it, 0644), never through a link. */
  write(text: string, exists: boolean): Promise<void>;
  /** Whether git's ignore rules match the file now. Throws when git cannot tell. */
  ignored(): Promise<boolean>;
}

/** What was done to the `.gitignore`: nothing (it already listed the file), created, or appended to. */
export type GitignoreChange = 'listed' | 'created' | 'appended';

/**
 * Makes the folder's `.gitignore` list `name` (as `entry`), unless its rules already cover it. Git is
 * not asked: for a folder git could not look at.
 */
export async function listInGitignore(access: GitignoreAccess, name: string, entry: string): Promise<GitignoreChange> {
  const text = await access.read();
  if (text !== undefined && gitignoreCovers(text, name)) {
    return 'listed';
  }
  await access.write(appendGitignoreEntry(text ?? '', entry), text !== undefined);
  return text === undefined ? 'created' : 'appended';
}

/**
 * Makes git ignore `name`: nothing when it already does; else the folder's `.gitignore` is made to
 * list it (as `entry`), and git is asked again. `ignored` false: another rule brings it back.
 */
export async function ignoreWithGit(access: GitignoreAccess, name: string, entry: string): Promise<{ change: GitignoreChange | 'none'; ignored: boolean }> {
  if (await access.ignored()) {
    return { change: 'none', ignored: true };
  }
  const change = await listInGitignore(access, name, entry);
  return { change, ignored: await access.ignored() };
}

/** A `.gitignore` holds nothing secret. */
export const GITIGNORE_MODE = 0o644;

/** The `.gitignore` next to `file` on this computer's disk (never through a link), and git's answer for `file`. */
export function localGitignore(file: string): GitignoreAccess {
  const folder = path.dirname(file);
  const gitignore = path.join(folder, '.gitignore');
  return {
    read: () => readLocalText(gitignore),
    write: (text, exists) => (exists ? rewriteLocalText(gitignore, text) : createLocalText(gitignore, text, GITIGNORE_MODE)),
    ignored: () => isIgnoredByRules(folder, path.basename(file), gitOptions()),
  };
}

/** The built-in git extension's git, when it is active and found one; `git` on the PATH otherwise. */
export function gitOptions(): GitOptions {
  try {
    const extension = vscode.extensions.getExtension<{ getAPI(version: 1): { git: { path: string } } }>('vscode.git');
    return extension?.isActive ? { gitPath: extension.exports.getAPI(1).git.path } : {};
  } catch {
    return {};
  }
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { TursoApiError } from '../../platform/errors';
import type { TursoClient } from '../../platform/client';
import { errorMessage } from '../../util/errors';
import { ignoreWithGit, localGitignore } from '../../workspace/gitConsent';
import { readLocalText } from '../../workspace/localFile';
import type { FilePlan } from '../../workspace/replaceToken';
import { findTokens } from '../../workspace/tokenFinder';

/**
 * Checks of a rotation's files that go beyond the file itself: that each value found under the old
 * token's id is that token (a copied `jti` is no proof: a forged JWT can carry it), and, for a file
 * git does not ignore, adding it to its folder's `.gitignore`. Nothing here logs or shows a value.
 */

async function readText(uri: vscode.Uri): Promise<string> {
  if (uri.scheme === 'file') {
    return (await readLocalText(uri.fsPath)) ?? '';
  }
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}

/** The values in `text` that carry the token id `tokenId`. */
function valuesOf(text: string, tokenId: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  return findTokens(text)
    .filter((f) => f.tokenId === tokenId)
    .map((f) => (lines[f.line] ?? '').slice(f.startColumn, f.endColumn));
}

/**
 * Every distinct value found under `tokenId` in the files that may be written is asked of Turso's
 * validate endpoint: a file holding one that Turso does not accept (a forged or altered copy carrying
 * the id) is refused, with the reason, and never written. A file that cannot be read, or a value that
 * cannot be checked, is refused too. Changes the plans' states.
 */
export async function checkValues(plans: FilePlan[], tokenId: string, client: TursoClient): Promise<void> {
  const verdicts = new Map<string, Promise<string | undefined>>();
  const verdict = (value: string): Promise<string | undefined> => {
    let pending = verdicts.get(value);
    if (!pending) {
      pending = client.validateToken(value).then(
        () => undefined,
        (err) => err instanceof TursoApiError && err.kind === 'unauthorized'
          ? vscode.l10n.t('it holds a value with the id of this token that Turso does not accept as this token (a copy altered or forged), and it is never overwritten')
          : vscode.l10n.t('the value it holds could not be checked with Turso: {0}', errorMessage(err)),
      );
      verdicts.set(value, pending);
    }
    return pending;
  };
  await Promise.all(plans.filter((p) => p.state.kind !== 'refused').map(async (plan) => {
    let values: string[];
    try {
      values = valuesOf(await readText(plan.uri), tokenId);
    } catch (err) {
      plan.state = { kind: 'refused', reason: vscode.l10n.t('it could not be checked: {0}', errorMessage(err)) };
      return;
    }
    for (const reason of await Promise.all([...new Set(values)].map(verdict))) {
      if (reason) {
        plan.state = { kind: 'refused', reason };
        return;
      }
    }
  }));
}

/**
 * Adds each file the person agreed to ignore (or to stop tracking) to its folder's `.gitignore` (never through a link), then
 * asks git that it ignores it now. Resolves to the `.gitignore` files changed; a file that could not be
 * ignored is left to the write, which refuses it (git still does not ignore it), with the reason here.
 */
export async function ignoreFiles(plans: readonly FilePlan[]): Promise<{ changed: string[]; failed: { shown: string; reason: string }[] }> {
  const changed: string[] = [];
  const failed: { shown: string; reason: string }[] = [];
  // A tracked file the person agreed to stop tracking is ignored too (as Save to .env does): once
  // untracked, git would offer it to the next commit again.
  for (const plan of plans.filter((p) => (p.state.kind === 'unignored' || p.state.kind === 'tracked') && p.consent && !p.excluded)) {
    if (plan.uri.scheme !== 'file') {
      failed.push({ shown: plan.shown, reason: vscode.l10n.t('its folder is not on this computer\'s disk') });
      continue;
    }
    const file = plan.uri.fsPath;
    try {
      const { change, ignored } = await ignoreWithGit(localGitignore(file), path.basename(file), `/${path.basename(file)}`);
      if (change === 'created' || change === 'appended') {
        changed.push(vscode.workspace.asRelativePath(vscode.Uri.file(path.join(path.dirname(file), '.gitignore')), true));
      }
      if (!ignored) {
        failed.push({ shown: plan.shown, reason: vscode.l10n.t('its .gitignore lists it, but git still does not ignore it (another rule brings it back)') });
      }
    } catch (err) {
      failed.push({ shown: plan.shown, reason: vscode.l10n.t('it could not be added to .gitignore: {0}', errorMessage(err)) });
    }
  }
  return { changed, failed };
}

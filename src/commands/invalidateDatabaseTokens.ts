import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import { reasonAndHint, TursoApiError } from '../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import { promptSignIn } from './createToken';
import { invalidationPlan, invalidationWords, targetLabel, type InvalidationPlan } from './databaseTokenChoices';
import {
  organizationDatabases, pickOrganization, pickTarget, refuseViewer, sayNoDatabases, startOf, type DatabaseCommandDeps, type DatabaseStart,
} from './databaseTargets';

/**
 * The workspace's database tokens (src/workspace/databaseTokens.ts), as this command needs them.
 * `targetIds`: databases' `DbId`s and groups' `uuid`s (a group's rotation covers the group and each
 * of its databases).
 */
export interface DatabaseTokensInWorkspace {
  filesHolding(targetIds: readonly string[]): readonly vscode.Uri[];
  markInvalidated(targetIds: readonly string[], atSeconds: number): void;
}

export interface InvalidateDatabaseTokensDeps extends DatabaseCommandDeps {
  databaseTokens: DatabaseTokensInWorkspace;
}

export type InvalidateDatabaseTokensResult = 'invalidated' | 'cancelled' | 'refused' | 'failed';

/**
 * `turso.invalidateDatabaseTokens`: organization → a database or a group (skipped from a database's
 * row) → a modal naming it, saying that every app using its tokens stops at once and which of the
 * workspace's env files hold them → `…/auth/rotate`. A database in a group has no keys of its own:
 * its group is rotated, as the Turso CLI does, and the modal names every database of the group.
 */
export function invalidateDatabaseTokensCommand(deps: InvalidateDatabaseTokensDeps) {
  return async (node?: unknown): Promise<InvalidateDatabaseTokensResult> => {
    const start = startOf(deps, node);
    if (!start) {
      void promptSignIn();
      return 'cancelled';
    }
    const organization = start.organization
      ?? (await pickOrganization(deps, start.client, vscode.l10n.t('Invalidate Database Tokens: Organization')));
    if (!organization) {
      return 'cancelled';
    }
    const known = await organizationDatabases(deps, start, organization);
    if (!known) {
      return 'failed';
    }
    if (refuseViewer(known.role, organization, 'invalidate')) {
      return 'refused';
    }
    if (!known.databases.length) {
      sayNoDatabases(organization);
      return 'cancelled';
    }
    const chosen = start.database
      ? { kind: 'database' as const, name: start.database.name }
      : await pickTarget(
        known.databases,
        vscode.l10n.t('Invalidate Database Tokens: Database or Group in {0}', displayName(organization)),
        vscode.l10n.t('Every token of what you pick stops working'),
      );
    if (!chosen) {
      return 'cancelled';
    }
    const plan = invalidationPlan(organization, chosen, known.databases);
    const ids = await targetIds(deps, start, plan);
    const files = deps.databaseTokens.filesHolding(ids).map((uri) => vscode.workspace.asRelativePath(uri, true));
    const words = invalidationWords(plan, files);
    const invalidate = vscode.l10n.t('Invalidate');
    if ((await showWarningMessage(words.message, { modal: true, detail: words.detail }, invalidate)) !== invalidate) {
      return 'cancelled';
    }
    return rotate(deps, start, plan, ids);
  };
}

/** The ids the workspace's tokens are matched by: each database's `DbId`, and the group's `uuid` (asked for). */
async function targetIds(deps: DatabaseCommandDeps, start: DatabaseStart, plan: InvalidationPlan): Promise<string[]> {
  const ids = plan.databases.map((d) => d.id);
  if (plan.target.kind === 'group') {
    try {
      const group = (await start.client.listGroups(plan.organization)).find((g) => g.name === plan.target.name);
      if (group?.uuid) {
        ids.push(group.uuid);
      }
    } catch (err) {
      // The group's own tokens are then found by none of its databases' ids: said in the log only.
      deps.log.error(`Listing the groups of "${plan.organization}" failed`, err);
    }
  }
  return ids;
}

async function rotate(deps: InvalidateDatabaseTokensDeps, start: DatabaseStart, plan: InvalidationPlan, ids: readonly string[]): Promise<InvalidateDatabaseTokensResult> {
  const shown = targetLabel(plan.target);
  const org = displayName(plan.organization);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Invalidating the tokens of {0}…', shown) },
      () => start.client.invalidateDatabaseTokens(plan.organization, plan.target),
    );
  } catch (err) {
    deps.log.error(`Invalidating the tokens of ${plan.target.kind} "${plan.target.name}" in "${plan.organization}" failed`, err);
    if (!reportAuthFailure(err)) {
      const reason = err instanceof TursoApiError ? reasonAndHint(err) : errorMessage(err);
      void showErrorMessage(vscode.l10n.t({
        message: "Couldn't invalidate the tokens of {0} in {1}: {2}",
        args: [shown, org, reason],
        comment: ['{0} is what was to be invalidated ("database orders", "group default"), {1} the organization, {2} why, with what to do.'],
      }));
    }
    return 'failed';
  }
  deps.databaseTokens.markInvalidated(ids, Math.floor(Date.now() / 1000));
  deps.log.info(`Invalidated the tokens of ${plan.target.kind} "${plan.target.name}" in "${plan.organization}"`);
  void showInformationMessage(vscode.l10n.t('Every earlier token of {0} in {1} was invalidated. Create new tokens for the apps that used them.', shown, org));
  return 'invalidated';
}

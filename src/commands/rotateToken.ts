import * as vscode from 'vscode';
import { placeLabel } from '../github/places';
import { mayHaveTakenEffect } from '../platform/errors';
import { sameAccess } from '../platform/rotation';
import { restrictionBody, restrictionLabel, type RestrictionChoice } from '../platform/scopes';
import { managesAllOrganizationTokens, type ApiToken, type CreatedApiToken } from '../platform/types';
import type { TursoClient } from '../platform/client';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { rotationWaitsForTrust, workspaceTrusted } from '../ui/trust';
import { displayName } from '../util/text';
import { planTokenReplacement, type FilePlan } from '../workspace/replaceToken';
import { promptSignIn } from './createToken';
import { reportFailure } from './failures';
import { rowOf, tokenRowShape } from './target';
import { tokenFromArgOrPick } from './pickToken';
import { checkValues } from './rotate/checks';
import { reportAfterMint, reportCreateFailure, type RotateOutcome } from './rotate/messages';
import { askConsents, askName, askOrganization, confirmPlan, pickFiles, type Colleague } from './rotate/questions';
import { afterMint } from './rotate/run';
import type { RotateTokenDeps } from './rotate/deps';
import { ownerShown } from './rotate/labels';
import { rotationSteps, type OrganizationSide } from './rotate/steps';

export type { RotateTokenDeps };

export type { RotateOutcome };

/** What the command resolves to: never a token value. */
export interface RotateResult {
  outcome: RotateOutcome;
  /** The successor, once created. */
  name?: string;
  id?: string;
}

/**
 * The token (and its account) the command was run on: a token's row, or what a code action on an env
 * file's line passes (`{ kind: 'token', token, accountId }`, src/workspace/tokenDiagnostics.ts). That
 * one is not the tree's own object, and any extension could pass a look-alike: it counts only as the
 * id of a token the account lists, and the listed token is what is rotated (after every question).
 */
function tokenRow(deps: RotateTokenDeps, arg: unknown): { token: ApiToken; accountId?: string } | undefined {
  const row = rowOf(arg, 'token');
  if (row) {
    return row;
  }
  const shaped = tokenRowShape(arg);
  const accountId = shaped?.accountId ?? deps.accounts.activeId;
  const listed = shaped && deps.accounts.knownTokens(accountId)?.find((t) => t.id === shaped.token.id);
  return listed ? { token: listed, accountId } : undefined;
}

/**
 * `turso.rotateToken`: replaces a token by a new one with the same access, everywhere the workspace's
 * env files hold it, and only then revokes it. From a token's row (that row's account), an
 * organization's token row (that row's account; see below), a code action on an env file's line
 * (the token found there), or the palette (a token of the active account).
 *
 * From an organization's token row, the successor is minted by the account, as always, and the old
 * token is revoked by id through the organization. An owner or admin sees every member's tokens
 * there and may rotate a colleague's: the dialogs say plainly that the new token is the account's
 * while the old one was the colleague's (its owner changes). A member or viewer is listed only their
 * own tokens, so their rows rotate like their personal ones; a colleague's row seen by someone whose
 * role (as last loaded) cannot revoke it is refused before anything is created; a role lost later
 * makes the revoke answer 403, and then the successor is in place and the old token kept.
 *
 * Order, so that nothing is lost: every question first (name, which files — in a list when they do
 * not fit in a dialog —, consent for files git tracks, does not ignore or could not check, one
 * confirmation) — cancelling any of them creates nothing; each value found under the old token's id
 * is checked with Turso to be that token (a file holding another is never written); then the
 * create; then, inside one boundary (rotate/run.ts `afterMint`), the files written and read back,
 * each GitHub Actions secret remembered for the old token updated (src/github/places.ts; a failure
 * keeps the old token), the extension's own credential switched if it was the old token, a last
 * confirmation, and the revoke (by id from an organization's row, else by name once the name is checked to still be the
 * old token's). Whatever fails or throws after the create, the new token's value is shown once in
 * its reveal panel (which offers to copy it when closed) and the old token is left working.
 */
export function rotateTokenCommand(deps: RotateTokenDeps) {
  /** Old token ids whose successor's create request is on the network now (never held across a question). */
  const creating = new Set<string>();
  /** Old token ids revoked by a rotation in this window: a rotation still asking its questions stops. */
  const rotated = new Set<string>();
  const today = deps.now ?? (() => new Date());

  return async (arg?: unknown): Promise<RotateResult> => {
    if (!workspaceTrusted()) return rotationWaitsForTrust();
    const target = await targetOf(deps, arg, rotated);
    if (!('old' in target)) {
      return target;
    }
    const answers = await askQuestions(deps, target, today());
    if (!('plans' in answers)) {
      return answers;
    }
    const { old, accountId, org } = target;
    const shown = displayName(old.name);
    // The account may have been signed out, or its credential replaced, while the questions were open.
    await deps.accounts.reread();
    const client = deps.accounts.clientFor(accountId);
    if (!client) {
      void showWarningMessage(vscode.l10n.t('API token "{0}" was not rotated: this extension was signed out of that Turso account meanwhile. Nothing was changed.', shown));
      return { outcome: 'cancelled' };
    }
    if (rotated.has(old.id) || creating.has(old.id)) {
      void showInformationMessage(vscode.l10n.t('API token "{0}" is being rotated already. Nothing more was created.', shown));
      return { outcome: 'cancelled' };
    }
    creating.add(old.id);
    let created: CreatedApiToken;
    try {
      created = await mint(deps, client, old, answers);
    } catch {
      return { outcome: 'failed' };
    } finally {
      creating.delete(old.id);
    }
    // ---- from here on, the value exists: `afterMint` is the boundary that keeps it (see run.ts) ----
    const end = await afterMint(rotationSteps({ deps, accountId, old, created, choice: answers.choice, plans: answers.plans, org, other: target.other }));
    if (end.kind === 'threw') {
      deps.log.error(`The rotation of API token "${old.name}" failed after "${created.name}" was created`, end.error);
    }
    if (end.kind === 'rotated') {
      rotated.add(old.id);
    }
    const outcome = reportAfterMint(end, { old: shown, created: displayName(created.name), org });
    return { outcome, name: created.name, id: created.id };
  };
}

/** The token to rotate and whose it is, as the command was invoked. */
interface Target {
  old: ApiToken;
  accountId: string;
  firstClient: TursoClient;
  org: OrganizationSide | undefined;
  other: Colleague | undefined;
}

/** The token the command was invoked on (or picked), or how the command ends before any question. */
async function targetOf(deps: RotateTokenDeps, arg: unknown, rotated: ReadonlySet<string>): Promise<Target | RotateResult> {
  const cancelled: RotateResult = { outcome: 'cancelled' };
  const orgRow = rowOf(arg, 'orgToken');
  const org: OrganizationSide | undefined = orgRow && { organization: orgRow.organization, owner: orgRow.owner, yours: orgRow.yours };
  const row = orgRow ? undefined : tokenRow(deps, arg);
  let old: ApiToken | undefined;
  try {
    old = orgRow?.token ?? row?.token ?? await tokenFromArgOrPick(undefined, deps.accounts, vscode.l10n.t('Rotate API Token'));
  } catch (err) {
    reportFailure(deps.log, 'Listing API tokens failed', err);
    return { outcome: 'failed' };
  }
  if (!old) {
    return cancelled;
  }
  // A row's (or a code action's) token belongs to that account, an organization row's token is seen
  // by that row's account; a picked one belongs to the active account.
  const accountId = orgRow?.accountId ?? row?.accountId ?? deps.accounts.activeId;
  const firstClient = accountId === undefined ? undefined : deps.accounts.clientFor(accountId);
  if (accountId === undefined || !firstClient) {
    void promptSignIn();
    return cancelled;
  }
  const shown = displayName(old.name);
  if (rotated.has(old.id)) {
    void showInformationMessage(vscode.l10n.t('API token "{0}" was rotated already.', shown));
    return cancelled;
  }
  if (org && !org.yours) {
    // A colleague's token: its revoke needs the owner or admin role. A role known (as last loaded)
    // not to allow it is said now, before anything is created.
    const load = deps.organizations.existing(accountId)?.settledTokens(org.organization);
    if (load?.kind === 'loaded' && load.role !== undefined && !managesAllOrganizationTokens(load.role)) {
      void showErrorMessage(vscode.l10n.t({
        message: 'You can\'t rotate API token "{0}" of {1}: in "{2}" only owners and admins may revoke other members\' tokens, and you are a {3}. Nothing was created. Ask {1} or an admin of "{2}".',
        args: [shown, ownerShown(org.owner), displayName(org.organization), displayName(load.role)],
        comment: ['{0} is the token\'s name, {1} the member who minted it, {2} the organization\'s name, {3} your role there as Turso names it (e.g. member, viewer).'],
      }));
      return { outcome: 'failed' };
    }
  }
  const username = deps.accounts.account(accountId)?.username;
  const other = org && !org.yours ? { me: username ?? vscode.l10n.t('this account'), owner: org.owner } : undefined;
  return { old, accountId, firstClient, org, other };
}

/** Every answer a rotation needs before anything is created. */
interface Answers {
  choice: RestrictionChoice;
  name: string;
  plans: FilePlan[];
}

/** The questions: nothing is created until they are all answered. */
async function askQuestions(deps: RotateTokenDeps, target: Target, now: Date): Promise<Answers | RotateResult> {
  const cancelled: RotateResult = { outcome: 'cancelled' };
  const { old, accountId, firstClient, org } = target;
  const shown = displayName(old.name);
  let access = sameAccess(old);
  if (!access) {
    void showErrorMessage(vscode.l10n.t(
      'The permissions of API token "{0}" are not known, so a token with the same access cannot be asked for. Create its successor with Create API Token…, then revoke "{0}".',
      shown,
    ));
    return { outcome: 'failed' };
  }
  if (access.kind === 'unrestricted') {
    try {
      access = await askOrganization(firstClient, shown);
    } catch (err) {
      reportFailure(deps.log, 'Loading organizations failed', err);
      return { outcome: 'failed' };
    }
    if (!access) {
      return cancelled;
    }
  }
  const choice: RestrictionChoice = access;
  const known = deps.accounts.knownTokens(accountId);
  const names = known ? known.map((t) => t.name) : await firstClient.listApiTokens().then((tokens) => tokens.map((t) => t.name), () => [] as string[]);
  // Revoked by name, the successor's name must differ from the old one's; revoked by id (from an
  // organization's row), only a name the account has already is refused (names are unique per owner).
  const name = await askName(old, names, choice, now, org === undefined);
  if (name === undefined) {
    return cancelled;
  }
  const plans = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking for API token "{0}" in the workspace…', shown) },
    async () => {
      const found = await planTokenReplacement(deps.workspaceTokens, old.id);
      // Found by id: each value must also be that token (a forged copy can carry its id).
      await checkValues(found, old.id, firstClient);
      return found;
    },
  );
  const picked = await pickFiles(plans, shown);
  if (picked === undefined || !(await askConsents(plans, picked))) {
    return cancelled;
  }
  const selfAtStart = deps.accounts.account(accountId)?.settledCredentialId === old.id;
  // The GitHub Actions secrets the old token was saved to: they get the new one too (named now, so nothing surprises).
  const secrets = (deps.github?.places.of(old.id) ?? []).map(placeLabel);
  if (!(await confirmPlan(old, name, choice, plans, picked, selfAtStart, target.other, secrets))) {
    return cancelled;
  }
  return { choice, name, plans };
}

/** The create; a failure is said (and thrown again), nothing else having changed. */
async function mint(deps: RotateTokenDeps, client: TursoClient, old: ApiToken, answers: Answers): Promise<CreatedApiToken> {
  const { name, choice } = answers;
  const shown = displayName(old.name);
  try {
    const created = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating API token "{0}" to replace "{1}"…', displayName(name), shown) },
      () => client.createApiToken(name, restrictionBody(choice)),
    );
    deps.log.info(`Created API token "${created.name}" (${restrictionLabel(choice)}) to replace "${old.name}"`);
    return created;
  } catch (err) {
    deps.log.error(`Creating API token "${name}" to replace "${old.name}" failed`, err);
    if (mayHaveTakenEffect(err)) {
      // It may exist now, without its value: the list shows whether it does.
      deps.accounts.refresh();
    }
    reportCreateFailure(err, name, shown);
    throw err;
  }
}

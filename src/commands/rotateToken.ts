import * as vscode from 'vscode';
import { reportAuthFailure } from '../auth/authFailures';
import { mayHaveTakenEffect, reasonAndHint, TursoApiError } from '../platform/errors';
import { sameAccess, successorName } from '../platform/rotation';
import { createdTokenListing, restrictionBody, restrictionLabel, type RestrictionChoice } from '../platform/scopes';
import { checkTokenName, tokenNameRule } from '../platform/tokenNames';
import { managesAllOrganizationTokens, type ApiToken, type CreatedApiToken } from '../platform/types';
import type { TursoClient } from '../platform/client';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { rotationWaitsForTrust, workspaceTrusted } from '../ui/trust';
import { errorMessage } from '../util/errors';
import { displayName } from '../util/text';
import type { OrganizationTokenNode } from '../views/organizationNodes';
import type { PendingToken, RevealHandle, RevealOptions } from '../webview/revealPanel';
import { placesOf, planTokenReplacement, replaceTokenInFiles, type FilePlan, type ReplaceResult } from '../workspace/replaceToken';
import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import { nameMessage, promptSignIn } from './createToken';
import type { CommandDeps } from './deps';
import { tokenFromArgOrPick } from './pickToken';

export interface RotateTokenDeps extends CommandDeps {
  /** The tokens in the workspace's env files. */
  workspaceTokens: WorkspaceTokens;
  /** Opens the reveal panel of a new token (src/webview/revealPanel.ts openReveal): where its value goes when it could not be put in place. */
  openReveal(token: PendingToken, options: RevealOptions): RevealHandle;
  /** Makes a token value the extension's own credential (src/auth/useCreatedToken.ts). */
  useForExtension(value: string): Promise<string>;
  /** Today, for the new name (tests). */
  now?: () => Date;
}

export type RotateOutcome =
  /** The successor is in place and the old token was revoked. */
  | 'rotated'
  /** The successor is in place; the old token was kept (the person declined, or its revoke failed). */
  | 'kept-old'
  /** Nothing was created. */
  | 'cancelled'
  | 'failed';

/** What the command resolves to: never a token value. */
export interface RotateResult {
  outcome: RotateOutcome;
  /** The successor, once created. */
  name?: string;
  id?: string;
}

/** At most this many places are listed in a dialog; the rest are counted. */
const MAX_LISTED = 10;

/**
 * A token rotated from an organization's token row: it is revoked by id through the organization
 * (`DELETE /v1/organizations/{org}/api-tokens/{id}`): names are unique per owner only, and the
 * token may be a colleague's.
 */
interface OrganizationSide {
  organization: string;
  /** Who minted the old token. */
  owner: string;
  /** The account minted it. */
  yours: boolean;
}

/** The organization token row the command was invoked on, if it was. */
function organizationRow(arg: unknown): OrganizationTokenNode | undefined {
  const node = arg as OrganizationTokenNode | undefined;
  return node && typeof node === 'object' && node.kind === 'orgToken' && typeof node.accountId === 'string' && typeof node.organization === 'string'
    ? node
    : undefined;
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
 * Order, so that nothing is lost: every question first (name, which files, consent for tracked
 * files, one confirmation listing the lines) — cancelling any of them creates nothing; then the
 * create; then one edit over the files, saved and read back; then, if the extension was signed in
 * with the old token, the switch to the new one; then a last confirmation, and the revoke. When a
 * step after the create fails, the new token's value is shown in its reveal panel (which still
 * offers to copy it when closed) and the old token is left working.
 */
export function rotateTokenCommand(deps: RotateTokenDeps) {
  /** Old token ids whose successor's create request is on the network now (never held across a question). */
  const creating = new Set<string>();
  /** Old token ids revoked by a rotation in this window: a rotation still asking its questions stops. */
  const rotated = new Set<string>();
  const today = deps.now ?? (() => new Date());

  return async (arg?: unknown): Promise<RotateResult> => {
    if (!workspaceTrusted()) return rotationWaitsForTrust();
    const cancelled: RotateResult = { outcome: 'cancelled' };
    const orgRow = organizationRow(arg);
    const org: OrganizationSide | undefined = orgRow && { organization: orgRow.organization, owner: orgRow.owner, yours: orgRow.yours };
    let old: ApiToken | undefined;
    try {
      old = orgRow ? orgRow.token : await tokenFromArgOrPick(arg, deps.session, deps.accounts, vscode.l10n.t('Rotate API Token'));
    } catch (err) {
      deps.log.error('Listing API tokens failed', err);
      if (!reportAuthFailure(err)) {
        void showErrorMessage(errorMessage(err));
      }
      return { outcome: 'failed' };
    }
    if (!old) {
      return cancelled;
    }
    // A row's (or a code action's) token belongs to that account, an organization row's token is seen
    // by that row's account; a picked one belongs to the active account.
    const node = arg as { kind?: unknown; accountId?: unknown } | undefined;
    const accountId = orgRow?.accountId
      ?? (node?.kind === 'token' && typeof node.accountId === 'string' ? node.accountId : undefined)
      ?? deps.accounts.activeId;
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
    const username = deps.accounts.account(accountId)?.username;
    if (org && !org.yours) {
      // A colleague's token: its revoke needs the owner or admin role. A role known (as last loaded)
      // not to allow it is said now, before anything is created.
      const load = deps.organizations?.existing(accountId)?.settledTokens(org.organization);
      if (load?.kind === 'loaded' && load.role !== undefined && !managesAllOrganizationTokens(load.role)) {
        void showErrorMessage(vscode.l10n.t(
          'You can\'t rotate API token "{0}" of {1}: in "{2}" only owners and admins may revoke other members\' tokens, and you are a {3}. Nothing was created. Ask {1} or an admin of "{2}".',
          shown,
          displayName(org.owner),
          displayName(org.organization),
          displayName(load.role),
        ));
        return { outcome: 'failed' };
      }
    }

    // ---- the questions: nothing is created until they are all answered ----
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
        deps.log.error('Loading organizations failed', err);
        if (!reportAuthFailure(err)) {
          void showErrorMessage(errorMessage(err));
        }
        return { outcome: 'failed' };
      }
      if (!access) {
        return cancelled;
      }
    }
    const choice: RestrictionChoice = access;
    const name = await askName(deps, firstClient, old, accountId, choice, today(), org);
    if (name === undefined) {
      return cancelled;
    }
    const plans = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking for API token "{0}" in the workspace…', shown) },
      () => planTokenReplacement(deps.workspaceTokens, old.id),
    );
    if (!(await askConsents(plans))) {
      return cancelled;
    }
    const selfAtStart = deps.accounts.account(accountId)?.settledCredentialId === old.id;
    if (!(await confirmPlan(old, name, choice, plans, selfAtStart, colleague(org, username)))) {
      return cancelled;
    }

    // ---- the create ----
    // The account may have been signed out, or its credential replaced, while the questions were open.
    await deps.session.reread();
    const client = deps.accounts.clientFor(accountId);
    if (!client) {
      void showWarningMessage(vscode.l10n.t('API token "{0}" was not rotated: this extension was signed out of that Turso account meanwhile. Nothing was changed.', shown));
      return cancelled;
    }
    if (rotated.has(old.id) || creating.has(old.id)) {
      void showInformationMessage(vscode.l10n.t('API token "{0}" is being rotated already. Nothing more was created.', shown));
      return cancelled;
    }
    creating.add(old.id);
    let created: CreatedApiToken;
    try {
      created = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Creating API token "{0}" to replace "{1}"…', displayName(name), shown) },
        () => client.createApiToken(name, restrictionBody(choice)),
      );
    } catch (err) {
      deps.log.error(`Creating API token "${name}" to replace "${old.name}" failed`, err);
      if (mayHaveTakenEffect(err)) {
        // It may exist now, without its value: the list shows whether it does.
        deps.accounts.refresh();
      }
      reportCreateFailure(err, name, shown);
      return { outcome: 'failed' };
    } finally {
      creating.delete(old.id);
    }
    const value = created.token;
    const newShown = displayName(created.name);
    const result = (outcome: RotateOutcome): RotateResult => ({ outcome, name: created.name, id: created.id });
    deps.log.info(`Created API token "${created.name}" (${restrictionLabel(choice)}) to replace "${old.name}"`);
    addToLists(deps, accountId, createdTokenListing(created.name, created.id, choice, new Date().toISOString().slice(0, 10)));
    /** A later step failed: the value is shown (nothing is lost), the old token stays, the message says why. */
    const keepValue = (message: string): RotateResult => {
      const reveal = deps.openReveal({ name: created.name, scopeLabel: restrictionLabel(choice) }, {});
      reveal.deliver(value);
      void reveal.outcome;
      void showErrorMessage(message);
      return result('failed');
    };

    // ---- the files ----
    const toWrite = plans.filter((p) => p.state.kind === 'writable' || (p.consent && (p.state.kind === 'tracked' || p.state.kind === 'unchecked')));
    const replaced: ReplaceResult = { written: [], skipped: [], failures: [] };
    if (toWrite.length > 0) {
      const label = vscode.l10n.t('Rotate API token "{0}"', shown);
      const outcome = await vscode.window.withProgress(
        // Local work (no request): in the status bar, not one more notification.
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Putting API token "{0}" in place of "{1}"…', newShown, shown) },
        () => replaceTokenInFiles(toWrite, old.id, value, label),
      );
      Object.assign(replaced, outcome);
    }
    for (const plan of plans.filter((p) => !toWrite.includes(p))) {
      replaced.skipped.push({ shown: plan.shown, reason: skipReason(plan) });
    }
    if (replaced.failures.length > 0) {
      deps.log.error(`Replacing API token "${old.name}" in the workspace failed: ${replaced.failures.map((f) => `${f.shown}: ${f.reason}`).join('; ')}`);
      return keepValue(vscode.l10n.t(
        'API token "{0}" was created, but {1} could not be written ({2}). "{3}" was not revoked: it still works. The new token is shown so that it is not lost.',
        newShown,
        replaced.failures.map((f) => f.shown).join(', '),
        replaced.failures.map((f) => f.reason).join('; '),
        shown,
      ));
    }
    if (replaced.written.length > 0) {
      deps.log.info(`Replaced API token "${old.name}" by "${created.name}" in ${replaced.written.map((w) => w.shown).join(', ')}`);
    }

    // ---- the extension's own credential ----
    await deps.session.reread();
    const account = deps.accounts.account(accountId);
    if (!account) {
      return keepValue(vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of that Turso account meanwhile. The new token "{1}" is shown so that it is not lost.', shown, newShown));
    }
    const self = account.settledCredentialId === old.id;
    if (self) {
      const wasActive = deps.accounts.activeId;
      try {
        await deps.useForExtension(value);
        // Signing in makes the account active: the one that was active before stays so.
        if (wasActive !== undefined && wasActive !== accountId && deps.session.accounts.some((a) => a.id === wasActive)) {
          await deps.session.switchTo(wasActive);
        }
        deps.log.info(`This extension now uses API token "${created.name}" in place of "${old.name}"`);
      } catch (err) {
        deps.log.error(`Switching this extension to API token "${created.name}" failed`, err);
        return keepValue(vscode.l10n.t(
          'This extension could not switch to the new API token "{0}": {1} "{2}" was not revoked: this extension still uses it.',
          newShown,
          errorMessage(err),
          shown,
        ));
      }
    }

    // A value put nowhere must be kept by the person before the old token goes.
    if (replaced.written.length === 0 && !self) {
      const reveal = deps.openReveal({ name: created.name, scopeLabel: restrictionLabel(choice) }, {});
      reveal.deliver(value);
      const kept = await reveal.outcome;
      if (!kept.delivered) {
        void showWarningMessage(vscode.l10n.t(
          'The value of the new API token "{0}" was not kept, so "{1}" was not revoked: it still works. Revoke "{0}" if you do not need it.',
          newShown,
          shown,
        ));
        return result('kept-old');
      }
    }

    // ---- the last confirmation, then the revoke ----
    if (!(await confirmRevoke(shown, newShown, replaced, self, colleague(org, username)))) {
      void showInformationMessage(vscode.l10n.t(
        'API token "{0}" was kept: it still works, next to its successor "{1}". Revoke it from the API Tokens view once nothing uses it.',
        shown,
        newShown,
      ));
      return result('kept-old');
    }
    await deps.session.reread();
    const revoker = deps.accounts.clientFor(accountId);
    if (!revoker) {
      void showWarningMessage(vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of that Turso account meanwhile.', shown));
      return result('kept-old');
    }
    const logged = org ? `"${old.name}" of ${org.owner} in "${org.organization}"` : `"${old.name}"`;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Revoking API token "{0}"…', shown) },
        // From an organization's row: by id (names are unique per owner only).
        () => (org ? revoker.revokeOrganizationToken(org.organization, old.id) : revoker.revokeApiToken(old.name)),
      );
    } catch (err) {
      deps.log.error(`Revoking API token ${logged} after its rotation failed`, err);
      if (err instanceof TursoApiError && err.kind === 'notFound') {
        removeFromLists(deps, accountId, old, org);
        rotated.add(old.id);
        void showWarningMessage(vscode.l10n.t('"{0}" is in place of API token "{1}", which was already revoked or no longer exists.', newShown, shown));
        return result('rotated');
      }
      if (org && err instanceof TursoApiError && err.kind === 'forbidden') {
        // Refused: nothing changed at Turso, so nothing is asked again.
        void showErrorMessage(vscode.l10n.t(
          '"{0}" is in place, but you can\'t revoke API token "{1}" of {2}: in "{3}" only owners and admins may revoke other members\' tokens (your role there may have changed). "{1}" still works: ask an owner or admin of "{3}" to revoke it.',
          newShown,
          shown,
          displayName(org.owner),
          displayName(org.organization),
        ));
        return result('kept-old');
      }
      deps.accounts.refresh();
      if (org) {
        deps.organizations?.existing(accountId)?.refreshOrganization(org.organization);
      }
      if (!reportAuthFailure(err)) {
        void showErrorMessage(mayHaveTakenEffect(err)
          ? vscode.l10n.t(
              '"{0}" is in place, but it could not be confirmed that API token "{1}" was revoked: {2} If "{1}" is still listed, revoke it from the API Tokens view.',
              newShown,
              shown,
              errorMessage(err),
            )
          : vscode.l10n.t(
              '"{0}" is in place, but API token "{1}" was not revoked: {2} It still works and is still listed: revoke it from the API Tokens view.',
              newShown,
              shown,
              errorMessage(err),
            ));
      }
      return result('kept-old');
    }
    rotated.add(old.id);
    deps.log.info(`Revoked API token ${logged} after its rotation`);
    removeFromLists(deps, accountId, old, org);
    const lines = replaced.written.reduce((n, w) => n + w.lines.length, 0);
    void showInformationMessage(replaced.written.length > 0
      ? vscode.l10n.t('Rotated API token "{0}": "{1}" replaced it on {2} line(s) of {3}, and "{0}" was revoked.', shown, newShown, lines, replaced.written.map((w) => w.shown).join(', '))
      : vscode.l10n.t('Rotated API token "{0}": "{1}" replaced it, and "{0}" was revoked.', shown, newShown));
    return result('rotated');
  };
}

interface AccessItem extends vscode.QuickPickItem {
  choice?: RestrictionChoice;
}

/** An unrestricted token's successor: an organization token is suggested (Turso deprecated unrestricted ones). */
async function askOrganization(client: TursoClient, shown: string): Promise<RestrictionChoice | undefined> {
  const items = client.listOrganizations().then((orgs): AccessItem[] => [
    ...orgs.map<AccessItem>((o) => ({
      label: displayName(o.slug, 128),
      description: o.name !== o.slug ? displayName(o.name, 128) : undefined,
      detail: o.type === 'personal' ? vscode.l10n.t('Personal organization') : o.type === 'team' ? vscode.l10n.t('Team organization') : undefined,
      iconPath: new vscode.ThemeIcon(o.type === 'personal' ? 'account' : 'organization'),
      choice: { kind: 'org', organization: o.slug },
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: vscode.l10n.t('Keep it unrestricted (deprecated)'),
      detail: vscode.l10n.t('Every organization you belong to — Turso will remove this kind of token'),
      choice: { kind: 'unrestricted' },
    },
  ]);
  const picked = await pick<AccessItem>({
    title: vscode.l10n.t('Rotate API Token "{0}": Organization', shown),
    placeholder: vscode.l10n.t('"{0}" is unrestricted, which Turso has deprecated: pick the one organization the new token is for', shown),
    items,
  });
  return picked?.[0]?.choice;
}

async function askName(
  deps: RotateTokenDeps,
  client: TursoClient,
  old: ApiToken,
  accountId: string,
  choice: RestrictionChoice,
  now: Date,
  org: OrganizationSide | undefined,
): Promise<string | undefined> {
  const known = deps.accounts.knownTokens(accountId);
  const names = known ? known.map((t) => t.name) : await client.listApiTokens().then((tokens) => tokens.map((t) => t.name), () => [] as string[]);
  const value = successorName(old.name, now, names);
  const shown = displayName(old.name);
  // Revoked by name, the successor's name must differ from the old one's; revoked by id (from an
  // organization's row), only a name the account has already is refused (names are unique per owner).
  const byName = org === undefined;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Rotate API Token "{0}": New Name', shown),
    prompt: vscode.l10n.t('The token that replaces "{0}", with access to {1}. Names have been {2}.', shown, displayName(restrictionLabel(choice), 128), tokenNameRule()),
    value,
    valueSelection: [0, value.length],
    ignoreFocusOut: true,
    validateInput: (text) => byName && text.trim() === old.name
      ? { message: vscode.l10n.t('The new token needs a name other than "{0}".', shown), severity: vscode.InputBoxValidationSeverity.Error }
      : nameMessage(checkTokenName(text.trim(), names)),
  });
  const trimmed = name?.trim();
  return trimmed && (!byName || trimmed !== old.name) ? trimmed : undefined;
}

/** Asks about the tracked files and the files git could not check, as Save to .env does. False: the person cancelled. */
async function askConsents(plans: FilePlan[]): Promise<boolean> {
  const leave = vscode.l10n.t('Leave Them');
  const tracked = plans.filter((p) => p.state.kind === 'tracked');
  if (tracked.length > 0) {
    const stop = vscode.l10n.t('Stop Tracking and Replace');
    const answer = await showWarningMessage(
      vscode.l10n.t('Git tracks {0}: the new token written there would be in the next commit.', tracked.map((p) => p.shown).join(', ')),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Stop tracking them ("git rm --cached") and then write the new token? The files stay on disk; their removal from the repository is staged for your next commit. Earlier commits keep the old token, which stops working once it is revoked. "Leave Them" leaves them as they are, with the old token.',
        ),
      },
      stop,
      leave,
    );
    if (answer === undefined) {
      return false;
    }
    for (const p of tracked) p.consent = answer === stop;
  }
  const unchecked = plans.filter((p) => p.state.kind === 'unchecked');
  if (unchecked.length > 0) {
    const anyway = vscode.l10n.t('Replace Anyway');
    const reasons = [...new Set(unchecked.map((p) => (p.state.kind === 'unchecked' ? p.state.reason : '')))].join('; ');
    const answer = await showWarningMessage(
      vscode.l10n.t('Git could not check {0}: {1}.', unchecked.map((p) => p.shown).join(', '), reasons),
      {
        modal: true,
        detail: vscode.l10n.t('If git tracks them, or does not ignore them, the new token can end up in a commit. Write it anyway? "Leave Them" leaves them as they are, with the old token.'),
      },
      anyway,
      leave,
    );
    if (answer === undefined) {
      return false;
    }
    for (const p of unchecked) p.consent = answer === anyway;
  }
  return true;
}

function writes(plan: FilePlan): boolean {
  return plan.state.kind === 'writable' || (plan.consent === true && (plan.state.kind === 'tracked' || plan.state.kind === 'unchecked'));
}

function skipReason(plan: FilePlan): string {
  switch (plan.state.kind) {
    case 'refused':
      return plan.state.reason;
    case 'tracked':
      return vscode.l10n.t('git tracks it, and you chose to leave it as it is');
    case 'unchecked':
      return vscode.l10n.t('git could not check it, and you chose to leave it as it is');
    default:
      return '';
  }
}

/** Lines of a list, at most MAX_LISTED, then how many more. */
function listed(lines: string[]): string {
  const shownLines = lines.slice(0, MAX_LISTED).map((l) => `  ${l}`);
  if (lines.length > MAX_LISTED) {
    shownLines.push(`  ${vscode.l10n.t('…and {0} more', lines.length - MAX_LISTED)}`);
  }
  return shownLines.join('\n');
}

/** A colleague's token rotated from an organization's row: who mints the successor, who minted the old one. */
interface Colleague {
  /** The account (it mints the successor). */
  me: string;
  /** Who minted the old token. */
  owner: string;
}

function colleague(org: OrganizationSide | undefined, username: string | undefined): Colleague | undefined {
  return org && !org.yours ? { me: username ?? vscode.l10n.t('this account'), owner: org.owner } : undefined;
}

/** The one confirmation before anything is created: the new token, and every line that will change or not. */
async function confirmPlan(
  old: ApiToken,
  name: string,
  choice: RestrictionChoice,
  plans: FilePlan[],
  self: boolean,
  other: Colleague | undefined,
): Promise<boolean> {
  const shown = displayName(old.name);
  const parts: string[] = [
    vscode.l10n.t('A new token "{0}" is created with access to {1}.', displayName(name), displayName(restrictionLabel(choice), 128)),
  ];
  if (other) {
    parts.push(vscode.l10n.t(
      'The new token is minted by you ({0}), while "{1}" was minted by {2}: its owner changes. "{3}" is yours, listed among your API tokens, not {2}\'s.',
      displayName(other.me),
      shown,
      displayName(other.owner),
      displayName(name),
    ));
  }
  const writing = plans.filter(writes);
  const leaving = plans.filter((p) => !writes(p));
  if (writing.length > 0) {
    const note = (p: FilePlan): string => (p.state.kind === 'tracked' ? ` — ${vscode.l10n.t('git stops tracking it')}` : p.state.kind === 'unchecked' ? ` — ${vscode.l10n.t('git could not check it')}` : '');
    parts.push(`${vscode.l10n.t('These lines hold the old token and get the new one (in one change), and their files are saved:')}\n${listed(writing.flatMap((p) => placesOf(p).map((place) => place + note(p))))}`);
  } else {
    parts.push(vscode.l10n.t('No env file in the workspace that can be written holds the old token: the new token is shown once, to copy.'));
  }
  if (leaving.length > 0) {
    parts.push(`${vscode.l10n.t('Left as they are, with the old token:')}\n${listed(leaving.flatMap((p) => placesOf(p).map((place) => `${place} — ${skipReason(p)}`)))}`);
  }
  if (self) {
    parts.push(vscode.l10n.t('This extension is signed in with "{0}": it switches to the new token.', shown));
  }
  parts.push(vscode.l10n.t('"{0}" is revoked only at the end, after you confirm once more.', shown));
  const rotate = vscode.l10n.t('Rotate');
  const question = other
    ? vscode.l10n.t('Rotate API token "{0}" of {1}?', shown, displayName(other.owner))
    : vscode.l10n.t('Rotate API token "{0}"?', shown);
  const answer = await showWarningMessage(question, { modal: true, detail: parts.join('\n\n') }, rotate);
  return answer === rotate;
}

/** The last confirmation: the new token is in place; the old one is revoked only if the person says so. */
async function confirmRevoke(shown: string, newShown: string, replaced: ReplaceResult, self: boolean, other: Colleague | undefined): Promise<boolean> {
  const parts: string[] = [];
  if (replaced.written.length > 0) {
    parts.push(`${vscode.l10n.t('"{0}" is now in these lines (saved):', newShown)}\n${listed(replaced.written.flatMap((w) => placesOf(w)))}`);
  }
  if (self) {
    parts.push(vscode.l10n.t('This extension now uses "{0}".', newShown));
  }
  if (replaced.skipped.length > 0) {
    parts.push(`${vscode.l10n.t('Still holding "{0}" (they stop working once it is revoked):', shown)}\n${listed(replaced.skipped.map((s) => `${s.shown} — ${s.reason}`))}`);
  }
  if (other) {
    parts.push(vscode.l10n.t('"{0}" was minted by {1}; "{2}", minted by you ({3}), replaces it.', shown, displayName(other.owner), newShown, displayName(other.me)));
  }
  parts.push(vscode.l10n.t('Anything else still using "{0}" stops working at once. This cannot be undone.', shown));
  const revoke = vscode.l10n.t('Revoke');
  const question = other
    ? vscode.l10n.t('Revoke the old API token "{0}" of {1}?', shown, displayName(other.owner))
    : vscode.l10n.t('Revoke the old API token "{0}"?', shown);
  const answer = await showWarningMessage(question, { modal: true, detail: parts.join('\n\n') }, revoke);
  return answer === revoke;
}

function reportCreateFailure(err: unknown, name: string, shown: string): void {
  if (reportAuthFailure(err)) {
    return;
  }
  const newShown = displayName(name);
  const reason = err instanceof TursoApiError ? reasonAndHint(err) : errorMessage(err);
  void showErrorMessage(mayHaveTakenEffect(err)
    ? vscode.l10n.t(
        'Couldn\'t confirm that API token "{0}" was created: {1} No file was changed and "{2}" was not revoked. If "{0}" appears in the list, revoke it and rotate again.',
        newShown,
        reason,
        shown,
      )
    : vscode.l10n.t('Couldn\'t create API token "{0}": {1} Nothing was changed: no file was touched and "{2}" still works.', newShown, reason, shown));
}

function addToLists(deps: RotateTokenDeps, accountId: string, listing: ApiToken): void {
  deps.accounts.addToken(listing, accountId);
  const username = deps.accounts.account(accountId)?.username;
  if (listing.organization && username) {
    deps.organizations?.existing(accountId)?.addToken({ ...listing, organization: listing.organization, owner: { username } });
  }
}

function removeFromLists(deps: RotateTokenDeps, accountId: string, old: ApiToken, org: OrganizationSide | undefined): void {
  // A colleague's token was never in the account's own list.
  if (!org || org.yours) {
    deps.accounts.removeToken(old.id, accountId);
  }
  if (old.organization) {
    deps.organizations?.existing(accountId)?.removeToken(old.organization, old.id);
  }
}

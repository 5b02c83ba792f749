import * as vscode from 'vscode';
import { successorName } from '../../platform/rotation';
import { restrictionLabel, type RestrictionChoice } from '../../platform/scopes';
import { checkTokenName, tokenNameRule } from '../../platform/tokenNames';
import type { ApiToken } from '../../platform/types';
import type { TursoClient } from '../../platform/client';
import { showWarningMessage } from '../../ui/notify';
import { organizationItems } from '../../ui/organizationItems';
import { pick } from '../../ui/pickers';
import { displayName } from '../../util/text';
import { askGitConsent } from '../../workspace/gitConsent';
import { placesOf, type FilePlan } from '../../workspace/replaceToken';
import { nameMessage } from '../createToken';
import { fileLabels, ownerShown } from './labels';
import type { Placement, SecretsUpdate } from './run';
import { secretsToUpdateText, secretsUpdatedText } from './secretTexts';

/**
 * The questions of Rotate API Token, asked before anything is created (the organization, the name,
 * which files, consents, one confirmation), and the last one, before the revoke. A dialog never acts
 * on a file it does not name: when the files do not fit in a dialog (a modal cuts its text at 1,000
 * characters, and lists show at most MAX_LISTED lines), they are shown in a multi-select picker
 * first, and only the files shown and kept there are acted on.
 */

/** At most this many places are listed in a dialog; the rest are counted. */
export const MAX_LISTED = 10;
/**
 * Past this many characters of places (each with room for its note), the files are picked in a list
 * rather than named in a dialog: the confirmation's other paragraphs must fit in the 1,000 too.
 */
const MAX_LISTED_CHARS = 500;
/** The longest note a listed place gets (" — git stops tracking it"), in any language, roughly. */
const NOTE_ROOM = 30;

/** A colleague's token rotated from an organization's row: who mints the successor, who minted the old one. */
export interface Colleague {
  /** The account (it mints the successor). */
  me: string;
  /** Who minted the old token. */
  owner: string;
}

interface AccessItem extends vscode.QuickPickItem {
  choice?: RestrictionChoice;
}

/** An unrestricted token's successor: an organization token is suggested (Turso deprecated unrestricted ones). */
export async function askOrganization(client: TursoClient, shown: string): Promise<RestrictionChoice | undefined> {
  const items = client.listOrganizations().then((orgs): AccessItem[] => [
    ...organizationItems(orgs).map<AccessItem>((item) => ({ ...item, choice: { kind: 'org', organization: item.slug } })),
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

/** The successor's name; `byName`: the old token is revoked by name, so the new name must differ. */
export async function askName(old: ApiToken, names: string[], choice: RestrictionChoice, now: Date, byName: boolean): Promise<string | undefined> {
  const value = successorName(old.name, now, names);
  const shown = displayName(old.name);
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Rotate API Token "{0}": New Name', shown),
    prompt: vscode.l10n.t({
      message: 'The token that replaces "{0}", with access to {1}. Names have been {2}.',
      args: [shown, displayName(restrictionLabel(choice), 128), tokenNameRule()],
      comment: ['{0} is the old token\'s name, {1} what the new token may reach (e.g. all databases of an organization), {2} the naming rule (e.g. "1–32 lowercase letters, digits and hyphens, …").'],
    }),
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

/** A file that may be written (now, or after a consent). */
function actable(plan: FilePlan): boolean {
  return plan.state.kind !== 'refused' && !plan.excluded;
}

/** Whether the files to act on fit in the dialogs, named one by one. */
function fits(plans: FilePlan[]): boolean {
  const places = plans.filter(actable).flatMap((p) => placesOf(p));
  return places.length <= MAX_LISTED && places.reduce((n, place) => n + place.length + NOTE_ROOM, 0) <= MAX_LISTED_CHARS;
}

interface FileItem extends vscode.QuickPickItem {
  plan: FilePlan;
}

/** What happens to a file kept in the list, as its note says. */
function stateNote(plan: FilePlan): string {
  switch (plan.state.kind) {
    case 'tracked':
      return vscode.l10n.t('git tracks it: asked next whether to stop tracking it');
    case 'unignored':
      return vscode.l10n.t('git does not ignore it: asked next whether to add it to .gitignore');
    case 'unchecked':
      return vscode.l10n.t('git could not check it: asked next');
    default:
      return '';
  }
}

/**
 * When the files to act on do not fit in a dialog: a multi-select list of them, all checked; a file
 * unchecked is left as it is. True when the list was shown (the dialogs then count the files rather
 * than name them); undefined when the person cancelled.
 */
export async function pickFiles(plans: FilePlan[], shown: string): Promise<boolean | undefined> {
  if (fits(plans)) {
    return false;
  }
  const listedPlans = plans.filter(actable);
  const { prefix, labels } = fileLabels(listedPlans.map((p) => p.shown));
  const items = listedPlans.map<FileItem>((plan, i) => ({
    label: labels[i],
    description: plan.lines.map((l) => `:${l + 1}`).join(' '),
    detail: stateNote(plan) || undefined,
    plan,
  }));
  const kept = await pick<FileItem>({
    title: prefix
      ? vscode.l10n.t('Rotate API Token "{0}": Files to Write in {1}', shown, prefix)
      : vscode.l10n.t('Rotate API Token "{0}": Files to Write', shown),
    placeholder: vscode.l10n.t('{0} files hold "{1}": uncheck those to leave as they are (with the old token)', items.length, shown),
    items,
    canPickMany: true,
    selected: () => true,
  });
  if (!kept) {
    return undefined;
  }
  for (const item of items) {
    item.plan.excluded = !kept.includes(item);
  }
  return true;
}

/** The files of a consent question: named when they fit, else counted (they were named in the list just kept). */
function filesOf(group: FilePlan[], picked: boolean): string {
  return picked
    ? vscode.l10n.t('{0} of the files you kept in the list', group.length)
    : group.map((p) => p.shown).join(', ');
}

/** Asks one consent for a group of files; false when the person cancelled. */
async function askConsent(group: FilePlan[], message: string, detail: string, agree: string): Promise<boolean> {
  if (group.length === 0) {
    return true;
  }
  const answer = await askGitConsent({ message, detail, agree, leave: vscode.l10n.t('Leave Them') });
  if (answer === undefined) {
    return false;
  }
  for (const p of group) p.consent = answer === 'agree';
  return true;
}

/**
 * Asks about the tracked files, the files git does not ignore, and the files git could not check, as
 * Save to .env does. `picked`: the files were kept in a list (counted here, not named). False: the
 * person cancelled.
 */
export async function askConsents(plans: FilePlan[], picked: boolean): Promise<boolean> {
  const kept = plans.filter(actable);
  const tracked = kept.filter((p) => p.state.kind === 'tracked');
  const unignored = kept.filter((p) => p.state.kind === 'unignored');
  const unchecked = kept.filter((p) => p.state.kind === 'unchecked');
  const reasons = [...new Set(unchecked.map((p) => (p.state.kind === 'unchecked' ? p.state.reason : '')))].join('; ');
  return await askConsent(
    tracked,
    vscode.l10n.t('Git tracks {0}: the new token written there would be in the next commit.', filesOf(tracked, picked)),
    vscode.l10n.t(
      'Stop tracking them ("git rm --cached"), add them to the .gitignore of their folders if git does not ignore them, and then write the new token? The files stay on disk; their removal from the repository is staged for your next commit. Earlier commits keep the old token, which stops working once it is revoked. "Leave Them" leaves them as they are, with the old token.',
    ),
    vscode.l10n.t('Stop Tracking and Replace'),
  ) && await askConsent(
    unignored,
    vscode.l10n.t('Git does not ignore {0}: the new token written there could be committed.', filesOf(unignored, picked)),
    vscode.l10n.t(
      'Add them to the .gitignore of their folders and then write the new token? "Leave Them" leaves them as they are, with the old token.',
    ),
    vscode.l10n.t('Ignore and Replace'),
  ) && await askConsent(
    unchecked,
    vscode.l10n.t('Git could not check {0}: {1}.', filesOf(unchecked, picked), reasons),
    vscode.l10n.t('If git tracks them, or does not ignore them, the new token can end up in a commit. Write it anyway? "Leave Them" leaves them as they are, with the old token.'),
    vscode.l10n.t('Replace Anyway'),
  );
}

/** Whether the successor is written into `plan` (as the person answered). */
export function writes(plan: FilePlan): boolean {
  if (plan.excluded) {
    return false;
  }
  return plan.state.kind === 'writable'
    || (plan.consent === true && (plan.state.kind === 'tracked' || plan.state.kind === 'unchecked' || plan.state.kind === 'unignored'));
}

/** Why `plan` is left with the old token. */
export function skipReason(plan: FilePlan): string {
  if (plan.excluded) {
    return vscode.l10n.t('you left it out of the list');
  }
  switch (plan.state.kind) {
    case 'refused':
      return plan.state.reason;
    case 'tracked':
      return vscode.l10n.t('git tracks it, and you chose to leave it as it is');
    case 'unignored':
      return vscode.l10n.t('git does not ignore it, and you chose to leave it as it is');
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

function writeNote(p: FilePlan): string {
  switch (p.state.kind) {
    case 'tracked':
      return ` — ${vscode.l10n.t('git stops tracking it')}`;
    case 'unignored':
      return ` — ${vscode.l10n.t('added to .gitignore')}`;
    case 'unchecked':
      return ` — ${vscode.l10n.t('git could not check it')}`;
    default:
      return '';
  }
}

/**
 * The one confirmation before anything is created: the new token, every line that will change or
 * not, and the GitHub Actions secrets (`secrets`: their labels) that get the new token.
 */
export async function confirmPlan(
  old: ApiToken,
  name: string,
  choice: RestrictionChoice,
  plans: FilePlan[],
  picked: boolean,
  self: boolean,
  other: Colleague | undefined,
  secrets: readonly string[] = [],
): Promise<boolean> {
  const shown = displayName(old.name);
  const parts: string[] = [
    vscode.l10n.t('A new token "{0}" is created with access to {1}.', displayName(name), displayName(restrictionLabel(choice), 128)),
  ];
  if (other) {
    parts.push(vscode.l10n.t({
      message: 'The new token is minted by you ({0}), while "{1}" was minted by {2}: its owner changes. "{3}" is yours, listed among your API tokens, not {2}\'s.',
      args: [displayName(other.me), shown, ownerShown(other.owner), displayName(name)],
      comment: ['{0} is your Turso user name, {1} the old token\'s name, {2} the member who minted it, {3} the new token\'s name.'],
    }));
  }
  const writing = plans.filter(writes);
  const leaving = plans.filter((p) => !writes(p));
  if (writing.length > 0 && picked) {
    parts.push(vscode.l10n.t('The {0} files you kept in the list get the new token (in one change), and are saved; no other file is written.', writing.length));
  } else if (writing.length > 0) {
    parts.push(`${vscode.l10n.t('These lines hold the old token and get the new one (in one change), and their files are saved:')}\n${listed(writing.flatMap((p) => placesOf(p).map((place) => place + writeNote(p))))}`);
  } else if (secrets.length > 0) {
    parts.push(vscode.l10n.t('No env file in the workspace that can be written holds the old token.'));
  } else {
    parts.push(vscode.l10n.t('No env file in the workspace that can be written holds the old token: the new token is shown once, to copy.'));
  }
  if (leaving.length > 0) {
    parts.push(`${vscode.l10n.t('Left as they are, with the old token:')}\n${listed(leaving.flatMap((p) => placesOf(p).map((place) => `${place} — ${skipReason(p)}`)))}`);
  }
  const toUpdate = secretsToUpdateText(secrets, shown);
  if (toUpdate) {
    parts.push(toUpdate);
  }
  if (self) {
    parts.push(vscode.l10n.t('This extension is signed in with "{0}": it switches to the new token.', shown));
  }
  parts.push(vscode.l10n.t('"{0}" is revoked only at the end, after you confirm once more.', shown));
  const rotate = vscode.l10n.t('Rotate');
  const question = other
    ? vscode.l10n.t('Rotate API token "{0}" of {1}?', shown, ownerShown(other.owner))
    : vscode.l10n.t('Rotate API token "{0}"?', shown);
  const answer = await showWarningMessage(question, { modal: true, detail: parts.join('\n\n') }, rotate);
  return answer === rotate;
}

/** The last confirmation: the new token is in place; the old one is revoked only if the person says so. */
export async function confirmRevoke(
  shown: string,
  newShown: string,
  placed: Placement,
  self: boolean,
  other: Colleague | undefined,
  secrets: SecretsUpdate,
): Promise<boolean> {
  const parts: string[] = [];
  if (placed.written.length > 0) {
    parts.push(`${vscode.l10n.t('"{0}" is now in these lines (saved):', newShown)}\n${listed(placed.written.flatMap((w) => placesOf(w)))}`);
  }
  const updated = secretsUpdatedText(secrets.written, newShown);
  if (updated) {
    parts.push(updated);
  }
  if (self) {
    parts.push(vscode.l10n.t('This extension now uses "{0}".', newShown));
  }
  if (placed.skipped.length > 0) {
    parts.push(`${vscode.l10n.t('Still holding "{0}" (they stop working once it is revoked):', shown)}\n${listed(placed.skipped.map((s) => `${s.shown} — ${s.reason}`))}`);
  }
  if (other) {
    parts.push(vscode.l10n.t({
      message: '"{0}" was minted by {1}; "{2}", minted by you ({3}), replaces it.',
      args: [shown, ownerShown(other.owner), newShown, displayName(other.me)],
      comment: ['{0} is the old token\'s name, {1} the member who minted it, {2} the new token\'s name, {3} your Turso user name.'],
    }));
  }
  parts.push(vscode.l10n.t('Anything else still using "{0}" stops working at once. This cannot be undone.', shown));
  const revoke = vscode.l10n.t('Revoke');
  const question = other
    ? vscode.l10n.t('Revoke the old API token "{0}" of {1}?', shown, ownerShown(other.owner))
    : vscode.l10n.t('Revoke the old API token "{0}"?', shown);
  const answer = await showWarningMessage(question, { modal: true, detail: parts.join('\n\n') }, revoke);
  return answer === revoke;
}

import * as vscode from 'vscode';
import { reportAuthFailure } from '../../auth/authFailures';
import { mayHaveTakenEffect, reasonAndHint, TursoApiError } from '../../platform/errors';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../../ui/notify';
import { errorMessage } from '../../util/errors';
import { displayName } from '../../util/text';
import type { AfterMintResult } from './run';
import { ownerShown } from './labels';
import { secretsFailedText, secretsRotatedText } from './secretTexts';
import type { OrganizationSide, Placed } from './steps';

/** What a rotation resolves to (never a value). */
export type RotateOutcome =
  /** The successor is in place and the old token was revoked. */
  | 'rotated'
  /** The successor is in place; the old token was kept (the person declined, or its revoke failed). */
  | 'kept-old'
  /** Nothing was created. */
  | 'cancelled'
  | 'failed';

/** Names as shown in messages. */
export interface Shown {
  old: string;
  created: string;
  org: OrganizationSide | undefined;
}

/** Says how a rotation ended after its mint, and what the command resolves to. */
export function reportAfterMint(end: AfterMintResult<Placed>, names: Shown): RotateOutcome {
  const { old: shown, created: newShown } = names;
  switch (end.kind) {
    case 'write-failed':
      void showErrorMessage(vscode.l10n.t({
        message: 'API token "{0}" was created, but {1} could not be written ({2}). "{3}" was not revoked: it still works. The new token is shown so that it is not lost.',
        args: [newShown, end.placed.failures.map((f) => f.shown).join(', '), end.placed.failures.map((f) => f.reason).join('; '), shown],
        comment: ['{0} is the new token\'s name, {1} the files that could not be written (comma-separated), {2} why (reasons separated by semicolons), {3} the old token\'s name.'],
      }));
      return 'failed';
    case 'secrets-failed':
      void showErrorMessage(secretsFailedText(end.secrets, shown, newShown));
      return 'failed';
    case 'signed-out':
      void showErrorMessage(vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of that Turso account meanwhile. The new token "{1}" is shown so that it is not lost.', shown, newShown));
      return 'failed';
    case 'switch-failed':
      void showErrorMessage(vscode.l10n.t({
        message: 'This extension could not switch to the new API token "{0}": {1} "{2}" was not revoked: this extension still uses it.',
        args: [newShown, errorMessage(end.error), shown],
        comment: ['{0} is the new token\'s name, {1} the error (a sentence), {2} the old token\'s name.'],
      }));
      return 'failed';
    case 'threw':
      void showErrorMessage(vscode.l10n.t({
        message: 'The rotation of API token "{0}" stopped after its successor "{1}" was created: {2} "{0}" was not revoked: it still works. The new token is shown so that it is not lost.',
        args: [shown, newShown, errorMessage(end.error)],
        comment: ['{0} is the old token\'s name, {1} the new token\'s name, {2} the error (a sentence).'],
      }));
      return 'failed';
    case 'not-kept':
      void showWarningMessage(vscode.l10n.t(
        'The value of the new API token "{0}" was not kept, so "{1}" was not revoked: it still works. Revoke "{0}" if you do not need it.',
        newShown,
        shown,
      ));
      return 'kept-old';
    case 'declined':
      void showInformationMessage(vscode.l10n.t(
        'API token "{0}" was kept: it still works, next to its successor "{1}". Revoke it from the API Tokens view once nothing uses it.',
        shown,
        newShown,
      ));
      return 'kept-old';
    case 'not-revoked':
      reportNotRevoked(end.answer, names);
      return 'kept-old';
    case 'rotated':
      return reportRotated(end, names);
  }
}

function reportRotated(end: Extract<AfterMintResult<Placed>, { kind: 'rotated' }>, names: Shown): RotateOutcome {
  const { old: shown, created: newShown } = names;
  if (end.alreadyGone) {
    void showWarningMessage(vscode.l10n.t('"{0}" is in place of API token "{1}", which was already revoked or no longer exists.', newShown, shown));
    return 'rotated';
  }
  const lines = end.placed.written.reduce((n, w) => n + w.lines.length, 0);
  const parts = [end.placed.written.length > 0
    ? vscode.l10n.t({
      message: 'Rotated API token "{0}": "{1}" replaced it on {2} line(s) of {3}, and "{0}" was revoked.',
      args: [shown, newShown, lines, end.placed.written.map((w) => w.shown).join(', ')],
      comment: ['{0} is the old token\'s name, {1} the new token\'s name, {2} a number of lines, {3} the files written (comma-separated).'],
    })
    : vscode.l10n.t('Rotated API token "{0}": "{1}" replaced it, and "{0}" was revoked.', shown, newShown)];
  const secrets = secretsRotatedText(end.secrets.written);
  if (secrets) {
    parts.push(secrets);
  }
  if (end.placed.ignored.length > 0) {
    parts.push(vscode.l10n.t('Git now ignores the files written that it did not ignore ({0}).', end.placed.ignored.join(', ')));
  }
  void showInformationMessage(parts.join(' '));
  return 'rotated';
}

function reportNotRevoked(answer: Extract<AfterMintResult<Placed>, { kind: 'not-revoked' }>['answer'], names: Shown): void {
  const { old: shown, created: newShown, org } = names;
  switch (answer.kind) {
    case 'signed-out':
      void showWarningMessage(vscode.l10n.t('API token "{0}" was not revoked: this extension was signed out of that Turso account meanwhile.', shown));
      return;
    case 'moved':
      void showWarningMessage(vscode.l10n.t(
        '"{0}" is in place, but API token "{1}" was not revoked: the name "{1}" now belongs to another token, which was left alone. Check the API Tokens view.',
        newShown,
        shown,
      ));
      return;
    case 'forbidden':
      // Refused: nothing changed at Turso, so nothing is asked again.
      void showErrorMessage(vscode.l10n.t({
        message: '"{0}" is in place, but you can\'t revoke API token "{1}" of {2}: in "{3}" only owners and admins may revoke other members\' tokens (your role there may have changed). "{1}" still works: ask an owner or admin of "{3}" to revoke it.',
        args: [newShown, shown, ownerShown(org?.owner ?? ''), displayName(org?.organization ?? '')],
        comment: ['{0} is the new token\'s name, {1} the old token\'s name, {2} the member who minted the old token, {3} the organization\'s name.'],
      }));
      return;
    case 'failed':
      if (reportAuthFailure(answer.error)) {
        return;
      }
      void showErrorMessage(answer.maybe
        ? vscode.l10n.t({
            message: '"{0}" is in place, but it could not be confirmed that API token "{1}" was revoked: {2} If "{1}" is still listed, revoke it from the API Tokens view.',
            args: [newShown, shown, errorMessage(answer.error)],
            comment: ['{0} is the new token\'s name, {1} the old token\'s name, {2} the error (a sentence).'],
          })
        : vscode.l10n.t({
            message: '"{0}" is in place, but API token "{1}" was not revoked: {2} It still works and is still listed: revoke it from the API Tokens view.',
            args: [newShown, shown, errorMessage(answer.error)],
            comment: ['{0} is the new token\'s name, {1} the old token\'s name, {2} the error (a sentence).'],
          }));
  }
}

export function reportCreateFailure(err: unknown, name: string, shown: string): void {
  if (reportAuthFailure(err)) {
    return;
  }
  const newShown = displayName(name);
  const reason = err instanceof TursoApiError ? reasonAndHint(err) : errorMessage(err);
  void showErrorMessage(mayHaveTakenEffect(err)
    ? vscode.l10n.t({
        message: 'Couldn\'t confirm that API token "{0}" was created: {1} No file was changed and "{2}" was not revoked. If "{0}" appears in the list, revoke it and rotate again.',
        args: [newShown, reason, shown],
        comment: ['{0} is the new token\'s name, {1} the error (a sentence), {2} the old token\'s name.'],
      })
    : vscode.l10n.t({
        message: 'Couldn\'t create API token "{0}": {1} Nothing was changed: no file was touched and "{2}" still works.',
        args: [newShown, reason, shown],
        comment: ['{0} is the new token\'s name, {1} the error (a sentence), {2} the old token\'s name.'],
      }));
}

import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { isUnauthorized } from '../platform/errors';
import type { TokenValidation, TursoUser } from '../platform/types';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import { describeExpiry } from '../views/treeModel';
import { checkTokenFormat } from './signIn';
import { errorMessage } from '../util/errors';
import { reportFailure } from './failures';
import { automationOf, treeRow } from './target';
import type { CommandDeps } from './deps';

/** What the command resolves to (for automation and tests): never the token itself. */
export interface ValidationResult {
  valid: boolean;
  /** Epoch seconds; undefined when valid and never expiring, or when invalid. */
  expiresAt?: number;
  username?: string;
  /** The server's reason when invalid, or the failure when it could not be checked. */
  reason?: string;
  /** The message the user was shown. */
  message: string;
}

type Target = 'current' | 'pasted';

/**
 * `turso.validateToken`: the signed-in credential (user node, or the current token's node) or a
 * pasted token (password input; never stored). Shows whether it is valid and when it expires.
 */
export function validateTokenCommand({ accounts, log }: Pick<CommandDeps, 'accounts' | 'log'>) {
  return async (arg?: unknown): Promise<ValidationResult | undefined> => {
    // The product's own automation: `{ token }` checks that token without asking (it is not stored
    // either). Another extension's token is never sent: the person is asked which token, as from the palette.
    const automated = automationOf<{ token: string }>(arg)?.token;
    const given = typeof automated === 'string' ? automated.trim() : undefined;
    const target = given ? 'pasted' : await chooseTarget(accounts, arg);
    if (!target) {
      return undefined;
    }
    let token: string | undefined = given;
    if (target === 'pasted' && !token) {
      token = await vscode.window.showInputBox({
        title: vscode.l10n.t('Validate API Token'),
        prompt: vscode.l10n.t('Paste the Turso Platform API token to check. It is not stored.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? checkTokenFormat(text) : undefined),
      });
      token = token?.trim();
      if (!token) {
        return undefined;
      }
    }
    let client;
    try {
      client = token ? accounts.clientForValue(token) : accounts.clientFor(accounts.activeId);
    } catch (err) {
      reportFailure(log, 'Validating the token failed', err);
      return undefined;
    }
    if (!client) {
      return undefined;
    }
    const current = target === 'current';
    const [validation, user] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Validating the token…') },
      () => Promise.allSettled([client.validateToken(), client.getCurrentUser()]),
    );
    const result = describe(current, validation, user);
    if (result.valid) {
      void showInformationMessage(result.message);
    } else {
      log.warn(result.message);
      void showErrorMessage(result.message);
    }
    return result;
  };
}

async function chooseTarget(accounts: AccountModel, arg: unknown): Promise<Target | undefined> {
  const row = treeRow(arg);
  if (row?.kind === 'user' || (row?.kind === 'token' && row.current)) {
    return 'current';
  }
  if (!accounts.signedIn) {
    return 'pasted';
  }
  const items: (vscode.QuickPickItem & { target: Target })[] = [
    {
      target: 'current',
      label: vscode.l10n.t('The signed-in credential'),
      detail: vscode.l10n.t('The token this extension uses'),
      iconPath: new vscode.ThemeIcon('account'),
    },
    {
      target: 'pasted',
      label: vscode.l10n.t('Paste a token…'),
      detail: vscode.l10n.t('Check any Platform API token; it is not stored'),
      iconPath: new vscode.ThemeIcon('clippy'),
    },
  ];
  return (await pick({ title: vscode.l10n.t('Validate API Token'), placeholder: vscode.l10n.t('Which token?'), items }))?.[0]?.target;
}

/** Whole sentences for the signed-in credential and for a pasted token, so a translation can word each. */
function describe(
  current: boolean,
  validation: PromiseSettledResult<TokenValidation>,
  user: PromiseSettledResult<TursoUser>,
): ValidationResult {
  if (validation.status === 'rejected') {
    const err = validation.reason;
    if (isUnauthorized(err)) {
      const reason = err.serverMessage ?? vscode.l10n.t('rejected by Turso');
      const message = current
        ? vscode.l10n.t('The signed-in credential is invalid or revoked: {0}.', reason)
        : vscode.l10n.t('The token is invalid or revoked: {0}.', reason);
      return { valid: false, reason, message };
    }
    const reason = errorMessage(err);
    return { valid: false, reason, message: vscode.l10n.t("Couldn't validate the token. {0}", reason) };
  }
  const username = user.status === 'fulfilled' ? user.value.username : undefined;
  const { expiresAt } = validation.value;
  const date = expiresAt === undefined ? undefined : describeExpiry(validation.value, Date.now() / 1000);
  const message = current
    ? username
      ? date === undefined
        ? vscode.l10n.t('The signed-in credential (account {0}) is valid and never expires.', username)
        : vscode.l10n.t('The signed-in credential (account {0}) is valid and expires on {1}.', username, date)
      : date === undefined
        ? vscode.l10n.t('The signed-in credential is valid and never expires.')
        : vscode.l10n.t('The signed-in credential is valid and expires on {0}.', date)
    : username
      ? date === undefined
        ? vscode.l10n.t('The token (account {0}) is valid and never expires.', username)
        : vscode.l10n.t('The token (account {0}) is valid and expires on {1}.', username, date)
      : date === undefined
        ? vscode.l10n.t('The token is valid and never expires.')
        : vscode.l10n.t('The token is valid and expires on {0}.', date);
  return { valid: true, expiresAt, username, message };
}

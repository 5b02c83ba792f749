import * as vscode from 'vscode';
import type { Session } from '../auth/session';
import type { Log } from '../log';
import { TursoApiError } from '../platform/errors';
import type { TokenValidation, TursoUser } from '../platform/types';
import { showErrorMessage, showInformationMessage } from '../ui/notify';
import { pick } from '../ui/pickers';
import type { TreeNode } from '../views/treeModel';
import { describeExpiry } from '../views/treeModel';
import { checkTokenFormat } from './signIn';

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
export function validateTokenCommand(session: Session, log: Log) {
  return async (arg?: unknown): Promise<ValidationResult | undefined> => {
    // Automation: `{ token }` checks that token without asking (it is not stored either).
    const given = typeof (arg as { token?: unknown } | undefined)?.token === 'string' ? (arg as { token: string }).token.trim() : undefined;
    const target = given ? 'pasted' : await chooseTarget(session, arg);
    if (!target) {
      return undefined;
    }
    let token: string | undefined = given;
    if (target === 'pasted' && !token) {
      token = await vscode.window.showInputBox({
        title: 'Validate API Token',
        prompt: 'Paste the Turso Platform API token to check. It is not stored.',
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
      client = token ? session.clientFor(token) : session.client();
    } catch (err) {
      void showErrorMessage(err instanceof Error ? err.message : String(err));
      return undefined;
    }
    if (!client) {
      return undefined;
    }
    const subject = target === 'current' ? 'The signed-in credential' : 'The token';
    const [validation, user] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Validating the token…' },
      () => Promise.allSettled([client.validateToken(), client.getCurrentUser()]),
    );
    const result = describe(subject, validation, user);
    if (result.valid) {
      void showInformationMessage(result.message);
    } else {
      log.warn(result.message);
      void showErrorMessage(result.message);
    }
    return result;
  };
}

async function chooseTarget(session: Session, arg: unknown): Promise<Target | undefined> {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && (node.kind === 'user' || (node.kind === 'token' && node.current))) {
    return 'current';
  }
  if (!session.signedIn) {
    return 'pasted';
  }
  const items: (vscode.QuickPickItem & { target: Target })[] = [
    { target: 'current', label: 'The signed-in credential', detail: 'The token this extension uses', iconPath: new vscode.ThemeIcon('account') },
    { target: 'pasted', label: 'Paste a token…', detail: 'Check any Platform API token; it is not stored', iconPath: new vscode.ThemeIcon('clippy') },
  ];
  return (await pick({ title: 'Validate API Token', placeholder: 'Which token?', items }))?.[0]?.target;
}

function describe(
  subject: string,
  validation: PromiseSettledResult<TokenValidation>,
  user: PromiseSettledResult<TursoUser>,
): ValidationResult {
  if (validation.status === 'rejected') {
    const err = validation.reason;
    if (err instanceof TursoApiError && err.kind === 'unauthorized') {
      const reason = err.serverMessage ?? 'rejected by Turso';
      return { valid: false, reason, message: `${subject} is invalid or revoked: ${reason}.` };
    }
    const reason = err instanceof Error ? err.message : String(err);
    return { valid: false, reason, message: `Couldn't validate the token. ${reason}` };
  }
  const username = user.status === 'fulfilled' ? user.value.username : undefined;
  const owner = username ? ` (account ${username})` : '';
  const { expiresAt } = validation.value;
  const when = expiresAt === undefined
    ? 'never expires'
    : `expires on ${describeExpiry(validation.value, Date.now() / 1000)}`;
  return { valid: true, expiresAt, username, message: `${subject}${owner} is valid and ${when}.` };
}

import * as l10n from '@vscode/l10n';
import { TursoApiError } from '../platform/errors';
import type { Session } from './session';

/**
 * "Use for this extension" from the reveal panel: signs in with a just-created token. A token that
 * cannot list API tokens (a group-scoped one) would leave the extension with nothing to show, so it
 * is checked first and refused with the reason; the current credential then stays as it was.
 */
export async function useCreatedToken(session: Session, value: string): Promise<string> {
  try {
    await session.clientFor(value).listApiTokens();
  } catch (err) {
    if (err instanceof TursoApiError && err.kind === 'forbidden') {
      throw new Error(
        l10n.t(
          "This token can't list or manage API tokens (it is limited to a group), so this extension can't work with it. Keep it for the tools it was made for; the extension stays signed in as before.",
        ),
      );
    }
    throw err;
  }
  const { user } = await session.signIn(value);
  return l10n.t('This extension now uses this token (account {0}).', user.username);
}

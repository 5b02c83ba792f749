/**
 * What to say about an API token name while it is typed. The rule is the one the Turso CLI enforced
 * before it left names to the server (turso-cli 8663f5e, #844): 1–32 lowercase letters, digits and
 * inner hyphens. The server's own rule is not documented and may differ, so breaking this one is a
 * hint, never a refusal: the name is sent, and the server's answer decides (its reason is shown,
 * with Change Name). Only an empty name is refused: it is not a name.
 */
import * as l10n from '@vscode/l10n';

export const MAX_TOKEN_NAME_LENGTH = 32;
/** The rule in words (translated when called). */
export function tokenNameRule(): string {
  return l10n.t('1–32 lowercase letters, digits and hyphens, not starting or ending with a hyphen');
}

export interface TokenNameNote {
  message: string;
  /** `refuse`: the name can't be sent (empty). `hint`: it can; Turso may refuse it. */
  kind: 'refuse' | 'hint';
}

/** What to tell about `name`, or undefined when there is nothing to tell. `existing`: names this user already has. */
export function checkTokenName(name: string, existing: Iterable<string> = []): TokenNameNote | undefined {
  const hint = (message: string): TokenNameNote => ({ message, kind: 'hint' });
  if (name.length === 0) {
    return { message: l10n.t('Enter a name: {0}.', tokenNameRule()), kind: 'refuse' };
  }
  if (name.length > MAX_TOKEN_NAME_LENGTH) {
    return hint(l10n.t('Turso may refuse this name: it is {0} characters long, and names have been at most {1}.', name.length, MAX_TOKEN_NAME_LENGTH));
  }
  if (/[A-Z]/.test(name) && /^[A-Za-z0-9-]+$/.test(name)) {
    return hint(l10n.t('Turso may refuse this name: names have been lowercase ({0}).', tokenNameRule()));
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return hint(l10n.t('Turso may refuse this name: names have been {0}.', tokenNameRule()));
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return hint(l10n.t('Turso may refuse this name: names have not started or ended with a hyphen.'));
  }
  for (const taken of existing) {
    if (taken === name) {
      return hint(l10n.t('You already have an API token named "{0}": Turso will likely refuse a second one.', name));
    }
  }
  return undefined;
}

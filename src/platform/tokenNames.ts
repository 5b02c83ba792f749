/**
 * The API token name rule, checked as the user types. It is the rule the Turso CLI enforced until the
 * server took it over (1–32 lowercase letters, digits and inner hyphens); the server stays the
 * authority, and its own error is shown when it disagrees.
 */
import * as l10n from '@vscode/l10n';

export const MAX_TOKEN_NAME_LENGTH = 32;
/** The rule in words (translated when called). */
export function tokenNameRule(): string {
  return l10n.t('1–32 lowercase letters, digits and hyphens, not starting or ending with a hyphen');
}

/** Why `name` can't be used, or undefined when it can. `existing`: names already taken by this user. */
export function checkTokenName(name: string, existing: Iterable<string> = []): string | undefined {
  if (name.length === 0) {
    return l10n.t('Enter a name: {0}.', tokenNameRule());
  }
  if (name.length > MAX_TOKEN_NAME_LENGTH) {
    return l10n.t('The name is {0} characters long; the most is {1}.', name.length, MAX_TOKEN_NAME_LENGTH);
  }
  if (/[A-Z]/.test(name) && /^[A-Za-z0-9-]+$/.test(name)) {
    return l10n.t('Use lowercase letters only ({0}).', tokenNameRule());
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return l10n.t('Only lowercase letters, digits and hyphens are allowed ({0}).', tokenNameRule());
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return l10n.t('The name cannot start or end with a hyphen.');
  }
  for (const taken of existing) {
    if (taken === name) {
      return l10n.t('You already have an API token named "{0}".', name);
    }
  }
  return undefined;
}

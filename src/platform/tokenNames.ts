/**
 * The API token name rule, checked as the user types. It is the rule the Turso CLI enforced until the
 * server took it over (1–32 lowercase letters, digits and inner hyphens); the server stays the
 * authority, and its own error is shown when it disagrees.
 */

export const MAX_TOKEN_NAME_LENGTH = 32;
export const TOKEN_NAME_RULE = '1–32 lowercase letters, digits and hyphens, not starting or ending with a hyphen';

/** Why `name` can't be used, or undefined when it can. `existing`: names already taken by this user. */
export function checkTokenName(name: string, existing: Iterable<string> = []): string | undefined {
  if (name.length === 0) {
    return `Enter a name: ${TOKEN_NAME_RULE}.`;
  }
  if (name.length > MAX_TOKEN_NAME_LENGTH) {
    return `The name is ${name.length} characters long; the most is ${MAX_TOKEN_NAME_LENGTH}.`;
  }
  if (/[A-Z]/.test(name) && /^[A-Za-z0-9-]+$/.test(name)) {
    return `Use lowercase letters only (${TOKEN_NAME_RULE}).`;
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return `Only lowercase letters, digits and hyphens are allowed (${TOKEN_NAME_RULE}).`;
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return 'The name cannot start or end with a hyphen.';
  }
  for (const taken of existing) {
    if (taken === name) {
      return `You already have an API token named "${name}".`;
    }
  }
  return undefined;
}

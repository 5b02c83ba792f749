/**
 * Names of GitHub Actions secrets: the defaults for a Turso token, and GitHub's naming rule as a hint
 * while one is typed (GitHub's answer to the write decides). No `vscode` import.
 */
import * as l10n from '@vscode/l10n';

/** What kind of Turso token a secret holds. */
export type SecretTokenKind = 'platformApi' | 'database';

/** The name the Turso CLI, SDKs and docs read each kind of token from. */
export function defaultSecretName(kind: SecretTokenKind): string {
  return kind === 'database' ? 'TURSO_AUTH_TOKEN' : 'TURSO_API_TOKEN';
}

/**
 * What is wrong with `name` by GitHub's documented rule (letters, digits and `_` only, not starting
 * with a digit or `GITHUB_`), or undefined when nothing is. A hint only: GitHub's answer decides.
 */
export function secretNameHint(name: string): string | undefined {
  const text = typeof name === 'string' ? name : '';
  if (text.trim().length === 0) {
    return l10n.t('Enter a secret name.');
  }
  if (/\s/.test(text)) {
    return l10n.t('GitHub secret names contain no spaces: use _ instead.');
  }
  if (!/^[A-Za-z0-9_]+$/.test(text)) {
    return l10n.t('GitHub secret names contain only letters, digits and _.');
  }
  if (/^[0-9]/.test(text)) {
    return l10n.t('GitHub secret names do not start with a digit.');
  }
  if (/^GITHUB_/i.test(text)) {
    return l10n.t('GitHub secret names do not start with GITHUB_ (it is reserved).');
  }
  return undefined;
}

/** How GitHub stores and lists a name (it ignores case and shows it in capitals). */
export function normalizeSecretName(name: string): string {
  return name.trim().toUpperCase();
}

/** Whether `name` is among `existing` (GitHub's names ignore case): the write then updates that secret. */
export function secretExists(name: string, existing: readonly string[]): boolean {
  const wanted = normalizeSecretName(name);
  return existing.some((n) => normalizeSecretName(n) === wanted);
}

/**
 * What a rotation says of the GitHub Actions secrets that held the old token: in its confirmations,
 * and when one could not be updated. Secrets are named by `placeLabel` (src/github/places.ts), never
 * with a value. No `vscode` import: tested in plain Node.
 */
import * as l10n from '@vscode/l10n';
import type { SecretsUpdate } from './run';

/** At most this many secrets are listed in a dialog; the rest are counted (a modal cuts its text at 1,000 characters). */
export const MAX_SECRETS_LISTED = 5;

/** Lines of a list of secrets, at most MAX_SECRETS_LISTED, then how many more. */
function listedSecrets(labels: readonly string[]): string {
  const lines = labels.slice(0, MAX_SECRETS_LISTED).map((l) => `  ${l}`);
  if (labels.length > MAX_SECRETS_LISTED) {
    lines.push(`  ${l10n.t('…and {0} more', labels.length - MAX_SECRETS_LISTED)}`);
  }
  return lines.join('\n');
}

/** The confirmation before the mint: the secrets that hold the old token get the new one (undefined: none). */
export function secretsToUpdateText(labels: readonly string[], oldShown: string): string | undefined {
  if (labels.length === 0) {
    return undefined;
  }
  return `${l10n.t('These GitHub Actions secrets hold "{0}" and get the new token, after the files (if one cannot be updated, "{0}" is kept):', oldShown)}\n${listedSecrets(labels)}`;
}

/** The last confirmation: the secrets that hold the new token now (undefined: none). */
export function secretsUpdatedText(labels: readonly string[], newShown: string): string | undefined {
  if (labels.length === 0) {
    return undefined;
  }
  return `${l10n.t('"{0}" is now in these GitHub Actions secrets:', newShown)}\n${listedSecrets(labels)}`;
}

/** A sentence ends with its stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Some secrets could not be updated: each named with why (the writer's messages name the repository
 * and the secret, never a value), the old token kept, the new one shown.
 */
export function secretsFailedText(secrets: SecretsUpdate, oldShown: string, newShown: string): string {
  const why = secrets.failures.map((f) => l10n.t('{0}: {1}', f.shown, sentence(f.reason))).join(' ');
  const parts = [secrets.failures.length === 1
    ? l10n.t({
        message: 'API token "{0}" was created, but GitHub Actions secret {1} could not be updated. {2}',
        args: [newShown, secrets.failures[0].shown, sentence(secrets.failures[0].reason)],
        comment: ['{0} is the new token\'s name, {1} the secret (repository, environment and name), {2} why it failed (a sentence).'],
      })
    : l10n.t({
        message: 'API token "{0}" was created, but {1} GitHub Actions secrets could not be updated. {2}',
        args: [newShown, secrets.failures.length, why],
        comment: ['{0} is the new token\'s name, {1} a number of secrets, {2} each secret with why it failed (sentences).'],
      })];
  if (secrets.written.length > 0) {
    parts.push(l10n.t('These hold "{0}" now: {1}.', newShown, secrets.written.join(', ')));
  }
  parts.push(l10n.t('"{0}" was not revoked: it still works. The new token is shown so that it is not lost.', oldShown));
  return parts.join(' ');
}

/** Said with a rotation done: the secrets updated (undefined: none). */
export function secretsRotatedText(labels: readonly string[]): string | undefined {
  return labels.length === 0 ? undefined : l10n.t('GitHub Actions secrets updated: {0}.', labels.join(', '));
}

import * as assert from 'node:assert/strict';
import {
  MAX_SECRETS_LISTED,
  secretsFailedText,
  secretsRotatedText,
  secretsToUpdateText,
  secretsUpdatedText,
} from '../../../src/commands/rotate/secretTexts';

// What a rotation says of the GitHub Actions secrets that held the old token (src/commands/rotate/secretTexts.ts).

const REPO = 'acme/app · TURSO_API_TOKEN';
const ENV = 'acme/app (production) · TURSO_API_TOKEN';

describe('Rotate API Token: what it says of the GitHub Actions secrets', () => {
  it('the confirmation before the mint lists each secret that gets the new token, and says the old token is kept if one fails', () => {
    assert.equal(secretsToUpdateText([], 'ci'), undefined);
    const text = secretsToUpdateText([REPO, ENV], 'ci') ?? '';
    assert.match(text, /These GitHub Actions secrets hold "ci" and get the new token, after the files \(if one cannot be updated, "ci" is kept\):/);
    assert.ok(text.includes(`\n  ${REPO}\n  ${ENV}`), text);
  });

  it('a long list is cut and counted', () => {
    const labels = Array.from({ length: MAX_SECRETS_LISTED + 3 }, (_, i) => `acme/app${i} · TURSO_API_TOKEN`);
    const text = secretsToUpdateText(labels, 'ci') ?? '';
    assert.ok(text.includes('…and 3 more'), text);
    assert.ok(!text.includes(labels[MAX_SECRETS_LISTED]), text);
  });

  it('the last confirmation names the secrets that hold the new token', () => {
    assert.equal(secretsUpdatedText([], 'ci-2'), undefined);
    assert.equal(secretsUpdatedText([REPO], 'ci-2'), `"ci-2" is now in these GitHub Actions secrets:\n  ${REPO}`);
  });

  it('one failure: names the secret and why, and says the old token was kept', () => {
    const text = secretsFailedText({ written: [], failures: [{ shown: ENV, reason: 'Saving secret TURSO_API_TOKEN failed: GitHub Actions is disabled for acme/app' }] }, 'ci', 'ci-2');
    assert.equal(text, `API token "ci-2" was created, but GitHub Actions secret ${ENV} could not be updated. Saving secret TURSO_API_TOKEN failed: GitHub Actions is disabled for acme/app. "ci" was not revoked: it still works. The new token is shown so that it is not lost.`);
  });

  it('several failures: each named with why; the secrets updated are said too', () => {
    const text = secretsFailedText({
      written: ['acme/web · TURSO_API_TOKEN'],
      failures: [{ shown: REPO, reason: 'No GitHub sign-in.' }, { shown: ENV, reason: 'It was not found' }],
    }, 'ci', 'ci-2');
    assert.ok(text.startsWith('API token "ci-2" was created, but 2 GitHub Actions secrets could not be updated. '), text);
    assert.ok(text.includes(`${REPO}: No GitHub sign-in. ${ENV}: It was not found.`), text);
    assert.ok(text.includes('These hold "ci-2" now: acme/web · TURSO_API_TOKEN.'), text);
    assert.ok(text.endsWith('"ci" was not revoked: it still works. The new token is shown so that it is not lost.'), text);
  });

  it('a rotation done lists the secrets updated', () => {
    assert.equal(secretsRotatedText([]), undefined);
    assert.equal(secretsRotatedText([REPO, ENV]), `GitHub Actions secrets updated: ${REPO}, ${ENV}.`);
  });
});

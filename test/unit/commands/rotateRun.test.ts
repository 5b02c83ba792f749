import * as assert from 'node:assert/strict';
import { afterMint, type AccountNow, type Placement, type RevokeAnswer, type RotationSteps } from '../../../src/commands/rotate/run';

// The boundary right after a rotation's mint (src/commands/rotate/run.ts): whatever a later step
// returns or throws, a value not in place is shown once, and the old token is revoked only when
// every file kept was written and read back.

type StepName = keyof RotationSteps | 'updateSecrets';

/** What the secrets step did (labels and reasons only). */
interface SecretsDone {
  written: string[];
  failures: { shown: string; reason: string }[];
}

/** Scripted steps: each records its call; `throwing` makes one throw (or reject). */
class FakeSteps implements RotationSteps {
  readonly calls: StepName[] = [];
  reveals = 0;
  placed: Placement = { written: [{ shown: 'api/.env', lines: [1] }], skipped: [], failures: [] };
  now: AccountNow = { signedIn: true, self: false };
  kept = true;
  confirm = true;
  answer: RevokeAnswer = { kind: 'revoked' };
  secrets: SecretsDone = { written: [], failures: [] };
  /** What confirmRevoke was told of the secrets. */
  confirmedSecrets: SecretsDone | undefined;

  constructor(private readonly throwing?: StepName) {}

  private step(name: StepName): void {
    this.calls.push(name);
    if (name === this.throwing) {
      throw new Error(`${name} broke`);
    }
  }

  addToLists(): void {
    this.step('addToLists');
  }
  async place(): Promise<Placement> {
    this.step('place');
    return this.placed;
  }
  async account(): Promise<AccountNow> {
    this.step('account');
    return this.now;
  }
  async switchCredential(): Promise<void> {
    this.step('switchCredential');
  }
  reveal(): void {
    this.reveals++;
    this.step('reveal');
  }
  async revealAndWait(): Promise<boolean> {
    this.reveals++;
    this.step('revealAndWait');
    return this.kept;
  }
  async updateSecrets(): Promise<SecretsDone> {
    this.step('updateSecrets');
    return this.secrets;
  }
  async confirmRevoke(_placed?: Placement, _self?: boolean, secrets?: SecretsDone): Promise<boolean> {
    this.confirmedSecrets = secrets;
    this.step('confirmRevoke');
    return this.confirm;
  }
  async revoke(): Promise<RevokeAnswer> {
    this.step('revoke');
    return this.answer;
  }
}

describe('Rotate API Token after the mint: one boundary keeps the new value', () => {
  it('a rotation that writes every file and is confirmed revokes the old token and shows nothing', async () => {
    const steps = new FakeSteps();
    const end = await afterMint(steps);
    assert.equal(end.kind, 'rotated');
    assert.equal(steps.reveals, 0);
    assert.deepEqual(steps.calls, ['addToLists', 'place', 'updateSecrets', 'account', 'confirmRevoke', 'revoke']);
  });

  // Each step after the mint made to throw: the value is shown once, the old token is not revoked.
  const cases: { step: StepName; setup?: (s: FakeSteps) => void; shownBy: StepName }[] = [
    { step: 'addToLists', shownBy: 'reveal' },
    { step: 'place', shownBy: 'reveal' },
    { step: 'updateSecrets', shownBy: 'reveal' },
    { step: 'account', shownBy: 'reveal' },
    { step: 'confirmRevoke', shownBy: 'reveal' },
    { step: 'confirmRevoke', setup: (s) => { s.now = { signedIn: true, self: true }; }, shownBy: 'reveal' },
    // The value put nowhere: its panel was opened (and threw): not opened a second time.
    { step: 'revealAndWait', setup: (s) => { s.placed = { written: [], skipped: [], failures: [] }; }, shownBy: 'revealAndWait' },
    { step: 'confirmRevoke', setup: (s) => { s.placed = { written: [], skipped: [], failures: [] }; }, shownBy: 'revealAndWait' },
  ];
  for (const c of cases) {
    it(`${c.step} throwing${c.setup ? ` (${c.shownBy === 'revealAndWait' ? 'value written nowhere' : 'signed in with the old token'})` : ''}: the value is shown once and the old token kept`, async () => {
      const steps = new FakeSteps(c.step);
      c.setup?.(steps);
      const end = await afterMint(steps);
      assert.equal(end.kind, 'threw');
      assert.match(String((end as { error: Error }).error.message), new RegExp(`${c.step} broke`));
      assert.equal(steps.reveals, 1, `shown once: ${steps.calls.join(', ')}`);
      assert.ok(steps.calls.includes(c.shownBy), steps.calls.join(', '));
      assert.equal(end.revealed, true);
      assert.ok(!steps.calls.includes('revoke'), 'not revoked');
    });
  }

  it('the switch of the extension\'s credential failing: the value is shown once, nothing revoked', async () => {
    const steps = new FakeSteps('switchCredential');
    steps.now = { signedIn: true, self: true };
    const end = await afterMint(steps);
    assert.equal(end.kind, 'switch-failed');
    assert.equal(steps.reveals, 1);
    assert.ok(!steps.calls.includes('confirmRevoke') && !steps.calls.includes('revoke'));
  });

  it('a file that could not be written: the value is shown, nothing more is asked, nothing revoked', async () => {
    const steps = new FakeSteps();
    steps.placed = { written: [{ shown: 'a/.env', lines: [0] }], skipped: [], failures: [{ shown: 'b/.env', reason: 'it could not be saved' }] };
    const end = await afterMint(steps);
    assert.equal(end.kind, 'write-failed');
    assert.equal(steps.reveals, 1);
    assert.deepEqual(steps.calls, ['addToLists', 'place', 'reveal']);
  });

  it('signed out meanwhile: the value is shown, nothing revoked', async () => {
    const steps = new FakeSteps();
    steps.now = { signedIn: false, self: false };
    const end = await afterMint(steps);
    assert.equal(end.kind, 'signed-out');
    assert.equal(steps.reveals, 1);
    assert.ok(!steps.calls.includes('revoke'));
  });

  it('the value put nowhere is shown and must be kept before the revoke; shown once, not again when kept', async () => {
    const steps = new FakeSteps();
    steps.placed = { written: [], skipped: [{ shown: 'x/.env', reason: 'a link' }], failures: [] };
    const end = await afterMint(steps);
    assert.equal(end.kind, 'rotated');
    assert.equal(steps.reveals, 1);
    steps.kept = false;
    const notKept = new FakeSteps();
    notKept.placed = steps.placed;
    notKept.kept = false;
    const end2 = await afterMint(notKept);
    assert.equal(end2.kind, 'not-kept');
    assert.equal(notKept.reveals, 1);
    assert.ok(!notKept.calls.includes('revoke'));
  });

  it('declined or refused revokes keep the old token and show nothing more (the value is in the files)', async () => {
    const declined = new FakeSteps();
    declined.confirm = false;
    assert.equal((await afterMint(declined)).kind, 'declined');
    assert.equal(declined.reveals, 0);
    for (const answer of [{ kind: 'forbidden' }, { kind: 'moved' }, { kind: 'signed-out' }, { kind: 'failed', error: new Error('x'), maybe: false }] as RevokeAnswer[]) {
      const steps = new FakeSteps();
      steps.answer = answer;
      const end = await afterMint(steps);
      assert.equal(end.kind, 'not-revoked', answer.kind);
      assert.equal(steps.reveals, 0);
    }
  });

  it('a reveal that throws itself is reported, never thrown out of the boundary', async () => {
    const steps = new FakeSteps('reveal');
    steps.placed = { written: [], skipped: [], failures: [{ shown: 'a/.env', reason: 'no' }] };
    const end = await afterMint(steps);
    assert.equal(end.kind, 'threw');
    assert.equal(steps.reveals, 1);
  });

  describe('the GitHub Actions secrets that held the old token', () => {
    it('are updated after the files are written and read back, before the account check, the last confirmation and the revoke; all updated: revoked, nothing shown', async () => {
      const steps = new FakeSteps();
      steps.secrets = { written: ['acme/app · TURSO_API_TOKEN', 'acme/app (production) · TURSO_API_TOKEN'], failures: [] };
      const end = await afterMint(steps);
      assert.deepEqual(steps.calls, ['addToLists', 'place', 'updateSecrets', 'account', 'confirmRevoke', 'revoke']);
      assert.equal(end.kind, 'rotated');
      assert.equal(steps.reveals, 0);
      // The last confirmation names them, and so does the outcome.
      assert.deepEqual(steps.confirmedSecrets?.written, steps.secrets.written);
      assert.deepEqual((end as { secrets?: SecretsDone }).secrets?.written, steps.secrets.written);
    });

    it('one not updated: the old token is not revoked, nothing more is asked, the value is shown once, and the outcome names the secret and why', async () => {
      const steps = new FakeSteps();
      steps.secrets = {
        written: ['acme/app · TURSO_API_TOKEN'],
        failures: [{ shown: 'acme/app (production) · TURSO_API_TOKEN', reason: 'GitHub Actions is disabled for acme/app' }],
      };
      const end = await afterMint(steps);
      assert.equal(end.kind, 'secrets-failed');
      assert.deepEqual(steps.calls, ['addToLists', 'place', 'updateSecrets', 'reveal']);
      assert.equal(steps.reveals, 1);
      assert.equal(end.revealed, true);
      assert.deepEqual((end as { secrets?: SecretsDone }).secrets, steps.secrets);
    });

    it('the files failing stop the rotation before any secret is touched', async () => {
      const steps = new FakeSteps();
      steps.placed = { written: [], skipped: [], failures: [{ shown: 'b/.env', reason: 'it could not be saved' }] };
      const end = await afterMint(steps);
      assert.equal(end.kind, 'write-failed');
      assert.ok(!steps.calls.includes('updateSecrets'), steps.calls.join(', '));
    });

    it('a value in GitHub secrets only (no file) is in place: no panel to keep it, the revoke is asked', async () => {
      const steps = new FakeSteps();
      steps.placed = { written: [], skipped: [], failures: [] };
      steps.kept = false;
      steps.secrets = { written: ['acme/app · TURSO_API_TOKEN'], failures: [] };
      const end = await afterMint(steps);
      assert.equal(end.kind, 'rotated');
      assert.equal(steps.reveals, 0, steps.calls.join(', '));
      assert.ok(!steps.calls.includes('revealAndWait'), steps.calls.join(', '));
    });

    it('declined at the last question or a revoke refused: the outcome still says which secrets hold the new token', async () => {
      const steps = new FakeSteps();
      steps.confirm = false;
      steps.secrets = { written: ['acme/app · TURSO_API_TOKEN'], failures: [] };
      const end = await afterMint(steps);
      assert.equal(end.kind, 'declined');
      assert.deepEqual((end as { secrets?: SecretsDone }).secrets?.written, ['acme/app · TURSO_API_TOKEN']);
    });
  });
});

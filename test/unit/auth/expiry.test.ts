import * as assert from 'node:assert/strict';
import {
  DAY_SECONDS, expiryLabel, expiryState, formatExpiryMoment, formatTimeLeft, HOUR_SECONDS, needsExpiryWarning,
  secondsUntilLabelChanges, secondsUntilWarning, timerDelayMs,
} from '../../../src/auth/expiry';

const NOW = 1_780_000_000; // a fixed "now", epoch seconds
const at = (secondsLeft: number) => expiryState({ expiresAt: NOW + secondsLeft }, NOW);

describe('auth/expiry: how long the credential has left', () => {
  it('tells unknown, never, expiring and expired apart', () => {
    assert.deepEqual(expiryState(undefined, NOW), { kind: 'unknown' });
    assert.deepEqual(expiryState({}, NOW), { kind: 'never' });
    assert.deepEqual(at(10), { kind: 'expires', expiresAt: NOW + 10, secondsLeft: 10 });
    assert.deepEqual(at(0), { kind: 'expired', expiresAt: NOW });
    assert.deepEqual(at(-5), { kind: 'expired', expiresAt: NOW - 5 });
  });

  const labels: [number, string | undefined][] = [
    [7 * DAY_SECONDS, 'expires in 7 days'],
    [7 * DAY_SECONDS - 1, 'expires in 7 days'],
    [6 * DAY_SECONDS + 11 * HOUR_SECONDS, 'expires in 6 days'],
    [DAY_SECONDS + 13 * HOUR_SECONDS, 'expires in 2 days'],
    [3 * DAY_SECONDS + 5 * HOUR_SECONDS, 'expires in 3 days'],
    [DAY_SECONDS, 'expires in 1 day'],
    [DAY_SECONDS - 1, 'expires in 24 hours'],
    [5 * HOUR_SECONDS + 20 * 60, 'expires in 5 hours'],
    [5 * HOUR_SECONDS + 40 * 60, 'expires in 6 hours'],
    [HOUR_SECONDS, 'expires in 1 hour'],
    [HOUR_SECONDS - 1, 'expires in 59 minutes'],
    [61, 'expires in 1 minute'],
    [59, 'expires in less than a minute'],
    [0, 'expired'],
  ];
  for (const [left, label] of labels) {
    it(`${left} s left reads "${label}"`, () => assert.equal(expiryLabel(at(left)), label));
  }
  it('says nothing for tokens that never expire or were not checked', () => {
    assert.equal(expiryLabel({ kind: 'never' }), undefined);
    assert.equal(expiryLabel({ kind: 'unknown' }), undefined);
    assert.equal(formatTimeLeft(2 * DAY_SECONDS), '2 days');
  });

  it('warns only with less than a day left, and not once expired', () => {
    assert.equal(needsExpiryWarning(at(DAY_SECONDS)), false);
    assert.equal(needsExpiryWarning(at(DAY_SECONDS - 1)), true);
    assert.equal(needsExpiryWarning(at(1)), true);
    assert.equal(needsExpiryWarning(at(0)), false);
    assert.equal(needsExpiryWarning({ kind: 'never' }), false);
  });

  it('knows when the warning becomes due', () => {
    assert.equal(secondsUntilWarning(at(7 * DAY_SECONDS)), 6 * DAY_SECONDS + 0.001);
    assert.equal(secondsUntilWarning(at(DAY_SECONDS)), 0.001);
    assert.equal(secondsUntilWarning(at(DAY_SECONDS - 1)), undefined, 'already due');
    assert.equal(secondsUntilWarning({ kind: 'never' }), undefined);
    // When the timer fires, the warning is due.
    const wait = secondsUntilWarning(at(3 * DAY_SECONDS + 17)) as number;
    assert.equal(needsExpiryWarning(at(3 * DAY_SECONDS + 17 - wait)), true);
  });

  it('knows when the label next reads differently, and it does then (not before)', () => {
    for (const left of [7 * DAY_SECONDS, 3 * DAY_SECONDS + 123, DAY_SECONDS + 1, DAY_SECONDS - 1, 5 * HOUR_SECONDS + 1799,
      5 * HOUR_SECONDS + 1800, 2 * HOUR_SECONDS, HOUR_SECONDS + 10, HOUR_SECONDS - 1, 600.5, 61, 59, 0.25]) {
      const before = expiryLabel(at(left));
      const wait = secondsUntilLabelChanges(at(left)) as number;
      assert.ok(wait > 0, `${left}: positive wait`);
      // At most a millisecond late: a millisecond earlier, it still read the same.
      assert.equal(expiryLabel(at(left - Math.max(0, wait - 0.001))), before, `${left}: unchanged a millisecond before`);
      assert.notEqual(expiryLabel(at(left - wait)), before, `${left}: changed after ${wait} s`);
    }
    assert.equal(secondsUntilLabelChanges(at(0)), undefined);
    assert.equal(secondsUntilLabelChanges({ kind: 'never' }), undefined);
  });

  it('clamps timer delays to what setTimeout accepts, and formats the moment', () => {
    assert.equal(timerDelayMs(1.0004), 1001);
    assert.equal(timerDelayMs(-3), 0);
    assert.equal(timerDelayMs(60 * DAY_SECONDS), 2 ** 31 - 1);
    assert.equal(formatExpiryMoment(Date.UTC(2026, 5, 1, 14, 5, 59) / 1000), '2026-06-01 14:05 UTC');
  });
});

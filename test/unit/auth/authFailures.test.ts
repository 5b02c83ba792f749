import * as assert from 'node:assert/strict';
import { TursoApiError } from '../../../src/platform/errors';
import { fakeVscode, loadWithFakeVscode, settle } from './fakeVscode';

type AuthFailuresModule = typeof import('../../../src/auth/authFailures');
const { AuthFailureGate, AuthFailureReporter, authFailureMessage, reportAuthFailure, authFailures, signInAction } =
  loadWithFakeVscode<AuthFailuresModule>('../../../src/auth/authFailures');

const unauthorized = (serverMessage?: string) =>
  new TursoApiError({ kind: 'unauthorized', operation: 'listing API tokens', status: 401, serverMessage });

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('auth/authFailures: one prompt per burst of 401s', () => {
  beforeEach(() => {
    fakeVscode.reset();
    authFailures.reset();
  });

  describe('AuthFailureGate (the cooldown, with an injected clock)', () => {
    it('lets the first failure prompt, keeps the rest quiet while it is open and for the cooldown after', () => {
      const clock = manualClock();
      const gate = new AuthFailureGate(60_000, clock.now, 600_000);
      const ticket = gate.tryOpen();
      assert.equal(typeof ticket, 'number');
      assert.equal(gate.tryOpen(), undefined, 'open: quiet');
      clock.advance(120_000);
      assert.equal(gate.tryOpen(), undefined, 'still open two minutes later: quiet');
      gate.closed(ticket as number);
      assert.equal(gate.tryOpen(), undefined, 'just closed: cooldown');
      clock.advance(59_999);
      assert.equal(gate.tryOpen(), undefined, 'within the cooldown');
      clock.advance(1);
      assert.equal(typeof gate.tryOpen(), 'number', 'after the cooldown: prompts again');
    });

    it('a prompt left unanswered stops holding others back after the maximum', () => {
      const clock = manualClock();
      const gate = new AuthFailureGate(60_000, clock.now, 600_000);
      assert.ok(gate.tryOpen());
      clock.advance(599_999);
      assert.equal(gate.quiet, true);
      clock.advance(1);
      assert.equal(gate.quiet, false);
      assert.ok(gate.tryOpen());
    });

    it('reset (a new credential) prompts again at once, and an old prompt closing does not start a cooldown', () => {
      const clock = manualClock();
      const gate = new AuthFailureGate(60_000, clock.now);
      const old = gate.tryOpen() as number;
      gate.reset();
      const fresh = gate.tryOpen();
      assert.ok(fresh);
      gate.closed(old); // ignored: the fresh prompt is still open
      assert.equal(gate.quiet, true);
      gate.reset();
      gate.closed(fresh as number);
      assert.equal(gate.quiet, false, 'a closed prompt from before the reset changes nothing');
    });
  });

  describe('AuthFailureReporter', () => {
    function reporterWithFakeUi(clock = manualClock()) {
      const prompts: { message: string; answer(signIn: boolean): void }[] = [];
      const hints: string[] = [];
      let signIns = 0;
      const reporter = new AuthFailureReporter(new AuthFailureGate(60_000, clock.now), {
        prompt: (message) => new Promise<boolean>((resolve) => prompts.push({ message, answer: resolve })),
        hint: (message) => void hints.push(message),
        signIn: () => Promise.resolve(++signIns),
      });
      return { reporter, prompts, hints, clock, signIns: () => signIns };
    }

    it('a burst of 401s gives one prompt with the reason; the others a hint; then a cooldown', async () => {
      const { reporter, prompts, hints, clock, signIns } = reporterWithFakeUi();
      for (let i = 0; i < 5; i++) assert.equal(reporter.report(unauthorized('token is expired')), true);
      assert.equal(prompts.length, 1);
      assert.equal(prompts[0].message, 'Your Turso session expired or was revoked: token is expired.');
      assert.equal(hints.length, 4);
      prompts[0].answer(false);
      await settle();
      assert.equal(signIns(), 0, 'dismissed: no sign-in');
      reporter.report(unauthorized('token is expired'));
      assert.equal(prompts.length, 1, 'cooldown');
      clock.advance(60_000);
      reporter.report(unauthorized('token has been revoked'));
      assert.equal(prompts.length, 2);
      assert.equal(prompts[1].message, 'Your Turso session expired or was revoked: token has been revoked.');
      prompts[1].answer(true);
      await settle();
      assert.equal(signIns(), 1, '"Sign In…" runs the sign-in');
    });

    it('leaves every other error to the command', () => {
      const { reporter, prompts, hints } = reporterWithFakeUi();
      for (const kind of ['forbidden', 'network', 'timeout', 'server', 'cancelled'] as const) {
        assert.equal(reporter.report(new TursoApiError({ kind, operation: 'x' })), false, kind);
      }
      assert.equal(reporter.report(new Error('plain')), false);
      assert.equal(reporter.report(undefined), false);
      assert.equal(prompts.length + hints.length, 0);
    });

    it('words the reason without doubling its full stop, with a fallback', () => {
      assert.equal(authFailureMessage(unauthorized('token is expired.')), 'Your Turso session expired or was revoked: token is expired.');
      assert.equal(authFailureMessage(unauthorized()), 'Your Turso session expired or was revoked: Turso rejected the credential.');
    });
  });

  describe('reportAuthFailure (the window-wide reporter, through VS Code)', () => {
    it('shows one warning with "Sign In…", hints in the status bar for the rest, and signs in when chosen', async () => {
      assert.equal(reportAuthFailure(unauthorized('token is expired')), true);
      assert.equal(reportAuthFailure(unauthorized('token is expired')), true);
      assert.equal(reportAuthFailure(new TursoApiError({ kind: 'network', operation: 'x' })), false);
      assert.equal(fakeVscode.messages.length, 1);
      const [shown] = fakeVscode.messages;
      assert.equal(shown.severity, 'warning');
      assert.equal(shown.message, 'Your Turso session expired or was revoked: token is expired.');
      assert.deepEqual(shown.items, [signInAction()]);
      assert.equal(signInAction(), 'Sign In…');
      assert.equal(fakeVscode.statusMessages.length, 1);
      assert.match(fakeVscode.statusMessages[0], /session expired or was revoked/);
      shown.answer(signInAction());
      await settle();
      assert.deepEqual(fakeVscode.commands.map((c) => c.id), ['turso.signIn']);
    });

    it('puts the server\'s reason in the status bar hint inert: no icon syntax, no link, no bidirectional control', () => {
      const reason = '$(pass-filled) all good [fix](command:turso.signOut) \u202Eevil';
      assert.equal(reportAuthFailure(unauthorized(reason)), true);
      assert.equal(reportAuthFailure(unauthorized(reason)), true);
      assert.equal(fakeVscode.statusMessages.length, 1);
      const [hint] = fakeVscode.statusMessages;
      assert.ok(hint.startsWith('$(warning) '), hint);
      assert.doesNotMatch(hint.slice('$(warning) '.length), /\$\(/, hint);
      assert.doesNotMatch(hint, /\]\(/, hint);
      assert.doesNotMatch(hint, /\u202E/, hint);
      assert.match(hint, /\(pass-filled\) all good/);
    });
  });
});

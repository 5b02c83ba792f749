// The status bar item and the expiry warning, driven by the account model's events,
// with `vscode` replaced by the fake (see fakeVscode.ts). Time is fake too (@sinonjs/fake-timers:
// setTimeout, clearTimeout and Date): it moves only when a test ticks the clock.
import * as assert from 'node:assert/strict';
import * as FakeTimers from '@sinonjs/fake-timers';
import { TursoApiError } from '../../../src/platform/errors';
import type { AccountState } from '../../../src/accounts/accountModel';
import { FakeEventEmitter, fakeVscode, loadWithFakeVscode, settle, type FakeStatusBarItem } from './fakeVscode';

type StatusBarModule = typeof import('../../../src/views/statusBar');
type ExpiryWarningModule = typeof import('../../../src/views/expiryWarning');
const { AccountStatusBar } = loadWithFakeVscode<StatusBarModule>('../../../src/views/statusBar');
const { ExpiryWarning, createPermanentTokenAction } = loadWithFakeVscode<ExpiryWarningModule>('../../../src/views/expiryWarning');

const DAY = 24 * 3600;
const HOUR = 3600;
const nowSeconds = () => Date.now() / 1000;
const demo = { username: 'demo', name: 'Demo User', plan: 'developer' };

/** Time stands still until a test ticks the clock (setImmediate stays real, for settle()). */
function installClock(): FakeTimers.Clock {
  return FakeTimers.install({ now: Date.UTC(2026, 5, 1, 9, 30), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
}

class FakeSession {
  signedIn = false;
  readonly changes = new FakeEventEmitter<void>();
  readonly onDidChange = this.changes.event;
  private release!: () => void;
  private readonly read = new Promise<void>((resolve) => (this.release = resolve));
  initialize(): Promise<void> {
    return this.read;
  }
  /** The stored credential has been read. */
  loaded(signedIn: boolean): void {
    this.signedIn = signedIn;
    if (signedIn) this.changes.fire();
    this.release();
  }
  set(signedIn: boolean): void {
    this.signedIn = signedIn;
    this.changes.fire();
  }
}

describe('views: the account in the status bar', () => {
  let clock: FakeTimers.Clock;
  let session: FakeSession;
  let tree: FakeEventEmitter<AccountState>;
  let bar: InstanceType<typeof AccountStatusBar>;
  let item: FakeStatusBarItem;
  beforeEach(() => {
    clock = installClock();
    fakeVscode.reset();
    session = new FakeSession();
    tree = new FakeEventEmitter<AccountState>();
    const model = session;
    bar = new AccountStatusBar({
      get signedIn() {
        return model.signedIn;
      },
      onDidChangeCredential: session.onDidChange,
      onDidLoadAccount: tree.event,
      initialize: () => session.initialize(),
    });
    item = fakeVscode.statusItems[0];
  });
  afterEach(() => {
    bar.dispose();
    clock.uninstall();
  });
  const commandOf = () => (typeof item.command === 'object' ? item.command.command : item.command);

  it('stays hidden until the stored credential was read, then offers Sign In when there is none', async () => {
    assert.equal(item.id, 'turso.account');
    assert.equal(item.visible, false);
    session.loaded(false);
    await settle();
    assert.equal(item.visible, true);
    assert.equal(item.text, '$(account) Sign In to Turso');
    assert.equal(commandOf(), 'turso.signIn');
  });

  it('shows the account the tree loaded, and for a login token when it expires', async () => {
    session.loaded(true);
    await settle();
    assert.equal(item.text, '$(account) Turso', 'signed in, not loaded yet');
    assert.equal(commandOf(), 'turso.tokens.focus');
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 3 * DAY + 60 } });
    assert.equal(item.text, '$(account) demo · expires in 3 days');
    assert.equal(commandOf(), 'turso.tokens.focus');
    assert.equal(item.backgroundColor, undefined);
    assert.match(item.tooltipText, /demo/);
    assert.match(item.tooltipText, /expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 3 days\)/);
    assert.match(item.accessibilityInformation?.label ?? '', /signed in as demo, credential expires in 3 days/);
    tree.fire({ kind: 'signedIn', user: demo, validation: {} });
    assert.equal(item.text, '$(account) demo', 'an API token never expires: nothing more to say');
    assert.match(item.tooltipText, /never expires/);
  });

  it('turns into a warning when Turso rejects the credential, with Sign In as the fix', async () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + DAY * 2 } });
    tree.fire({ kind: 'error', error: new TursoApiError({ kind: 'unauthorized', operation: 'loading', status: 401, serverMessage: 'token is expired' }) });
    assert.equal(item.text, '$(warning) demo · sign in again');
    assert.equal(item.backgroundColor?.id, 'statusBarItem.warningBackground');
    assert.equal(commandOf(), 'turso.signIn');
    assert.match(item.tooltipText, /token is expired/);
    // Signing in again (here or in another window) clears it.
    session.set(true);
    assert.equal(item.text, '$(account) Turso');
    assert.equal(item.backgroundColor, undefined);
  });

  it('keeps the account through a network error, and says what failed', async () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo, validation: {} });
    tree.fire({ kind: 'error', error: new TursoApiError({ kind: 'network', operation: 'loading your Turso account' }) });
    assert.equal(item.text, '$(account) demo');
    assert.match(item.tooltipText, /Couldn't refresh/);
    assert.equal(item.backgroundColor, undefined);
    tree.fire({ kind: 'error', error: new Error('settings') });
    assert.equal(item.text, '$(account) demo');
  });

  it('draws no icon the server named: $(…) in a username is text in the item (the tooltip keeps it as Markdown text)', async () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: { username: '$(verified) admin', name: '$(shield) Admin' }, validation: {} });
    assert.equal(item.text, '$(account) (verified) admin');
    assert.doesNotMatch(item.text.slice('$(account) '.length), /\$\(/);
    tree.fire({ kind: 'error', error: new TursoApiError({ kind: 'unauthorized', operation: 'x', status: 401, serverMessage: '$(check) fine' }) });
    assert.equal(item.text, '$(warning) (verified) admin · sign in again');
    const md = item.tooltip as { supportThemeIcons?: boolean };
    assert.equal(md.supportThemeIcons, false, 'the tooltip draws no icons');
  });

  it('follows sign-out and sign-in from any window', async () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo });
    session.set(false);
    tree.fire({ kind: 'signedOut' });
    assert.equal(item.text, '$(account) Sign In to Turso');
    session.set(true);
    assert.equal(item.text, '$(account) Turso');
    tree.fire({ kind: 'signedIn', user: { username: 'alice' } });
    assert.equal(item.text, '$(account) alice');
  });

  it('reads differently on its own as time passes, with one timer and no request', () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 3 * DAY + 90 } });
    assert.equal(item.text, '$(account) demo · expires in 3 days');
    assert.equal(clock.countTimers(), 1, 'one timer, for the next change of the label');
    clock.tick(DAY * 1000);
    assert.equal(item.text, '$(account) demo · expires in 2 days');
    clock.tick((2 * DAY - 5 * HOUR) * 1000);
    assert.equal(item.text, '$(account) demo · expires in 5 hours');
    clock.tick((5 * HOUR + 29) * 1000);
    assert.equal(item.text, '$(account) demo · expires in 1 minute');
    assert.equal(clock.countTimers(), 1);
  });

  it('shows the expiry at the moment it comes (not before), then stops its timer', () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 30 } });
    assert.equal(item.text, '$(account) demo · expires in less than a minute');
    clock.tick(29_999);
    assert.equal(item.text, '$(account) demo · expires in less than a minute', 'a millisecond before');
    clock.tick(2);
    assert.equal(item.text, '$(warning) demo · expired');
    assert.equal(item.backgroundColor?.id, 'statusBarItem.warningBackground');
    assert.equal(commandOf(), 'turso.signIn');
    assert.equal(clock.countTimers(), 0, 'nothing left to wait for');
  });

  it('keeps no timer for a credential that never expires, nor after dispose', () => {
    session.loaded(true);
    tree.fire({ kind: 'signedIn', user: demo, validation: {} });
    assert.equal(clock.countTimers(), 0);
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + DAY } });
    assert.equal(clock.countTimers(), 1);
    bar.dispose();
    assert.equal(clock.countTimers(), 0);
  });

  it('disposes its item', () => {
    bar.dispose();
    assert.equal(item.disposed, true);
  });
});

describe('views: the one expiry warning', () => {
  let clock: FakeTimers.Clock;
  let tree: FakeEventEmitter<AccountState>;
  let warning: InstanceType<typeof ExpiryWarning>;
  beforeEach(() => {
    clock = installClock();
    fakeVscode.reset();
    tree = new FakeEventEmitter<AccountState>();
    warning = new ExpiryWarning({ onDidLoadAccount: tree.event });
  });
  afterEach(() => {
    warning.dispose();
    clock.uninstall();
  });
  const warnings = () => fakeVscode.messages.filter((m) => m.severity === 'warning');

  it('warns once with less than a day left, offering a permanent token that the create flow makes', async () => {
    const validation = { expiresAt: nowSeconds() + 5 * 3600 + 60 };
    tree.fire({ kind: 'signedIn', user: demo, validation });
    tree.fire({ kind: 'signedIn', user: demo, validation }); // a refresh
    tree.fire({ kind: 'signedIn', user: demo, validation });
    assert.equal(warnings().length, 1);
    const [shown] = warnings();
    assert.match(shown.message, /^Your Turso sign-in as demo expires in 5 hours\./);
    assert.deepEqual(shown.items, [createPermanentTokenAction()]);
    assert.equal(createPermanentTokenAction(), 'Create a Permanent Token');
    shown.answer(createPermanentTokenAction());
    await settle();
    assert.deepEqual(fakeVscode.commands, [{ id: 'turso.createToken', args: [undefined, { useForExtension: true }] }]);
  });

  it('says nothing for API tokens, for more than a day left, or once expired', () => {
    tree.fire({ kind: 'signedIn', user: demo, validation: {} });
    tree.fire({ kind: 'signedIn', user: demo });
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 3 * DAY } });
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() - 10 } });
    tree.fire({ kind: 'error', error: new TursoApiError({ kind: 'unauthorized', operation: 'x', status: 401 }) });
    assert.equal(fakeVscode.messages.length, 0);
  });

  it('a new sign-in that also expires soon gets its own warning', () => {
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 3600 } });
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 7200 } });
    assert.equal(warnings().length, 2);
  });

  it('warns when the one-day mark passes in an open window (a timer, no request), not a millisecond before', () => {
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + DAY + HOUR } });
    assert.equal(warnings().length, 0);
    clock.tick(HOUR * 1000 - 1);
    assert.equal(warnings().length, 0, 'a millisecond before the mark');
    clock.tick(2);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].message, /expires in 24 hours/);
    clock.tick(12 * HOUR * 1000);
    assert.equal(warnings().length, 1, 'once');
  });

  it('waits past the longest timer setTimeout allows (a credential with 60 days left)', () => {
    const mark = Date.now() + 59 * DAY * 1000;
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + 60 * DAY } });
    // Timer by timer (a delay past 2^31-1 ms would fire at once, again and again): at most 24.8 days each.
    let timers = 0;
    while (warnings().length === 0 && timers < 5) {
      clock.next();
      timers++;
    }
    assert.equal(warnings().length, 1, `warned after ${timers} timers, ${((Date.now() - mark) / 1000).toFixed(3)} s from the one-day mark`);
    assert.equal(timers, 3, 'three timers: 24.8 + 24.8 + 9.3 days');
    assert.ok(Date.now() - mark >= 0 && Date.now() - mark <= 5, `at the one-day mark (${Date.now() - mark} ms after it)`);
  });

  it('forgets the timer on sign-out', () => {
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + DAY + 60 } });
    assert.equal(clock.countTimers(), 1);
    tree.fire({ kind: 'signedOut' });
    assert.equal(clock.countTimers(), 0, 'no timer left');
    clock.tick(2 * DAY * 1000);
    assert.equal(warnings().length, 0);
  });

  it('forgets it on dispose too', () => {
    tree.fire({ kind: 'signedIn', user: demo, validation: { expiresAt: nowSeconds() + DAY + 60 } });
    warning.dispose();
    assert.equal(clock.countTimers(), 0);
    clock.tick(2 * DAY * 1000);
    assert.equal(warnings().length, 0);
  });
});

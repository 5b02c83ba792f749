import * as assert from 'node:assert/strict';
import { RESCUE_ITEMS, rescueToken, type RescueUi } from '../../../src/webview/rescue';

const VALUE = 'eyJhbGciOiJFZERTQSJ9.eyJpZCI6InNlY3JldCJ9.c2lnbmF0dXJlLXZhbHVl';

interface Dialog {
  message: string;
  detail: string;
  items: string[];
}

/**
 * A scripted user: answers the modals in order, records everything shown, and holds the value the
 * way the panel does (only `copy`/`saveToEnv` touch it).
 */
class FakeUi implements RescueUi {
  readonly dialogs: Dialog[] = [];
  readonly infos: string[] = [];
  readonly errors: string[] = [];
  clipboard = '';
  copyFailures = 0;
  saveToEnv?: () => Promise<{ saved: boolean; message: string }>;

  constructor(private readonly answers: (string | undefined)[], saveResults?: { saved: boolean; message: string }[]) {
    if (saveResults) {
      this.saveToEnv = async () => saveResults.shift() ?? { saved: false, message: 'no more' };
    }
  }

  async warn(message: string, detail: string, items: string[]): Promise<string | undefined> {
    this.dialogs.push({ message, detail, items });
    if (this.answers.length === 0) {
      throw new Error(`unexpected dialog: ${message}`);
    }
    return this.answers.shift();
  }

  async copy(): Promise<void> {
    if (this.copyFailures > 0) {
      this.copyFailures--;
      throw new Error('clipboard unavailable');
    }
    this.clipboard = VALUE;
  }

  info(message: string): void {
    this.infos.push(message);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  allText(): string {
    return JSON.stringify([this.dialogs, this.infos, this.errors]);
  }
}

describe('rescueToken (the modal when a value was not kept)', () => {
  it('Copy Token copies, confirms, and names the token', async () => {
    const ui = new FakeUi([RESCUE_ITEMS.copy]);
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'modal-copy');
    assert.equal(ui.clipboard, VALUE);
    assert.equal(ui.dialogs.length, 1);
    assert.match(ui.dialogs[0].message, /"ci-bot"/);
    assert.match(ui.dialogs[0].detail, /will not be shown again/);
    assert.deepEqual(ui.dialogs[0].items, [RESCUE_ITEMS.copy]);
    assert.match(ui.infos[0], /clipboard/);
  });

  it('dismissing asks once more; Copy Token there still copies', async () => {
    const ui = new FakeUi([undefined, RESCUE_ITEMS.copy]);
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'modal-copy');
    assert.equal(ui.clipboard, VALUE);
    assert.equal(ui.dialogs.length, 2);
    assert.match(ui.dialogs[1].message, /Discard/);
    assert.deepEqual(ui.dialogs[1].items, [RESCUE_ITEMS.copy, RESCUE_ITEMS.discard]);
  });

  it('Discard on the second question lets the value go', async () => {
    const ui = new FakeUi([undefined, RESCUE_ITEMS.discard]);
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'discarded');
    assert.equal(ui.clipboard, '');
  });

  it('dismissing twice lets the value go', async () => {
    const ui = new FakeUi([undefined, undefined]);
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'discarded');
    assert.equal(ui.dialogs.length, 2);
  });

  it('a failed copy says why and asks again', async () => {
    const ui = new FakeUi([RESCUE_ITEMS.copy, RESCUE_ITEMS.copy]);
    ui.copyFailures = 1;
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'modal-copy');
    assert.equal(ui.dialogs.length, 2);
    assert.match(ui.errors[0], /clipboard unavailable/);
  });

  it('offers Save to .env when it can, and asks again if saving did not happen', async () => {
    const ui = new FakeUi([RESCUE_ITEMS.save, RESCUE_ITEMS.save], [
      { saved: false, message: 'Not saved to .env.' },
      { saved: true, message: 'Created app/.env with TURSO_API_TOKEN.' },
    ]);
    assert.equal(await rescueToken(ui, 'ci-bot', 'closed'), 'env');
    assert.deepEqual(ui.dialogs[0].items, [RESCUE_ITEMS.copy, RESCUE_ITEMS.save]);
    assert.deepEqual(ui.errors, ['Not saved to .env.']);
    assert.deepEqual(ui.infos, ['Created app/.env with TURSO_API_TOKEN.']);
  });

  it('says the panel could not be shown when that is the reason', async () => {
    const ui = new FakeUi([RESCUE_ITEMS.copy]);
    await rescueToken(ui, 'ci-bot', 'failed-to-show');
    assert.match(ui.dialogs[0].message, /could not be shown/);
  });

  it('never puts the value in any text it shows', async () => {
    for (const answers of [[RESCUE_ITEMS.copy], [undefined, RESCUE_ITEMS.copy], [undefined, undefined]]) {
      const ui = new FakeUi(answers);
      await rescueToken(ui, 'ci-bot', 'closed');
      assert.ok(!ui.allText().includes(VALUE));
    }
  });
});

describe('rescueToken for a database token', () => {
  it('names it as a database token, never as an API token', async () => {
    const ui = new FakeUi([RESCUE_ITEMS.copy]);
    assert.equal(await rescueToken(ui, 'database orders', 'closed', 'database'), 'modal-copy');
    assert.equal(ui.dialogs[0].message, 'The database token for database orders was not copied or saved.');
    assert.match(ui.dialogs[0].detail, /TURSO_AUTH_TOKEN/);
    assert.deepEqual(ui.infos, ['The database token for database orders is on the clipboard. Paste it somewhere safe now.']);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

describe('the signed-out welcome', () => {
  it('waits until the stored accounts were read (no "Sign in to Turso" flash for a signed-in person at a cold open)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { viewsWelcome: { view: string; when?: string }[] };
    };
    const welcomes = pkg.contributes.viewsWelcome.filter((w) => w.view === 'turso.tokens');
    assert.ok(welcomes.length > 0, 'the Turso view has welcome content');
    for (const w of welcomes) {
      assert.match(w.when ?? '', /(^|&&\s*)turso\.accountsRead(\s*&&|$)/, `the welcome's when clause "${w.when ?? ''}" requires turso.accountsRead`);
    }
    const session = fs.readFileSync(path.join(ROOT, 'src/auth/session.ts'), 'utf8');
    assert.match(session, /ACCOUNTS_READ_CONTEXT = 'turso\.accountsRead'/);
    const extension = fs.readFileSync(path.join(ROOT, 'src/extension.ts'), 'utf8');
    const read = extension.indexOf('await accounts.initialize()');
    const set = extension.indexOf("executeCommand('setContext', ACCOUNTS_READ_CONTEXT, true)");
    assert.ok(read > 0 && set > read, 'activation sets turso.accountsRead after reading the stored accounts (failed or not)');
  });
});

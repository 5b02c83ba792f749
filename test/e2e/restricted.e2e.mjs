// Restricted Mode, as a person meets it: the packaged extension installed into a second code-server
// whose folder is not trusted (workspace trust on, no startup prompt). The Turso view and the
// account work there; the view says what waits for trust. Screenshots: .test-results/screenshots/<host>/MNN-name.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hostInfo } from '../../scripts/host/hosts.mjs';
import { installExtension, startCodeServer } from '../../scripts/host/code-server.mjs';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e } from './context.mjs';
import { expectWelcome, flowsWithPrefix, pasteToken, USER } from './tokens-ui.mjs';

const flow = flowsWithPrefix('M');

describe('Restricted Mode: a folder not trusted (end to end)', function () {
  let cs;
  let page;
  let mainPage;

  before(async function () {
    this.timeout(150000);
    const info = hostInfo(e2e.host);
    const root = path.join(e2e.base, 'restricted-instance');
    await installExtension(info, { root, vsix: e2e.vsix });
    cs = await startCodeServer(info, { root, untrusted: true, settings: { 'turso.apiBaseUrl': e2e.emulator.url } });
    mainPage = e2e.page;
    page = await mainPage.context().newPage();
    await ui.openWorkbench(page, cs.folderUrl);
    // the flows (and their failure reports) use e2e.page
    e2e.page = page;
  });
  after(async () => {
    if (mainPage) e2e.page = mainPage;
    await page?.close().catch(() => {});
    await cs?.stop();
  });

  flow('untrusted', 'in a folder not trusted: the Turso view, sign in, the account and its tokens; the view says the workspace waits for trust', async (p) => {
    await p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30000 }).catch(() => {
      throw new Error('the workbench does not say "Restricted Mode": the folder was trusted after all');
    });
    await ui.openViewContainer(p, 'Turso');
    await expectWelcome(p);
    await ui.runCommand(p, 'Turso: Sign In…');
    await pasteToken(p, e2e.emulator.demoToken);
    await ui.quickInput(p).waitFor({ state: 'hidden', timeout: 20000 });
    await ui.waitForTreeRow(p, USER);
    await ui.waitForTreeRow(p, 'deploy-bot');
    const message = p.locator('.part.sidebar .message', { hasText: 'Restricted Mode' }).first();
    await message.waitFor({ timeout: 20000 }).catch(() => {
      throw new Error('the Turso view does not say what waits for trust');
    });
    assert.match(await message.innerText(), /not searched/);
  });

  flow('trusted', 'the folder trusted from the Workspace Trust editor: the view\'s message goes and the .env is searched (a token\'s row says where it is used)', async (p) => {
    fs.writeFileSync(path.join(cs.dirs.ws, '.env'), `TURSO_API_TOKEN=${e2e.emulator.demoApiToken}\n`);
    await ui.runCommand(p, 'Workspaces: Manage Workspace Trust');
    const trust = p.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 20000 }).catch(() => {
      throw new Error('the Workspace Trust editor did not offer "Trust"');
    });
    await trust.click();
    await p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'hidden', timeout: 20000 }).catch(() => {
      throw new Error('the workbench still says "Restricted Mode" after Trust');
    });
    await ui.openViewContainer(p, 'Turso');
    await p.locator('.part.sidebar .message', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'hidden', timeout: 20000 }).catch(() => {
      throw new Error('the Turso view still says "Restricted Mode" once the folder is trusted');
    });
    await ui.waitForTreeRow(p, 'used in', 30000);
  });
});

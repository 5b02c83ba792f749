// Ways in, and expiry awareness (issue 5), clicked in the real workbench: the Turso CLI's token
// imported from its settings.json (TURSO_CONFIG_FOLDER of the extension host, set by run.mjs), and
// the warning for a sign-in about to expire, whose "Create a Permanent Token" leads through the
// create flow to "Use for this extension". (The browser sign-in through the emulator's authorize
// page is flow 12 of flows.e2e.mjs.) Screenshots: .test-results/screenshots/<host>/SNN-name.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  answerAccessSteps, closeLeftoverPanels, closeRevealTab, ensureSignedOut, flowsWithPrefix, notificationText, pasteToken,
  prepareWorkbench, proveMinted, regionAround, revealTab, shootInThemes, statusBarAccount, uniqueName, USER, USERNAME, waitForReveal,
  waitForRevealStatus, waitForSignInPicker, waitForStatusBarAccount,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('S');

describe('Signing in: the Turso CLI\'s token, expiry warning (end to end)', function () {
  before(async function () {
    this.timeout(120000);
    await ui.bounded(prepareWorkbench(e2e.page), { crashed: e2e.crashed, timeoutMs: 110000, message: 'opening the workbench' });
  });
  afterEach(async function () {
    const page = e2e.page;
    await ui.closeQuickInput(page).catch(() => {});
    await closeLeftoverPanels(page).catch(() => {});
    fs.rmSync(path.join(e2e.cliConfigDir, 'settings.json'), { force: true });
    await ui.clearNotifications(page).catch(() => {});
  });

  flow('cli-token-import', 'Sign In… offers the Turso CLI\'s token (found in its settings.json) and signs in with it', async (page) => {
    assert.ok(e2e.cliConfigDir, 'run.mjs gives the extension host a TURSO_CONFIG_FOLDER');
    await ensureSignedOut(page);
    await ui.clearNotifications(page);
    const settings = path.join(e2e.cliConfigDir, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ token: e2e.emulator.demoApiToken, username: USERNAME }, null, 2));
    const before = fs.readFileSync(settings, 'utf8');
    await ui.welcomeButton(page, 'Sign In').click();
    const rows = await waitForSignInPicker(page);
    const cli = rows.find((r) => r.startsWith("Use the Turso CLI's token"));
    assert.ok(cli, `the picker offers the CLI's token: ${JSON.stringify(rows)}`);
    assert.ok(cli.includes(`from ${settings}`), `the item says where it was found: "${cli}"`);
    assert.match(cli, /The Turso CLI is signed in as demo\./);
    await (await ui.waitForQuickPickRow(page, "Use the Turso CLI's token")).click();
    await ui.waitForNotification(page, `Signed in to Turso as ${USERNAME}.`);
    await ui.waitForTreeRow(page, USER);
    // the CLI's token is ci-bot's value (an API token): marked in the tree, no expiry in the status bar
    const row = await ui.waitForTreeRow(page, 'signed in with this token');
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /^ci-bot/);
    await waitForStatusBarAccount(page, (t) => t === USERNAME, `"${USERNAME}" without an expiry`);
    assert.equal(fs.readFileSync(settings, 'utf8'), before, "the CLI's settings.json is not written");
  });

  flow('expiry-warning-permanent-token', 'a sign-in expiring in 5 hours warns once, and "Create a Permanent Token" ends signed in with a new API token', async (page, extraShot) => {
    await ensureSignedOut(page);
    await ui.clearNotifications(page);
    const { token } = await emulatorHttp('POST', '/__emulator/login-token', { expiresInSeconds: 5 * 3600 });
    await ui.runCommand(page, 'Turso: Sign In…');
    await pasteToken(page, token);
    await ui.waitForTreeRow(page, USER);
    const warning = await notificationText(page, 'expires in');
    assert.match(warning, /Your Turso sign-in as demo expires in (5|4) hours?\./, `warning: "${warning}"`);
    await waitForStatusBarAccount(page, /^demo · expires in [45] hours?$/, 'the hours left');
    const toast = await ui.waitForNotification(page, 'expires in');
    const action = toast.locator('.monaco-button', { hasText: 'Create a Permanent Token' });
    await action.waitFor({ timeout: 10000 });
    // for the README: the warning alone (the "Signed in" toast closed), once its fade-in is over
    const signedIn = page.locator('.notifications-toasts .notification-toast', { hasText: `Signed in to Turso as ${USERNAME}.` }).first();
    if (await signedIn.isVisible().catch(() => false)) {
      await signedIn.hover();
      await signedIn.locator('.codicon-notifications-clear, .codicon-close').first().click({ timeout: 5000 });
      await signedIn.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {
        throw new Error('the "Signed in to Turso" notification did not close within 10 s');
      });
    }
    await page.mouse.move(900, 450); // off the toasts: no hover highlight in the screenshot
    const settled = page.locator('.notifications-toasts .notification-toast.notification-fade-in-done', { hasText: 'expires in' }).first();
    await settled.waitFor({ timeout: 10000 }).catch(() => {
      throw new Error('the expiry warning did not finish fading in within 10 s');
    });
    await shootInThemes(page, extraShot, 'a-expiry-warning', 'expiry-warning', {
      subject: action, what: 'the expiry warning',
      region: () => regionAround(page, [toast], { from: { right: true, bottom: true } }),
    });
    await action.click();

    // the create flow, with "Use for this extension" as the panel's main action
    const input = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
    const name = uniqueName('e2e-permanent');
    await ui.typeText(input, name);
    await page.keyboard.press('Enter');
    await answerAccessSteps(page, { access: 'org' });
    const { frame, value } = await waitForReveal(page, name);
    assert.match(await frame.locator('#use').getAttribute('class'), /\bprimary\b/, '"Use for this extension" is the primary action');
    assert.match(await frame.locator('#copy').getAttribute('class'), /\bsecondary\b/);
    await proveMinted(name, value);
    await frame.locator('#use').click();
    await waitForRevealStatus(page, 'This extension now uses this token');
    await waitForStatusBarAccount(page, (t) => t === USERNAME, `"${USERNAME}" without an expiry`);
    const row = await ui.waitForTreeRow(page, 'signed in with this token');
    assert.ok((await row.innerText()).includes(name), `the new token is the credential: "${await row.innerText()}"`);
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
    assert.equal(await statusBarAccount(page), USERNAME);
  });
});

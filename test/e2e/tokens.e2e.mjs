// Token lifecycle flows (issue 4), clicked and typed in the real workbench: create each kind through
// the wizard (palette and the view title's `+`), the one-time reveal panel (Copy, Save to .env, Use
// for this extension, closing without copying), validate, revoke (inline trash, context menu, palette,
// and the extension's own credential). Each flow proves what the person saw against the emulator:
// the value shown authenticates as the new token (its jti is the new token's id), one POST was made.
// Screenshots: .test-results/screenshots/<host>/TNN-name.png; the access pick, the reveal panel and the
// revoke confirmation in light and dark themes (copied to docs/images/ when TURSO_UPDATE_DOCS_IMAGES=1,
// newest host).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  answerAccessSteps, chooseFromContextMenu, clearRequests, clickDialogButton, closeLeftoverPanels, closeRevealTab, createRequests, createThroughWizard,
  dismissQuickInput, ensureSignedInWithLoginToken, expectWelcome, flowsWithPrefix, listedTokens, mintOutOfBand, notificationText, openTurso,
  prepareWorkbench, proveMinted, publishToDocs, quickPickRowNamed, readClipboard, regionAround, revealFrame, revealTab, setColorTheme, shootInThemes, signInWith,
  statusBarAccount, typeNameExpectingMessage, uniqueName, waitForDialog, waitForReveal, waitForRevealStatus, waitForRevealTheme,
  waitForStatusBarAccount, writeClipboard,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('T');
const TODAY = () => new Date().toISOString().slice(0, 10);

/** After a create: exactly one POST, for `name`, with `body`; the new row in the tree (no refresh). */
async function expectCreated(page, name, { body, description }) {
  const posts = await createRequests();
  assert.equal(posts.length, 1, `exactly one create request (saw ${posts.map((p) => `${p.method} ${p.path}`).join(', ') || 'none'})`);
  assert.equal(decodeURIComponent(posts[0].path.split('/').pop()), name);
  assert.deepEqual(posts[0].body ?? undefined, body, `the request body: ${JSON.stringify(posts[0].body)}`);
  const row = await ui.waitForTreeRow(page, name);
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  assert.ok(text.includes(description), `the new row shows "${description}" (it shows "${text}")`);
}

/** Waits until the emulator has taken the one request a `times: 1` fault holds (the fault is used up on arrival). */
async function heldRequestArrived(what, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  while ((await emulatorHttp('GET', '/__emulator/faults')).length > 0) {
    if (Date.now() > until) throw new Error(`the emulator did not receive ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50)); // polling the emulator, bounded above
  }
}

describe('API tokens: create, reveal once, validate, revoke (end to end)', function () {
  before(async function () {
    this.timeout(120000);
    await ui.bounded(prepareWorkbench(e2e.page), { crashed: e2e.crashed, timeoutMs: 110000, message: 'opening the workbench' });
    // "Save to .env" adds .env to .gitignore only in a git repository: make the workspace folder one
    fs.rmSync(path.join(e2e.workspaceDir, '.git'), { recursive: true, force: true });
    execFileSync('git', ['init', '-q'], { cwd: e2e.workspaceDir, stdio: 'ignore' });
  });
  afterEach(async function () {
    const page = e2e.page;
    await ui.closeQuickInput(page).catch(() => {});
    await closeLeftoverPanels(page).catch(() => {});
    await emulatorHttp('DELETE', '/__emulator/faults').catch(() => {});
    await ui.clearNotifications(page).catch(() => {});
  });

  flow('create-org-palette', 'create an organization token from the palette: live name checks, the value shown is the one minted, Copy puts exactly it on the clipboard', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await ui.clearNotifications(page);
    await clearRequests();
    const name = uniqueName('e2e-org');
    // for the README, in both themes: the side bar's top and the access pick, from the window's top-left
    // corner (picking a theme closes the wizard: it is started for each shot and cancelled, creating nothing)
    const pick = ui.quickInput(page);
    await shootInThemes(page, extraShot, 'b-access-pick', 'create-scope', {
      show: async () => {
        await ui.runCommand(page, 'Turso: Create API Token…');
        await ui.typeText(await ui.waitForInputBox(page, 'Create API Token (1/2): Name'), name);
        await page.keyboard.press('Enter');
        await ui.waitForInputBox(page, 'Create API Token (2/2): Access');
        await quickPickRowNamed(page, 'Unrestricted (deprecated)');
      },
      hide: () => dismissQuickInput(page, 'the create wizard'),
      subject: pick, what: 'the access pick',
      region: () => regionAround(page, [pick], { from: { left: true, top: true } }),
    });
    await ui.runCommand(page, 'Turso: Create API Token…');
    const input = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
    // the rule is checked as the person types, with the rule in the message
    const bad = await typeNameExpectingMessage(page, input, 'Bad_Name', 'Turso may refuse this name');
    assert.match(bad, /1–32 lowercase letters, digits and hyphens/, `the message states the rule: "${bad}"`);
    await typeNameExpectingMessage(page, input, 'ci-bot', 'You already have an API token named "ci-bot"');
    await extraShot('a-name-taken');
    await input.fill('');
    await ui.typeText(input, name);
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'already' }).waitFor({ state: 'hidden', timeout: 5000 });
    await page.keyboard.press('Enter');
    await answerAccessSteps(page, {
      access: 'org',
      onAccessPick: async (p) => {
        const rows = await ui.quickPickRows(p);
        assert.ok(rows.some((r) => /^Organization\s*Recommended/.test(r)), `Organization is the recommended kind: ${JSON.stringify(rows)}`);
        assert.ok(rows.some((r) => /Unrestricted \(deprecated\)/.test(r)), `"deprecated" is visible: ${JSON.stringify(rows)}`);
        await extraShot('b-access-pick');
      },
    });
    const { frame, value } = await waitForReveal(page, name);
    assert.equal((await frame.locator('#token-scope').innerText()).trim(), 'acme');
    assert.match(await frame.locator('#notice').innerText(), /will not be shown again/);
    await proveMinted(name, value);
    await expectCreated(page, name, { body: { organization: 'acme' }, description: `acme · ${TODAY()}` });
    assert.ok(!(await revealTab(page, name).innerText()).includes(value.slice(0, 12)), 'the value is not in the tab title');

    // Copy: through the extension host to the clipboard; the page confirms
    await writeClipboard(page, 'not the token');
    await frame.locator('#copy').click();
    await waitForRevealStatus(page, 'Copied');
    assert.equal(await readClipboard(page), value, 'the clipboard holds exactly the value shown');
    await extraShot('c-copied');
    // delivered: closing asks nothing
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
    assert.equal(await page.locator('.monaco-dialog-box').isVisible(), false, 'no dialog after closing a copied token');
  });

  flow('create-group-view-title', 'create a group token from the view title\'s +: acme → analytics → read-only + db:mint-token; Save to .env (git repo), a second save asks first', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await clearRequests();
    const envFile = path.join(e2e.workspaceDir, '.env');
    const gitignore = path.join(e2e.workspaceDir, '.gitignore');
    fs.rmSync(envFile, { force: true });
    fs.rmSync(gitignore, { force: true });
    const name = uniqueName('e2e-group');
    await createThroughWizard(page, {
      via: 'view-title', name, access: 'group', group: 'analytics', extraScopes: ['db:mint-token'],
      onScopesPick: async () => { await extraShot('a-scopes-pick'); },
    });
    const { frame, value } = await waitForReveal(page, name);
    assert.equal((await frame.locator('#token-scope').innerText()).trim(), 'acme/analytics · read, db:mint-token');
    const listed = await proveMinted(name, value);
    assert.deepEqual([listed.organization, listed.group, listed.scopes], ['acme', 'analytics', ['read', 'db:mint-token']]);
    await expectCreated(page, name, { body: { organization: 'acme', group: 'analytics', scopes: ['read', 'db:mint-token'] }, description: `acme/analytics · ${TODAY()}` });

    await frame.locator('#save-env').click();
    const saved = await waitForRevealStatus(page, 'TURSO_API_TOKEN');
    assert.match(saved, /^Created ws\/\.env with TURSO_API_TOKEN\. Created ws\/\.gitignore with \.env: git ignores it\./, `status: "${saved}"`);
    assert.equal(fs.readFileSync(envFile, 'utf8'), `TURSO_API_TOKEN=${value}\n`, '.env holds the value');
    assert.match(fs.readFileSync(gitignore, 'utf8'), /^\.env$/m, '.gitignore ignores .env');
    // saving again: asked before the existing entry is overwritten; Cancel keeps it
    await frame.locator('#save-env').click();
    const dialog = await waitForDialog(page, 'already sets TURSO_API_TOKEN');
    assert.match(await dialog.innerText(), /Replace it with the new token\?/);
    await extraShot('b-replace-asked');
    await clickDialogButton(dialog, 'Cancel');
    await waitForRevealStatus(page, 'Not saved');
    assert.equal(fs.readFileSync(envFile, 'utf8'), `TURSO_API_TOKEN=${value}\n`, '.env is unchanged');
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
    assert.equal(await page.locator('.monaco-dialog-box').isVisible(), false, 'saved to .env: closing asks nothing');
  });

  flow('create-unrestricted-replace-env', 'create an unrestricted (deprecated) token, slowly: the panel says "Creating API token…" until the value arrives; Save to .env replaces the old entry once confirmed', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await clearRequests();
    const envFile = path.join(e2e.workspaceDir, '.env');
    fs.writeFileSync(envFile, '# local settings\nOTHER=1\nTURSO_API_TOKEN=old-value\n');
    const name = uniqueName('e2e-all');
    // a slow API, so the panel's waiting state can be seen
    await emulatorHttp('POST', '/__emulator/faults', { kind: 'delay', method: 'POST', path: `/v1/auth/api-tokens/${name}`, delayMs: 4000, times: 1 });
    await createThroughWizard(page, { via: 'palette', name, access: 'unrestricted' });
    await revealTab(page, name).waitFor({ timeout: 20000 });
    const waiting = revealFrame(page);
    await waiting.locator('#pending', { hasText: 'Creating the token' }).waitFor({ timeout: 20000 }).catch(() => {
      throw new Error(`the reveal page of "${name}" did not say it is creating the token while the request ran`);
    });
    assert.equal((await waiting.locator('#heading').innerText()).trim(), 'Creating API token…');
    assert.equal(await waiting.locator('#copy').getAttribute('aria-disabled'), 'true', 'Copy is inert until the value is there');
    assert.equal(((await waiting.locator('#value').textContent()) ?? '').trim(), '', 'no value yet');
    await extraShot('a-creating');
    const { frame, value } = await waitForReveal(page, name);
    assert.equal((await frame.locator('#heading').innerText()).trim(), 'API token created');
    assert.equal(await frame.locator('#pending').count(), 0, 'the waiting line is gone');
    assert.equal(await frame.locator('#copy').getAttribute('aria-disabled'), 'false', 'Copy works now');
    assert.equal((await frame.locator('#token-scope').innerText()).trim(), 'all organizations (unrestricted)');
    const listed = await proveMinted(name, value);
    assert.equal(listed.organization, undefined);
    await expectCreated(page, name, { body: undefined, description: `all · ${TODAY()}` });
    await frame.locator('#save-env').click();
    await clickDialogButton(await waitForDialog(page, 'already sets TURSO_API_TOKEN'), 'Replace');
    await waitForRevealStatus(page, 'Replaced TURSO_API_TOKEN in ws/.env');
    assert.equal(fs.readFileSync(envFile, 'utf8'), `# local settings\nOTHER=1\nTURSO_API_TOKEN=${value}\n`, 'only the entry changed');
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
  });

  flow('close-without-copying', 'closing the panel without copying: a modal warning offers "Copy Token", which copies the value', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await clearRequests();
    const name = uniqueName('e2e-rescue');
    await createThroughWizard(page, { via: 'view-title', name, access: 'org' });
    const { value } = await waitForReveal(page, name);
    await proveMinted(name, value);
    await writeClipboard(page, 'not the token');
    await closeRevealTab(page, name);
    const dialog = await waitForDialog(page, `The API token "${name}" was not copied or saved.`);
    assert.match(await dialog.innerText(), /will not be shown again/);
    await extraShot('a-rescue-modal');
    await clickDialogButton(dialog, 'Copy Token');
    await ui.waitForNotification(page, `The API token "${name}" is on the clipboard`);
    assert.equal(await readClipboard(page), value, 'the clipboard holds exactly the value');
    assert.equal(await revealTab(page, name).isVisible(), false, 'the panel is closed');
  });

  flow('reveal-themes', 'the reveal panel in the Light Modern and Dark Modern themes (screenshots for the README)', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const name = 'ci-deploy-' + uniqueName('x').slice(2);
    await createThroughWizard(page, { via: 'palette', name, access: 'org' });
    const { frame } = await waitForReveal(page, name);
    await ui.clearNotifications(page);
    await setColorTheme(page, 'Light Modern');
    await waitForRevealTheme(page, false);
    // for the README: the window from its top down to below the panel's hints (the rest is empty)
    const region = () => regionAround(page, [revealTab(page, name), frame.locator('ul.hints')], { margin: 24, from: { left: true, top: true, right: true } });
    await frame.locator('#copy').focus();
    const light = await extraShot('a-reveal-light', page, await region());
    await setColorTheme(page, 'Dark Modern');
    await waitForRevealTheme(page, true);
    await frame.locator('#copy').focus();
    const dark = await extraShot('b-reveal-dark', page, await region());
    publishToDocs(light, 'reveal-light.png');
    publishToDocs(dark, 'reveal-dark.png');
    await frame.locator('#copy').click();
    await waitForRevealStatus(page, 'Copied');
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
    await setColorTheme(page, 'Light Modern');
    await ui.waitForTreeRow(page, name);
  });

  flow('use-for-extension', '"Use for this extension": the tree marks the token "signed in with this token"; the status bar shows no expiry', async (page) => {
    await ensureSignedInWithLoginToken(page);
    assert.match(await statusBarAccount(page), /^demo · expires in [67] days$/, 'signed in with a 7-day login token first');
    const name = uniqueName('e2e-use');
    await createThroughWizard(page, { via: 'view-title', name, access: 'unrestricted' });
    const { frame, value } = await waitForReveal(page, name);
    await frame.locator('#use').click();
    await waitForRevealStatus(page, 'This extension now uses this token (account demo).');
    const row = await ui.waitForTreeRow(page, 'signed in with this token');
    assert.ok((await row.innerText()).includes(name), `the marked row is ${name}: "${await row.innerText()}"`);
    await waitForStatusBarAccount(page, (t) => t === 'demo', '"demo" without an expiry');
    await proveMinted(name, value);
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 });
    assert.equal(await page.locator('.monaco-dialog-box').isVisible(), false, 'used: closing asks nothing');
  });

  flow('revoke-self', 'revoking the token the extension is signed in with: the confirmation says so; signed out, the welcome view is back', async (page, extraShot) => {
    await openTurso(page);
    let row = ui.treeRow(page, 'signed in with this token');
    if (!(await row.isVisible().catch(() => false))) {
      // not left signed in with a created token by the previous flow: make one and sign in with it
      const minted = await mintOutOfBand(uniqueName('e2e-self'));
      await signInWith(page, minted.token);
      row = await ui.waitForTreeRow(page, 'signed in with this token');
    }
    const name = (await row.locator('.label-name').innerText()).trim();
    const askToRevoke = async () => {
      await row.hover();
      await row.locator('.action-label[aria-label^="Revoke API Token"]').click();
      return waitForDialog(page, `Revoke API token "${name}"?`);
    };
    // for the README, in both themes: the tree and the confirmation over it, from the window's top-left
    // corner (a theme is picked with no dialog open: it is asked for each shot and cancelled)
    const confirmation = page.locator('.monaco-dialog-box', { hasText: `Revoke API token "${name}"?` }).first();
    await shootInThemes(page, extraShot, 'a-revoke-confirmation', 'revoke', {
      show: askToRevoke,
      hide: () => clickDialogButton(confirmation, 'Cancel'),
      subject: confirmation, what: 'the revoke confirmation',
      region: () => regionAround(page, [confirmation, page.locator('.part.sidebar .monaco-list-row').last()], { margin: 24, from: { left: true, top: true } }),
    });
    assert.ok((await listedTokens()).some((t) => t.name === name), `Cancel kept ${name}`);
    const dialog = await askToRevoke();
    assert.match(await dialog.innerText(), /This extension is signed in with this token: you will be signed out/);
    await extraShot('a-self-revoke-confirmation');
    await clickDialogButton(dialog, 'Revoke');
    await ui.waitForNotification(page, `Revoked API token "${name}". This extension was signed in with it, so you are now signed out.`);
    await expectWelcome(page);
    assert.ok(!(await listedTokens()).some((t) => t.name === name), `the emulator no longer lists ${name}`);
  });

  flow('revoke-inline', 'revoke from the tree\'s inline trash icon: confirmation, "Revoking…" on the row, then the row is gone', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-revoke');
    await mintOutOfBand(name, { organization: 'acme' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    const row = await ui.waitForTreeRow(page, name);
    // a slow API, so the busy row can be seen
    await emulatorHttp('POST', '/__emulator/faults', { kind: 'delay', method: 'DELETE', path: `/v1/auth/api-tokens/${name}`, delayMs: 3000, times: 1 });
    await row.hover();
    await row.locator('.action-label[aria-label^="Revoke API Token"]').click();
    const dialog = await waitForDialog(page, `Revoke API token "${name}"?`);
    assert.match(await dialog.innerText(), /Anything using it stops working at once/);
    assert.doesNotMatch(await dialog.innerText(), /signed out/);
    await clickDialogButton(dialog, 'Revoke');
    await ui.treeRow(page, name).filter({ hasText: 'Revoking…' }).waitFor({ timeout: 5000 }).catch(() => {
      throw new Error(`the row "${name}" did not show "Revoking…" while the request ran`);
    });
    await extraShot('a-revoking');
    await ui.treeRow(page, name).waitFor({ state: 'hidden', timeout: 20000 });
    await ui.waitForNotification(page, `Revoked API token "${name}".`);
    assert.ok(!(await listedTokens()).some((t) => t.name === name), `the emulator no longer lists ${name}`);
    await ui.waitForTreeRow(page, 'ci-bot'); // the rest of the tree is still there
  });

  flow('revoke-context-menu-cancel', 'revoke from the row\'s context menu, then Cancel: nothing is revoked', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-keep');
    await mintOutOfBand(name, { organization: 'acme' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    const row = await ui.waitForTreeRow(page, name);
    const question = `Revoke API token "${name}"?`;
    await chooseFromContextMenu(page, row, 'Revoke API Token', page.locator('.monaco-dialog-box', { hasText: question }).first(), 'the revoke confirmation');
    await clickDialogButton(await waitForDialog(page, question), 'Cancel');
    assert.ok((await listedTokens()).some((t) => t.name === name), `${name} is still listed`);
    assert.match((await ui.treeRow(page, name).innerText()).replace(/\s+/g, ' '), /acme · /);
  });

  flow('revoke-during-refresh', 'while a Refresh is still loading, the rows shown keep working: the inline trash and the context menu ask about their own token', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-busy');
    await mintOutOfBand(name, { organization: 'acme' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await ui.waitForTreeRow(page, name);
    for (const how of ['inline', 'context menu']) {
      // The next token list is held by the API for 8 s: the Refresh is loading while the row is clicked.
      await emulatorHttp('POST', '/__emulator/faults', { kind: 'delay', method: 'GET', path: '/v1/auth/api-tokens', delayMs: 8000, times: 1 });
      await (await ui.viewTitleAction(page, 'Refresh')).click();
      await heldRequestArrived('GET /v1/auth/api-tokens');
      const row = ui.treeRow(page, name);
      if (how === 'inline') {
        await row.hover();
        await row.locator('.action-label[aria-label^="Revoke API Token"]').click();
      } else {
        // The confirmation, or the palette's pick (what a command that got no row opens).
        const opened = page.locator('.monaco-dialog-box, .quick-input-widget:visible').first();
        await chooseFromContextMenu(page, row, 'Revoke API Token', opened, 'a confirmation');
      }
      // Not the palette's pick of tokens: the confirmation of this row's token.
      const dialog = await waitForDialog(page, `Revoke API token "${name}"?`).catch(async (err) => {
        const picker = await ui.quickInput(page).isVisible().catch(() => false);
        throw new Error(`${how}: no confirmation for "${name}"${picker ? ' (the token pick opened instead: the command got no row)' : ''}: ${err.message}`);
      });
      await clickDialogButton(dialog, 'Cancel');
      await ui.waitForTreeRow(page, name);
    }
    assert.ok((await listedTokens()).some((t) => t.name === name), `${name} is still listed`);
  });

  flow('revoke-palette', 'revoke from the palette: a quick pick of the tokens with scope and date, confirmation, gone', async (page) => {
    await ensureSignedInWithLoginToken(page);
    const name = uniqueName('e2e-palette');
    await mintOutOfBand(name, { organization: 'acme' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await ui.waitForTreeRow(page, name);
    await ui.runCommand(page, 'Turso: Revoke API Token…');
    await ui.waitForInputBox(page, 'Revoke API Token');
    // Typed, as a person finds one token among many (the list shows only its first rows).
    await ui.quickInputBox(page).pressSequentially(name);
    const pickRow = await ui.waitForQuickPickRow(page, name);
    const text = (await pickRow.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`^${name}\\s*acme\\s*Created ${TODAY()}`), `the pick shows scope and date: "${text}"`);
    await pickRow.click();
    await clickDialogButton(await waitForDialog(page, `Revoke API token "${name}"?`), 'Revoke');
    await ui.waitForNotification(page, `Revoked API token "${name}".`);
    await ui.treeRow(page, name).waitFor({ state: 'hidden', timeout: 20000 });
    assert.ok(!(await listedTokens()).some((t) => t.name === name), `the emulator no longer lists ${name}`);
  });

  flow('validate-signed-in', 'validate the signed-in credential (palette): valid, expires on <date>', async (page) => {
    await ensureSignedInWithLoginToken(page);
    await ui.runCommand(page, 'Turso: Validate API Token…');
    await ui.waitForInputBox(page, 'Validate API Token');
    await (await ui.waitForQuickPickRow(page, 'The signed-in credential')).click();
    const text = await notificationText(page, 'The signed-in credential');
    assert.match(text, /The signed-in credential \(account demo\) is valid and expires on \d{4}-\d{2}-\d{2} \(in [67] days\)\./);
  });

  flow('validate-pasted', 'validate a pasted token: an API token never expires; a revoked one is "invalid or revoked"', async (page) => {
    await ensureSignedInWithLoginToken(page);
    await ui.runCommand(page, 'Turso: Validate API Token…');
    await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
    let input = await ui.waitForPasswordInput(page, 'Validate API Token');
    await input.fill(e2e.emulator.demoApiToken);
    await page.keyboard.press('Enter');
    assert.match(await notificationText(page, 'never expires'), /The token \(account demo\) is valid and never expires\./);
    await ui.clearNotifications(page);

    const revoked = await mintOutOfBand(uniqueName('e2e-gone'));
    await emulatorHttp('DELETE', `/v1/auth/api-tokens/${revoked.name}`, undefined, e2e.emulator.demoToken);
    await ui.runCommand(page, 'Turso: Validate API Token…');
    await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
    input = await ui.waitForPasswordInput(page, 'Validate API Token');
    await input.fill(revoked.token);
    await page.keyboard.press('Enter');
    assert.match(await notificationText(page, 'invalid or revoked'), /The token is invalid or revoked: token has been revoked\./);
    // a pasted token is not stored: still signed in as before
    assert.match(await statusBarAccount(page), /^demo · expires in [67] days$/);
  });

  flow('create-name-refused', 'a name the rule dislikes: a warning while typing, Enter goes on, Turso refuses it with its reason and Change Name, which keeps the name', async (page) => {
    await ensureSignedInWithLoginToken(page);
    await ui.clearNotifications(page);
    await clearRequests();
    const name = uniqueName('e2e-renamed');
    await ui.runCommand(page, 'Turso: Create API Token…');
    const input = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
    await typeNameExpectingMessage(page, input, 'Bad_Name', 'Turso may refuse this name');
    // a warning, not an error: Enter takes the name (the access step follows)
    await page.keyboard.press('Enter');
    await answerAccessSteps(page, { access: 'org' });
    const refusal = await notificationText(page, 'Couldn\'t create API token "Bad_Name"');
    assert.match(refusal, /name can only contain lowercase letters, numbers, and hyphens/, `the server's reason: "${refusal}"`);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Bad_Name' }).first();
    await toast.locator('.monaco-button', { hasText: /^Change Name$/ }).first().click();
    const again = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
    assert.equal(await again.inputValue(), 'Bad_Name', 'the box asks again with the refused name in it');
    await again.fill('');
    await ui.typeText(again, name);
    await page.keyboard.press('Enter');
    const { frame } = await waitForReveal(page, name);
    const posts = (await createRequests()).map((r) => `${decodeURIComponent(r.path.split('/').pop())} ${r.status}`);
    assert.deepEqual(posts, ['Bad_Name 400', `${name} 200`], 'the refused name was sent, then the new one (the same access, not asked again)');
    await frame.locator('#copy').click();
    await waitForRevealStatus(page, 'Copied');
    await closeRevealTab(page, name);
  });
});

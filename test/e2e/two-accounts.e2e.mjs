// Several Turso accounts, clicked in the real workbench: a second account added with "Sign In…" (the
// emulator's second user, alice), the active account switched from an account's row and from the
// status bar, a token created from alice's row and one revoked from demo's row (the emulator's request
// log says whose credential each request carried), one account signed out from VS Code's Accounts
// menu, and another extension (test/fixtures/session-consumer, installed beside the product by
// run.mjs) asking VS Code for a Turso session after VS Code's consent prompt.
// Screenshots: .test-results/screenshots/<host>/ANN-name.png.
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import {
  answerAccessSteps, clearRequests, clickDialogButton, closeRevealTab, expectWelcome, flowsWithPrefix, mintOutOfBand, openTurso,
  pasteToken, quickPickRowNamed, regionAround, revealTab, shootInThemes, uniqueName, USER, USERNAME, waitForDialog, waitForReveal,
  waitForRevealStatus, waitForStatusBarAccount, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('A');
const ALICE = 'Alice Admin';
const ALICE_USERNAME = 'alice';
const STATUS_BAR_ACCOUNT = '[id="tursotools.turso-api-tokens.turso.account"]';

/**
 * The tree as sections, one per account: [{account: row text, rows: [texts of the rows under it]}],
 * in the order the tree shows them (by the list's data-index, not by DOM order).
 */
async function accountSections(page) {
  const rows = await page.locator('.part.sidebar .monaco-list-row').evaluateAll((els) => els
    .map((el) => ({ index: Number(el.getAttribute('data-index')), level: Number(el.getAttribute('aria-level')), text: el.innerText.replace(/\s+/g, ' ').trim() }))
    .sort((a, b) => a.index - b.index));
  const sections = [];
  for (const r of rows) {
    if (r.level === 1) sections.push({ account: r.text, rows: [] });
    else sections.at(-1)?.rows.push(r.text);
  }
  return sections;
}
/** Waits until the tree's account sections satisfy `test`; returns them. */
async function waitForSections(page, test, what, timeout = 20000) {
  let last = [];
  for (const until = Date.now() + timeout; Date.now() < until;) {
    last = await accountSections(page).catch(() => []);
    if (test(last)) return last;
    await page.waitForTimeout(200); // polling what the tree shows, bounded above
  }
  throw new Error(`the tree did not show ${what} within ${timeout / 1000} s (it shows ${JSON.stringify(last.map((s) => s.account))})`);
}
/** The row (a locator) whose label is `name` in the section of the account row containing `account`. */
async function rowUnder(page, account, name, timeout = 20000) {
  const sections = await waitForSections(page, (s) => s.some((x) => x.account.includes(account) && x.rows.some((r) => r.startsWith(name))),
    `"${name}" under ${account}`, timeout);
  // its position among the rows with that label decides which DOM row it is
  const withName = sections.flatMap((s) => s.rows.filter((r) => r.startsWith(name)).map(() => s.account));
  const nth = withName.findIndex((a) => a.includes(account));
  const rows = await page.locator('.part.sidebar .monaco-list-row').evaluateAll((els, n) => els
    .map((el) => ({ index: Number(el.getAttribute('data-index')), level: Number(el.getAttribute('aria-level')), label: el.querySelector('.label-name')?.textContent?.trim() ?? '' }))
    .filter((r) => r.level > 1 && r.label === n)
    .sort((a, b) => a.index - b.index)
    .map((r) => r.index), name);
  return page.locator(`.part.sidebar .monaco-list-row[data-index="${rows[nth]}"]`);
}
/** The account row whose label is `label`. */
function accountRow(page, label) {
  return page.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

/** Signs out of every account through the palette (the pick's "All accounts" when there are several). */
async function signOutOfAll(page) {
  await openTurso(page);
  const welcome = ui.welcomeButton(page, 'Sign In');
  if (await welcome.isVisible().catch(() => false)) return;
  await ui.runCommand(page, 'Turso: Sign Out');
  const all = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'All accounts' }).first();
  await welcome.or(all).first().waitFor({ timeout: 20000 }).catch(() => {
    throw new Error('"Turso: Sign Out" neither signed out nor offered "All accounts" within 20 s');
  });
  if (await all.isVisible().catch(() => false)) await all.click();
  await expectWelcome(page);
}
/** "Turso: Sign In…" from the palette, pasting `token`; waits for the account's row (`user`). */
async function addAccount(page, token, user) {
  await ui.closeQuickInput(page);
  await ui.runCommand(page, 'Turso: Sign In…');
  await pasteToken(page, token);
  await ui.quickInput(page).waitFor({ state: 'hidden', timeout: 20000 });
  await ui.waitForTreeRow(page, user);
}
/** Precondition of the later flows: demo and alice signed in (alice added second). */
async function ensureTwoAccounts(page) {
  await openTurso(page);
  const sections = await accountSections(page).catch(() => []);
  const has = (label) => sections.some((s) => s.account.startsWith(label));
  if (sections.length === 2 && has(USER) && has(ALICE)) return;
  await signOutOfAll(page);
  await addAccount(page, e2e.emulator.demoToken, USER);
  await addAccount(page, e2e.emulator.aliceToken, ALICE);
  await waitForSections(page, (s) => s.length === 2, 'two accounts');
}
/** The requests the emulator recorded since clearRequests() (method, path, whose credential). */
async function recordedRequests() {
  return emulatorHttp('GET', '/__emulator/requests');
}

describe('Several accounts, the Accounts menu, getSession from another extension (end to end)', function () {
  workbenchHooks();

  flow('second-account', 'signed in as demo, "Sign In…" with alice\'s token adds a second account: two account nodes, alice active; README screenshots', async (page, extraShot) => {
    await signOutOfAll(page);
    await addAccount(page, e2e.emulator.demoToken, USER);
    await waitForStatusBarAccount(page, /^demo\b/, 'demo');
    await addAccount(page, e2e.emulator.aliceToken, ALICE);
    const sections = await waitForSections(page, (s) => s.length === 2 && s.every((x) => x.rows.length > 0), 'two accounts with their tokens');
    const demo = sections.find((s) => s.account.startsWith(USER));
    const alice = sections.find((s) => s.account.startsWith(ALICE));
    assert.ok(demo && alice, `one node per account: ${JSON.stringify(sections.map((s) => s.account))}`);
    assert.match(alice.account, /\bactive\b/, `the account signed in last is the active one: "${alice.account}"`);
    assert.doesNotMatch(demo.account, /\bactive\b/, `demo is not marked active: "${demo.account}"`);
    // each account's own tokens under it
    assert.ok(alice.rows.some((r) => r.startsWith('alice-cli')), `alice's tokens under her node: ${JSON.stringify(alice.rows)}`);
    assert.ok(!demo.rows.some((r) => r.startsWith('alice-cli')), `none of alice's under demo: ${JSON.stringify(demo.rows)}`);
    assert.ok(demo.rows.some((r) => r.startsWith('deploy-bot')), `demo's tokens under demo's node: ${JSON.stringify(demo.rows)}`);
    await waitForStatusBarAccount(page, /^alice\b/, 'alice (the account added last)');
    // for the README: both accounts in the tree, and the status bar's account, in both themes
    const statusItem = page.locator(STATUS_BAR_ACCOUNT);
    await shootInThemes(page, extraShot, 'a-two-accounts', 'accounts', {
      subject: accountRow(page, ALICE), what: 'the two account nodes',
      region: () => regionAround(page, [page.locator('.part.sidebar .monaco-list-row').last(), statusItem], { margin: 24, from: { left: true, top: true, bottom: true } }),
    });
  });

  flow('switch-account', 'switch the active account from demo\'s row, then back to alice from the status bar: the status bar and the tree follow', async (page) => {
    await ensureTwoAccounts(page);
    // from the account row: the inline "Switch Account…" of the inactive account
    const demoRow = accountRow(page, USER);
    await demoRow.hover();
    await demoRow.locator('.action-label[aria-label^="Switch Account"]').click();
    await waitForStatusBarAccount(page, /^demo\b/, 'demo after switching from its row');
    await waitForSections(page, (s) => s.some((x) => x.account.startsWith(USER) && /\bactive\b/.test(x.account))
      && s.some((x) => x.account.startsWith(ALICE) && !/\bactive\b/.test(x.account)), 'demo marked active, alice not');
    // from the status bar: a pick of the accounts
    await page.locator(STATUS_BAR_ACCOUNT).click();
    await ui.waitForInputBox(page, 'Switch Turso Account');
    await (await quickPickRowNamed(page, ALICE_USERNAME)).click();
    await waitForStatusBarAccount(page, /^alice\b/, 'alice after picking her from the status bar');
    await waitForSections(page, (s) => s.some((x) => x.account.startsWith(ALICE) && /\bactive\b/.test(x.account))
      && s.some((x) => x.account.startsWith(USER) && !/\bactive\b/.test(x.account)), 'alice marked active, demo not');
  });

  flow('row-account-credentials', 'create from alice\'s row and revoke from a row under demo (alice active): each request carries that account\'s credential', async (page) => {
    await ensureTwoAccounts(page);
    // alice active (demo's row is the one that is not)
    const statusText = await waitForStatusBarAccount(page, () => true, 'the account');
    if (!/^alice\b/.test(statusText)) {
      await page.locator(STATUS_BAR_ACCOUNT).click();
      await ui.waitForInputBox(page, 'Switch Turso Account');
      await (await quickPickRowNamed(page, ALICE_USERNAME)).click();
      await waitForStatusBarAccount(page, /^alice\b/, 'alice');
    }

    // create from alice's row (its inline "+")
    await clearRequests();
    const name = uniqueName('e2e-alice');
    const aliceRow = accountRow(page, ALICE);
    await aliceRow.hover();
    await aliceRow.locator('.action-label[aria-label^="Create API Token"]').click();
    const input = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
    await ui.typeText(input, name);
    await page.keyboard.press('Enter');
    await answerAccessSteps(page, { access: 'org', org: 'acme' });
    const { frame } = await waitForReveal(page, name);
    const creates = (await recordedRequests()).filter((r) => r.method === 'POST' && /^\/v[12]\/auth\/api-tokens\//.test(r.path));
    assert.equal(creates.length, 1, `one create request: ${JSON.stringify(creates.map((r) => `${r.method} ${r.path}`))}`);
    assert.equal(creates[0].username, ALICE_USERNAME, 'the create went out with alice\'s credential');
    // copied, so closing the panel asks nothing
    await frame.locator('#copy').click();
    await waitForRevealStatus(page, 'Copied');
    await closeRevealTab(page, name);
    await revealTab(page, name).waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {
      throw new Error(`the reveal panel of "${name}" did not close within 10 s of its close button`);
    });
    await rowUnder(page, ALICE, name);

    // revoke a token of demo's, from its row under demo, while alice is the active account
    const demoToken = uniqueName('e2e-demo');
    await mintOutOfBand(demoToken, { organization: 'acme' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    const row = await rowUnder(page, USER, demoToken);
    await clearRequests();
    await row.hover();
    await row.locator('.action-label[aria-label^="Revoke API Token"]').click();
    const dialog = await waitForDialog(page, `Revoke API token "${demoToken}"?`);
    await clickDialogButton(dialog, 'Revoke');
    await ui.waitForNotification(page, `Revoked API token "${demoToken}".`);
    const deletes = (await recordedRequests()).filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 1, `one revoke request: ${JSON.stringify(deletes.map((r) => `${r.method} ${r.path}`))}`);
    assert.match(deletes[0].path, new RegExp(`/${demoToken}$`));
    assert.equal(deletes[0].username, USERNAME, 'the revoke went out with demo\'s credential (the row\'s account, not the active one)');
    await waitForSections(page, (s) => !s.some((x) => x.rows.some((r) => r.startsWith(demoToken))), `no row "${demoToken}"`);
    await waitForStatusBarAccount(page, /^alice\b/, 'alice, still the active account');
  });

  flow('accounts-menu-sign-out', 'sign out of alice from VS Code\'s Accounts menu: her node goes, demo stays and becomes the active account', async (page) => {
    await ensureTwoAccounts(page);
    const accounts = page.locator('.activitybar [aria-label="Accounts"], .activitybar .action-label[aria-label^="Accounts"]').first();
    await accounts.waitFor({ timeout: 20000 }).catch(() => { throw new Error('the Accounts icon in the activity bar (not seen within 20 s)'); });
    await accounts.click();
    const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: `${ALICE_USERNAME} (Turso)` }).first();
    await entry.waitFor({ timeout: 20000 }).catch(async () => {
      const shown = await page.locator('.context-view .monaco-menu').innerText({ timeout: 1000 }).catch(() => '(no menu)');
      throw new Error(`"${ALICE_USERNAME} (Turso)" in the Accounts menu (not seen within 20 s; the menu shows: ${shown.replace(/\s+/g, ' ')})`);
    });
    await entry.hover();
    const signOut = page.locator('.context-view .monaco-submenu .action-item, .context-view .monaco-menu .monaco-menu .action-item', { hasText: /^Sign Out$/ }).first();
    await signOut.waitFor({ timeout: 10000 }).catch(async () => {
      const shown = await page.locator('.context-view').innerText({ timeout: 1000 }).catch(() => '(no menu)');
      throw new Error(`"Sign Out" in alice's submenu (not seen within 10 s; on screen: ${shown.replace(/\s+/g, ' ')})`);
    });
    // a menu ignores a click that lands while it is still opening: hover until the entry is focused,
    // click, and click again while the menu is still open and no confirmation came (as a person would)
    const confirmation = page.locator('.monaco-dialog-box', { hasText: ALICE_USERNAME }).first();
    for (let i = 0; i < 3 && !(await confirmation.isVisible().catch(() => false)); i++) {
      await signOut.hover().catch(() => {});
      await signOut.and(page.locator('.focused')).waitFor({ timeout: 2000 }).catch(() => {});
      await signOut.click().catch(() => {});
      await confirmation.waitFor({ timeout: 2000 }).catch(() => {});
    }
    const dialog = await waitForDialog(page, ALICE_USERNAME);
    await clickDialogButton(dialog, 'Sign Out');
    const sections = await waitForSections(page, (s) => s.length === 1, 'one account');
    assert.ok(sections[0].account.startsWith(USER), `demo's node stays: ${JSON.stringify(sections.map((s) => s.account))}`);
    assert.ok(sections[0].rows.some((r) => r.startsWith('deploy-bot')), `with demo's tokens: ${JSON.stringify(sections[0].rows)}`);
    await waitForStatusBarAccount(page, /^demo\b/, 'demo, the account left');
  });

  flow('get-session-consent', 'another extension calls getSession(\'turso\', { createIfNone }): VS Code asks for consent, Allow, it gets demo\'s session', async (page) => {
    await openTurso(page);
    const sections = await accountSections(page).catch(() => []);
    if (!(sections.length === 1 && sections[0].account.startsWith(USER))) {
      await signOutOfAll(page);
      await addAccount(page, e2e.emulator.demoToken, USER);
    }
    await ui.runCommand(page, 'Turso Session Consumer: Get Turso Session');
    const dialog = await waitForDialog(page, 'wants to sign in using Turso');
    assert.match(await dialog.innerText(), /Turso Session Consumer/, 'the prompt names the extension that asks');
    await clickDialogButton(dialog, 'Allow');
    // a provider with several accounts may be asked which one: demo
    const result = page.locator('.notifications-toasts .notification-toast', { hasText: 'Turso session for' }).first();
    const pickRow = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: USERNAME }).first();
    await result.or(pickRow).first().waitFor({ timeout: 20000 }).catch(() => {
      throw new Error('neither the consumer\'s result nor an account pick within 20 s of Allow');
    });
    if (!(await result.isVisible().catch(() => false))) await pickRow.click();
    const text = (await (await ui.waitForNotification(page, 'Turso session for')).innerText()).replace(/\s+/g, ' ');
    const m = /Turso session for (\S+): token present \((\d+) characters\)/.exec(text);
    assert.ok(m, `the consumer shows the session: "${text}"`);
    assert.equal(m[1], USERNAME, 'the session carries the account\'s username as label');
    assert.equal(Number(m[2]), e2e.emulator.demoToken.length, 'the session\'s token is demo\'s credential (its length)');
  });
});

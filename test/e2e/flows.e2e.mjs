// The product's user flows, clicked and typed in the real workbench as a person would.
// Runs under test/e2e/run.mjs (which starts the emulator, code-server with the VSIX, and chromium).
// Each flow ends with a screenshot .test-results/screenshots/<host>/NN-name.png; a failing flow
// saves NN-name-FAILED.png and NN-name-FAILED.txt (the notifications, tree rows and input on screen).
// Flows run in order and build on each other, but each first gets the state it needs
// (signed in / signed out) through the UI, so one failure does not cascade.
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import { dismissQuickInput, flowsWithPrefix, regionAround, shootInThemes } from './tokens-ui.mjs';

const USER = 'Demo User';
const USERNAME = 'demo';
const SEED_TOKENS = [
  ['ci-bot', 'all · 2026-04-12'],
  ['deploy-bot', 'acme · 2026-05-02'],
  ['provisioner', 'acme/default · 2026-05-21'],
];
const SIGN_IN_TITLE = 'Sign In to Turso';

/** One user flow: a numbered test with its screenshot, and what was on screen when it fails. */
const flow = flowsWithPrefix('');

async function openTurso(page) {
  await ui.openViewContainer(page, 'Turso');
}
async function isSignedInView(page) {
  return ui.treeRow(page, USER).isVisible().catch(() => false);
}
async function isSignedOutView(page) {
  return ui.welcomeButton(page, 'Sign In').isVisible().catch(() => false);
}
/** Waits for the welcome content (signed out) to show its "Sign In…" button. */
async function expectWelcome(page, timeout = 20000) {
  await ui.welcomeButton(page, 'Sign In').waitFor({ timeout }).catch(() => {
    throw new Error(`the welcome view's "Sign In…" button did not show within ${timeout / 1000} s`);
  });
}
async function expectSignedInTree(page) {
  await ui.waitForTreeRow(page, USER);
  for (const [name, description] of SEED_TOKENS) {
    const row = await ui.waitForTreeRow(page, name);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(description), `row "${name}" shows "${description}" (it shows "${text}")`);
  }
}
/** The sign-in picker ("Sign In to Turso": browser / Turso CLI's token / paste) is showing; returns its rows' text. */
async function waitForSignInPicker(page) {
  await ui.waitForInputBox(page, SIGN_IN_TITLE);
  await ui.waitForQuickPickRow(page, 'Paste a token');
  return ui.quickPickRows(page);
}
/** From the sign-in picker: "Paste a token", paste it in the (password) input box, Enter. */
async function signInThroughInput(page, token) {
  await waitForSignInPicker(page);
  await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
  const input = await ui.waitForPasswordInput(page, SIGN_IN_TITLE);
  await input.fill(token); // a token is pasted, not typed
  await page.keyboard.press('Enter');
}
/** Precondition: signed in (through the palette, only when not already). */
async function ensureSignedIn(page) {
  await openTurso(page);
  if (await isSignedInView(page)) return;
  await ui.runCommand(page, 'Turso: Sign In…');
  await signInThroughInput(page, e2e.emulator.demoToken);
  await ui.waitForTreeRow(page, USER);
}
/** Precondition: signed out (through the palette, only when not already). */
async function ensureSignedOut(page) {
  await openTurso(page);
  if (await isSignedOutView(page)) return;
  await ui.closeQuickInput(page);
  await ui.runCommand(page, 'Turso: Sign Out');
  await expectWelcome(page);
}
/** A JWT the emulator did not issue: the demo token with its signature altered. */
function forgedToken() {
  const [h, p, s] = e2e.emulator.demoToken.split('.');
  return [h, p, (s[0] === 'A' ? 'B' : 'A') + s.slice(1)].join('.');
}

describe(`Turso API Tokens, end to end`, function () {
  before(async function () {
    this.timeout(120000);
    await ui.bounded(ui.openWorkbench(e2e.page, e2e.workbenchUrl), { crashed: e2e.crashed, timeoutMs: 110000, message: 'opening the workbench' });
  });
  afterEach(async function () {
    await ui.closeQuickInput(e2e.page).catch(() => {});
    await emulatorHttp('DELETE', '/__emulator/faults').catch(() => {});
  });

  flow('welcome-view', 'signed out, the Turso view shows its welcome content with "Sign In…"', async (page) => {
    await openTurso(page);
    await ui.resizeSidebar(page, 440);
    // First load: the extension activates when its view opens. Flows of other files may have run
    // before in this window and left an account signed in: then it is signed out first.
    const welcome = ui.welcomeButton(page, 'Sign In');
    const signedIn = page.locator('.part.sidebar .monaco-list-row', { hasText: USER }).first();
    await welcome.or(signedIn).first().waitFor({ timeout: 60000 })
      .catch(() => { throw new Error('neither the welcome view nor a signed-in account showed within 60 s of opening the Turso view'); });
    if (!(await welcome.isVisible().catch(() => false))) {
      await ui.runCommand(page, 'Turso: Sign Out');
    }
    await expectWelcome(page, 20000);
    assert.ok(await sidebarText(page).then((t) => /Sign in to Turso/i.test(t)), 'the welcome text asks to sign in');
  });

  flow('sign-in-picker', 'Sign In… offers the ways to sign in (browser, paste a token); README screenshots in both themes', async (page, extraShot) => {
    await ensureSignedOut(page);
    await ui.welcomeButton(page, 'Sign In').click();
    const rows = await waitForSignInPicker(page);
    assert.ok(rows.some((r) => /Sign in with the browser/i.test(r)), `the picker offers the browser: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => /Paste a token/i.test(r)), `the picker offers pasting a token: ${JSON.stringify(rows)}`);
    // for the README: the welcome view with the picker open over it, from the window's top-left corner,
    // in both themes (picking a theme closes the picker: it is opened again for each shot)
    await ui.closeQuickInput(page);
    const picker = ui.quickInput(page);
    await shootInThemes(page, extraShot, 'a-sign-in', 'sign-in', {
      show: async () => {
        await ui.welcomeButton(page, 'Sign In').click();
        await waitForSignInPicker(page);
      },
      hide: () => dismissQuickInput(page, 'the sign-in picker'),
      subject: picker, what: 'the sign-in picker',
      // the welcome content's last paragraph or button (the content box itself fills the side bar)
      region: () => regionAround(page, [picker, page.locator('.part.sidebar .welcome-view-content > *').last()], { from: { left: true, top: true } }),
    });
    assert.equal(await picker.isVisible(), false, 'the picker is closed again');
    assert.equal(await isSignedOutView(page), true, 'still signed out');
  });

  flow('sign-in-welcome-button', 'sign in from the welcome view\'s button', async (page) => {
    await ensureSignedOut(page);
    await ui.welcomeButton(page, 'Sign In').click();
    await signInThroughInput(page, e2e.emulator.demoToken);
    await ui.waitForNotification(page, `Signed in to Turso as ${USERNAME}.`);
    await ui.quickInput(page).waitFor({ state: 'hidden', timeout: 10000 });
    await ui.waitForTreeRow(page, USER);
  });

  flow('tree-user-and-tokens', 'the tree shows the user (with plan) and their API tokens; README screenshots in both themes', async (page, extraShot) => {
    await ensureSignedIn(page);
    await expectSignedInTree(page);
    const userRow = (await ui.treeRow(page, USER).innerText()).replace(/\s+/g, ' ');
    assert.ok(userRow.includes('developer'), `the user row shows the plan (it shows "${userRow}")`);
    await ui.clearNotifications(page);
    // for the README: the activity bar and the Turso side bar (below the title bar) down to below its last row
    const bar = ui.sidebar(page);
    await shootInThemes(page, extraShot, 'a-tree', 'tree', {
      subject: ui.treeRow(page, USER), what: 'the tree',
      region: async () => {
        const { y, height } = await regionAround(page, [page.locator('.part.sidebar .monaco-list-row').last()], { margin: 24 });
        const r = await regionAround(page, [bar], { margin: 0, from: { left: true } });
        return { ...r, height: y + height - r.y };
      },
    });
  });

  flow('refresh-shows-new-token', 'Refresh (view title action) shows a token created elsewhere', async (page) => {
    await ensureSignedIn(page);
    const name = `made-elsewhere-${Date.now() % 100000}`;
    await emulatorHttp('POST', `/v1/auth/api-tokens/${name}`, undefined, e2e.emulator.demoToken);
    assert.equal(await ui.treeRow(page, name).isVisible(), false, 'the new token is not shown before Refresh');
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await ui.waitForTreeRow(page, name);
  });

  flow('expired-session-row', 'a session the API rejects shows "Sign in again" in the tree; Refresh recovers', async (page, extraShot) => {
    await ensureSignedIn(page);
    await emulatorHttp('POST', '/__emulator/faults', { kind: 'status', status: 401, error: 'token expired' });
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await ui.waitForTreeRow(page, 'Sign in again');
    await extraShot('a-expired-session-row-shown');
    await emulatorHttp('DELETE', '/__emulator/faults');
    await (await ui.viewTitleAction(page, 'Refresh')).click();
    await ui.waitForTreeRow(page, USER);
  });

  flow('sign-out-view-menu', 'sign out from the view\'s "…" menu: the welcome view is back', async (page) => {
    await ensureSignedIn(page);
    await ui.clearNotifications(page);
    await ui.viewMenuAction(page, 'Sign Out');
    await ui.waitForNotification(page, 'Signed out of Turso.');
    await expectWelcome(page);
  });

  flow('wrong-token-rejected', 'a wrong token is rejected with the server\'s reason; the input stays open', async (page) => {
    await ensureSignedOut(page);
    await ui.runCommand(page, 'Turso: Sign In…');
    await signInThroughInput(page, forgedToken());
    const msg = await ui.waitForInputMessage(page, 'Turso rejected this token');
    assert.match(msg, /^Turso rejected this token\W+\S/, `the message gives the server's reason: "${msg}"`);
    await ui.waitForPasswordInput(page, SIGN_IN_TITLE, 2000); // still open, nothing typed is lost
    assert.equal(await isSignedOutView(page), true, 'still signed out');
  });

  flow('sign-in-palette', 'sign in from the command palette (F1 → "Turso: Sign In…")', async (page) => {
    await ensureSignedOut(page);
    await ui.clearNotifications(page);
    await ui.runCommand(page, 'Turso: Sign In…');
    await signInThroughInput(page, e2e.emulator.demoToken);
    await ui.waitForNotification(page, `Signed in to Turso as ${USERNAME}.`);
    await expectSignedInTree(page);
  });

  flow('reload-keeps-session', 'the session survives a reload of the window (credential in SecretStorage)', async (page) => {
    await ensureSignedIn(page);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await ui.openWorkbench(page, e2e.workbenchUrl);
    await openTurso(page);
    await expectSignedInTree(page);
  });

  // Desktop VS Code pushes SecretStorage changes to every window (onDidChange). code-server keeps
  // secrets in the browser and, as checked on 1.100 and 1.139, does not push them to other windows:
  // there the other window sees the sign-out when it reloads. The flow accepts both, and says which.
  flow('other-window-sign-out', 'a sign-out in another window applies to this one (live, or after a reload on web hosts)', async (page) => {
    await ensureSignedIn(page);
    const other = await page.context().newPage();
    try {
      await ui.openWorkbench(other, e2e.workbenchUrl);
      await openTurso(other);
      await ui.waitForTreeRow(other, USER);
      await ui.runCommand(other, 'Turso: Sign Out');
      await ui.waitForNotification(other, 'Signed out of Turso.');
      await expectWelcome(other);
    } finally {
      await other.close().catch(() => {});
    }
    await page.bringToFront();
    if (await ui.welcomeButton(page, 'Sign In').waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      console.log('      (this window followed the sign-out live)');
      return;
    }
    console.log('      (this window did not follow live — expected on code-server; reloading it)');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await ui.openWorkbench(page, e2e.workbenchUrl);
    await openTurso(page);
    await expectWelcome(page);
  });

  // The Turso CLI's browser sign-in: VS Code opens Turso's authorize page (here the emulator's), the
  // person clicks Authorize, the page redirects to the extension's one-shot listener on localhost.
  // In code-server, VS Code rewrites a localhost URL opened with openExternal to code-server's port
  // proxy (/proxy/<port>/), so the emulator's page must work under a path prefix.
  flow('sign-in-browser', 'sign in with the browser: authorize on Turso\'s page, back signed in', async (page, extraShot, skip) => {
    await ensureSignedOut(page);
    await ui.clearNotifications(page);
    await ui.runCommand(page, 'Turso: Sign In…');
    await waitForSignInPicker(page);
    const popup = page.context().waitForEvent('page', { timeout: 30000 }).catch(() => null);
    await (await ui.waitForQuickPickRow(page, 'Sign in with the browser')).click();
    // VS Code may first ask whether to open the external site (link protection): a person clicks Open
    const open = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ }).first();
    if (await Promise.race([popup.then(() => false), open.waitFor({ timeout: 30000 }).then(() => true, () => false)])) await open.click();
    const auth = await popup;
    if (!auth) throw new Error('no browser tab opened for the sign-in within 30 s');
    try {
      await auth.waitForLoadState('domcontentloaded', { timeout: 20000 }).catch(() => {});
      const opened = new URL(auth.url());
      if (/^\/proxy\/\d+\/?$/.test(opened.pathname) && !opened.search) {
        skip(`blocked by the host: code-server ${e2e.codeServer} dropped the query of the authorize URL when it rewrote the emulator's localhost URL to ${opened.pathname} (openExternal); against https://api.turso.tech there is no rewrite`);
      }
      const authorize = auth.locator('#authorize-button, button:has-text("Authorize")').first();
      await authorize.waitFor({ timeout: 20000 }).catch(() => {
        throw new Error(`Turso's authorize page did not show an Authorize button (${auth.url()})`);
      });
      await extraShot('a-browser-authorize-page', auth);
      await authorize.click();
      // back on the extension's listener (http://localhost:<port>/?jwt=…), or lost outside the proxy
      let body = '';
      for (const until = Date.now() + 20000; Date.now() < until;) {
        body = (await auth.locator('body').innerText({ timeout: 2000 }).catch(() => '')).trim();
        if (/^http:\/\/(localhost|127\.0\.0\.1):\d+\/\?/.test(auth.url()) && body) break;
        if (/Unsupported method POST/i.test(body)) break;
        await auth.waitForTimeout(200); // polling what the tab shows, bounded above
      }
      if (/Unsupported method POST/i.test(body)) {
        skip(`blocked by the emulator: its authorize form posts to the absolute path "/", which leaves code-server's /proxy/<port>/ (${auth.url()}); a relative form action fixes it`);
      }
      await extraShot('b-browser-back-to-vscode', auth);
    } finally {
      await auth.close().catch(() => {});
    }
    await page.bringToFront();
    await ui.waitForNotification(page, `Signed in to Turso as ${USERNAME}.`);
    await expectSignedInTree(page);
  });

  flow('sign-out-palette', 'sign out from the command palette (F1 → "Turso: Sign Out")', async (page) => {
    await ensureSignedIn(page);
    await ui.clearNotifications(page);
    await ui.runCommand(page, 'Turso: Sign Out');
    await ui.waitForNotification(page, 'Signed out of Turso.');
    await expectWelcome(page);
  });
});

async function sidebarText(page) {
  return (await ui.sidebar(page).innerText({ timeout: 5000 })).replace(/\s+/g, ' ');
}

// Helpers shared by the token-lifecycle and sign-in-ways flows (tokens.e2e.mjs, signin-ways.e2e.mjs):
// a numbered flow with its screenshot and diagnostics, the session preconditions, the reveal panel
// (a webview: outer iframe.webview.ready → inner #active-frame), modal dialogs, the clipboard, the
// account in the status bar, and the emulator's view of what happened (its request log and API).
// Everything is done through the workbench as a person would; the emulator is only asked to prove
// what the person saw (that a value is the minted token, that one request was made).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { REPO } from '../../scripts/host/hosts.mjs';
import { e2e, emulatorHttp } from './context.mjs';

export const USER = 'Demo User';
export const USERNAME = 'demo';
export const SIGN_IN_TITLE = 'Sign In to Turso';
export const REVEAL_TAB = 'New API token';
const STATUS_BAR_ACCOUNT = '[id="tursotools.turso-api-tokens.turso.account"]';

/**
 * `flow(name, title, fn)` for one file: numbered `<prefix>NN`, a screenshot at the end
 * (.test-results/screenshots/<host>/<prefix>NN-name.png), and on failure NN-name-FAILED.png + .txt
 * with what was on screen. `fn(page, extraShot, skip)`; `skip(reason)` marks the flow skipped;
 * `extraShot(suffix, page?, clip?)` saves <prefix>NN<suffix>.png (of the region `clip` when given).
 */
export function flowsWithPrefix(prefix) {
  let counter = 0;
  return function flow(name, title, fn) {
    const nn = `${prefix}${String(++counter).padStart(2, '0')}`;
    it(`${nn} ${title}`, async function () {
      const page = e2e.page;
      let skipped;
      const skip = (reason) => {
        skipped = reason;
        throw new Error(`skipped: ${reason}`);
      };
      try {
        const extraShot = (suffix, p = page, clip) => (clip
          ? shootClipped(p, path.join(e2e.shotsDir, `${nn}${suffix}.png`), clip)
          : ui.screenshot(p, path.join(e2e.shotsDir, `${nn}${suffix}.png`)));
        await ui.bounded(fn(page, extraShot, skip), { crashed: e2e.crashed, timeoutMs: this.timeout() - 5000, message: `flow ${nn}-${name}` });
        await ui.screenshot(page, path.join(e2e.shotsDir, `${nn}-${name}.png`));
      } catch (err) {
        if (skipped) {
          console.log(`      SKIPPED: ${skipped}`);
          await ui.screenshot(page, path.join(e2e.shotsDir, `${nn}-${name}-SKIPPED.png`));
          this.skip();
        }
        const shot = await ui.screenshot(page, path.join(e2e.shotsDir, `${nn}-${name}-FAILED.png`));
        const notes = await ui.visibleNotifications(page).catch(() => []);
        const rows = await ui.treeRows(page).catch(() => []);
        const input = await page.locator('.quick-input-widget').filter({ visible: true }).innerText({ timeout: 1000 }).catch(() => '');
        const dialog = await page.locator('.monaco-dialog-box').filter({ visible: true }).innerText({ timeout: 1000 }).catch(() => '');
        const panel = await revealFrame(page).locator('main').innerText({ timeout: 1000 }).catch(() => '');
        const report = [
          `flow ${nn}-${name} failed on ${e2e.host}: ${err.message}`,
          `notifications on screen: ${notes.length ? notes.map((n) => `\n  - ${n}`).join('') : '(none)'}`,
          `side bar tree rows: ${rows.length ? rows.map((r) => `\n  - ${r}`).join('') : '(none)'}`,
          `quick input: ${input ? input.replace(/\s+/g, ' ') : '(closed)'}`,
          `dialog: ${dialog ? dialog.replace(/\s+/g, ' ') : '(none)'}`,
          // the panel's text holds a token value of the emulator (a fake credential): fine in test output
          `reveal panel: ${panel ? panel.replace(/\s+/g, ' ').slice(0, 600) : '(none)'}`,
          `status bar account: ${await statusBarAccount(page).catch(() => '(none)')}`,
          `screenshot: ${shot}`,
        ].join('\n');
        fs.writeFileSync(shot.replace(/\.png$/, '.txt'), report + '\n');
        err.message = report;
        throw err;
      }
    });
  };
}

/** Opens the workbench when this file runs first (e.g. with --grep), grants the clipboard to it. */
export async function prepareWorkbench(page) {
  if (!/[?&]folder=/.test(page.url()) || !(await page.locator('.monaco-workbench').isVisible().catch(() => false))) {
    await ui.openWorkbench(page, e2e.workbenchUrl);
  }
  // The Copy button writes through VS Code's clipboard service (navigator.clipboard in the browser);
  // the flows read it back with navigator.clipboard.readText() in the workbench page.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(e2e.workbenchUrl).origin });
  await openTurso(page);
  await ui.resizeSidebar(page, 440);
}

/** A name no earlier run of this emulator has used: `<stem>-<5 base-36 digits>` (≤ 32 characters). */
export function uniqueName(stem) {
  return `${stem}-${(Date.now() + Math.floor(Math.random() * 1e6)).toString(36).slice(-5)}`;
}

// ---- session -------------------------------------------------------------------------------------

export async function openTurso(page) {
  await ui.openViewContainer(page, 'Turso');
}
export async function expectWelcome(page, timeout = 20000) {
  await ui.welcomeButton(page, 'Sign In').waitFor({ timeout }).catch(() => {
    throw new Error(`the welcome view's "Sign In…" button did not show within ${timeout / 1000} s`);
  });
}
export async function waitForSignInPicker(page) {
  await ui.waitForInputBox(page, SIGN_IN_TITLE);
  await ui.waitForQuickPickRow(page, 'Paste a token');
  return ui.quickPickRows(page);
}
/** From the sign-in picker: "Paste a token", paste it, Enter. */
export async function pasteToken(page, token) {
  await waitForSignInPicker(page);
  await (await ui.waitForQuickPickRow(page, 'Paste a token')).click();
  const input = await ui.waitForPasswordInput(page, SIGN_IN_TITLE);
  await input.fill(token);
  await page.keyboard.press('Enter');
}
/** Signs in through the palette with `token` (whatever the current state), and waits for the tree. */
export async function signInWith(page, token) {
  await openTurso(page);
  await ui.closeQuickInput(page);
  await ui.runCommand(page, 'Turso: Sign In…');
  await pasteToken(page, token);
  await ui.quickInput(page).waitFor({ state: 'hidden', timeout: 20000 });
  await ui.waitForTreeRow(page, USER);
}
/**
 * Precondition of most token flows: signed in with the demo user's 7-day login token (the tree lists
 * every token, ci-bot included; the status bar shows the expiry). Signs in again only when needed.
 */
export async function ensureSignedInWithLoginToken(page) {
  await openTurso(page);
  const rows = (await ui.treeRows(page).catch(() => [])).join('\n');
  const account = await statusBarAccount(page).catch(() => '');
  if (rows.includes(USER) && rows.includes('ci-bot') && !rows.includes('signed in with this token') && /expires in [67] days/.test(account)) return;
  await signInWith(page, e2e.emulator.demoToken);
  await ui.waitForTreeRow(page, 'ci-bot');
}
export async function ensureSignedOut(page) {
  await openTurso(page);
  if (await ui.welcomeButton(page, 'Sign In').isVisible().catch(() => false)) return;
  await ui.closeQuickInput(page);
  await ui.runCommand(page, 'Turso: Sign Out');
  await expectWelcome(page);
}

/** The text of the account item in the status bar ("demo · expires in 6 days"). */
export async function statusBarAccount(page, timeout = 5000) {
  const item = page.locator(STATUS_BAR_ACCOUNT);
  await item.waitFor({ timeout });
  return (await item.innerText({ timeout })).replace(/\s+/g, ' ').trim();
}
/** Waits until the status bar's account item satisfies `test` (a RegExp or a predicate); returns its text. */
export async function waitForStatusBarAccount(page, test, what, timeout = 20000) {
  const ok = typeof test === 'function' ? test : (t) => test.test(t);
  let last = '';
  for (const until = Date.now() + timeout; Date.now() < until;) {
    last = await statusBarAccount(page, 2000).catch(() => '');
    if (last && ok(last)) return last;
    await page.waitForTimeout(200); // polling what the status bar shows, bounded above
  }
  throw new Error(`the status bar's Turso account item did not show ${what} within ${timeout / 1000} s (it shows "${last}")`);
}

// ---- the create wizard ---------------------------------------------------------------------------

/** Types `name` in the wizard's name step and waits for the validation message containing `expected`. */
export async function typeNameExpectingMessage(page, input, name, expected) {
  await input.fill('');
  await ui.typeText(input, name);
  return ui.waitForInputMessage(page, expected);
}

/**
 * Starts "Create API Token" (from the palette or the view title's `+`) and goes through the wizard:
 * name, access (org | group | unrestricted), organization, group, scopes (`extraScopes` are ticked
 * besides the preselected read-only). `onAccessPick(page)` runs while the access pick shows.
 */
export async function createThroughWizard(page, { via = 'palette', name, access, org = 'acme', group, extraScopes = [], onAccessPick, onScopesPick }) {
  await ui.closeQuickInput(page);
  if (via === 'palette') await ui.runCommand(page, 'Turso: Create API Token…');
  else await (await ui.viewTitleAction(page, 'Create API Token')).click();
  const input = await ui.waitForInputBox(page, 'Create API Token (1/2): Name');
  await ui.typeText(input, name);
  await page.keyboard.press('Enter');
  await answerAccessSteps(page, { access, org, group, extraScopes, onAccessPick, onScopesPick });
}

/** The wizard's steps after the name: access, organization, group, scopes. */
export async function answerAccessSteps(page, { access, org = 'acme', group, extraScopes = [], onAccessPick, onScopesPick }) {
  await ui.waitForInputBox(page, 'Create API Token (2/2): Access');
  const label = { org: 'Organization', group: 'Group in an organization', unrestricted: 'Unrestricted (deprecated)' }[access];
  assert.ok(label, `unknown access "${access}"`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) }).first();
  await row.waitFor({ timeout: 20000 });
  if (onAccessPick) await onAccessPick(page);
  await row.click();
  if (access === 'unrestricted') return;
  await ui.waitForInputBox(page, 'Create API Token: Organization');
  await (await quickPickRowNamed(page, org)).click();
  if (access === 'org') return;
  await ui.waitForInputBox(page, `Create API Token: Group in ${org}`);
  await (await quickPickRowNamed(page, group)).click();
  await ui.waitForInputBox(page, `Permissions on ${org}/${group}`);
  const checked = page.locator('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]');
  await checked.first().waitFor({ timeout: 20000 });
  for (const scope of extraScopes) {
    const r = await quickPickRowNamed(page, scope);
    await r.click();
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${scope}$`) }) })
      .first().waitFor({ timeout: 5000 }).catch(() => { throw new Error(`the scope "${scope}" did not get ticked`); });
  }
  if (onScopesPick) await onScopesPick(page);
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
}

/** Closes the quick input on screen (Escape) and waits until it is gone; `what` names it in the error. */
export async function dismissQuickInput(page, what = 'the quick input', timeout = 5000) {
  await ui.closeQuickInput(page);
  await ui.quickInput(page).waitFor({ state: 'hidden', timeout }).catch(() => {
    throw new Error(`${what} did not close within ${timeout / 1000} s of Escape`);
  });
}

/** A quick pick row whose label is exactly `label`. */
export async function quickPickRowNamed(page, label, timeout = 20000) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  await row.waitFor({ timeout }).catch(() => { throw new Error(`"${label}" in the quick pick (not seen within ${timeout / 1000} s)`); });
  return row;
}

// ---- the reveal panel ----------------------------------------------------------------------------

/** The reveal page inside the active webview (outer iframe.webview.ready → inner #active-frame). */
export function revealFrame(page) {
  return page.frameLocator('iframe.webview.ready >> visible=true').first().frameLocator('#active-frame');
}
export function revealTab(page, name) {
  return page.locator('.tabs-container .tab', { hasText: `${REVEAL_TAB}: ${name}` }).first();
}
/** Waits for the reveal panel of `name`; returns {frame, value} with the value as the page shows it. */
export async function waitForReveal(page, name, timeout = 30000) {
  await revealTab(page, name).waitFor({ timeout }).catch(() => {
    throw new Error(`the reveal panel "${REVEAL_TAB}: ${name}" did not open within ${timeout / 1000} s`);
  });
  const frame = revealFrame(page);
  await frame.locator('#token-name', { hasText: name }).waitFor({ timeout }).catch(() => {
    throw new Error(`the reveal page of "${name}" did not show within ${timeout / 1000} s`);
  });
  // The panel opens while the token is being created; its value arrives a moment later.
  await frame.locator('#value[aria-busy="false"]').waitFor({ timeout }).catch(() => {
    throw new Error(`the reveal page of "${name}" did not receive the token's value within ${timeout / 1000} s`);
  });
  const value = ((await frame.locator('#value').textContent({ timeout })) ?? '').trim();
  assert.match(value, /^[\w-]+\.[\w-]+\.[\w-]+$/, `the panel shows a JWT as the value (it shows "${value.slice(0, 40)}…")`);
  return { frame, value };
}
/** Waits for `#status` in the reveal page to contain `text`; returns the status text. */
export async function waitForRevealStatus(page, text, timeout = 20000) {
  const status = revealFrame(page).locator('#status', { hasText: text });
  await status.waitFor({ timeout }).catch(async () => {
    const shown = await revealFrame(page).locator('#status').innerText({ timeout: 1000 }).catch(() => '');
    throw new Error(`the reveal page's status did not say "${text}" within ${timeout / 1000} s (it says "${shown}")`);
  });
  return (await status.innerText()).trim();
}
/** Closes the reveal panel's tab with its close button, as a person would. */
export async function closeRevealTab(page, name) {
  const tab = revealTab(page, name);
  await tab.hover();
  await tab.locator('.tab-actions .action-label[aria-label^="Close"]').first().click();
}
/**
 * Leaves no reveal panel or modal behind (after a failed flow): discards values still held, closes
 * the panels. Each step waits until what it closed is gone: a dialog until it is hidden (a discard
 * confirmation may follow, as a new dialog), a tab until it is gone or a dialog asks first. Best
 * effort and bounded: what did not close is printed, not thrown (the flow's own result stands).
 */
export async function closeLeftoverPanels(page, timeout = 5000) {
  try {
    for (let i = 0; i < 8; i++) {
      const dialog = page.locator('.monaco-dialog-box').filter({ visible: true }).first();
      if (await dialog.isVisible().catch(() => false)) {
        const box = await dialog.elementHandle({ timeout: 1000 });
        const text = (await box.innerText().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 80);
        const discard = dialog.locator('.monaco-button', { hasText: /^(Discard|Cancel)$/ }).first();
        if (await discard.isVisible().catch(() => false)) await discard.click().catch(() => {});
        else await page.keyboard.press('Escape');
        await box.waitForElementState('hidden', { timeout }).catch(() => {
          throw new Error(`the dialog "${text}" did not close within ${timeout / 1000} s`);
        });
        continue;
      }
      const tab = page.locator('.tabs-container .tab', { hasText: REVEAL_TAB }).first();
      if (!(await tab.isVisible().catch(() => false))) return;
      const title = (await tab.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim() || REVEAL_TAB;
      await tab.hover().catch(() => {});
      await tab.locator('.tab-actions .action-label[aria-label^="Close"]').first().click({ timeout: 3000 }).catch(() => {});
      await page.waitForFunction((t) => {
        const doc = globalThis.document;
        const open = [...doc.querySelectorAll('.tabs-container .tab')].some((el) => el.innerText.replace(/\s+/g, ' ').includes(t));
        const asking = [...doc.querySelectorAll('.monaco-dialog-box')].some((el) => el.checkVisibility());
        return !open || asking;
      }, title, { timeout }).catch(() => {
        throw new Error(`the tab "${title}" neither closed nor asked within ${timeout / 1000} s of its close button`);
      });
    }
  } catch (err) {
    console.log(`      (cleanup: ${err.message})`);
  }
}

// ---- dialogs, clipboard, notifications -----------------------------------------------------------

/** Waits for a modal dialog whose text contains `text`; returns its locator. */
export async function waitForDialog(page, text, timeout = 20000) {
  const dialog = page.locator('.monaco-dialog-box', { hasText: text }).first();
  await dialog.waitFor({ timeout }).catch(() => { throw new Error(`a dialog "${text}" (not seen within ${timeout / 1000} s)`); });
  return dialog;
}
export async function clickDialogButton(dialog, label) {
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${label}$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10000 });
}
export async function readClipboard(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}
export async function writeClipboard(page, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
}
/** The text of the notification containing `text` (waits for it). */
export async function notificationText(page, text, timeout = 20000) {
  const n = await ui.waitForNotification(page, text, timeout);
  return (await n.innerText()).replace(/\s+/g, ' ').trim();
}

// ---- the emulator as witness ---------------------------------------------------------------------

export function jwtClaims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
/** Forgets the requests recorded so far (so a flow counts only its own). */
export async function clearRequests() {
  await emulatorHttp('DELETE', '/__emulator/requests');
}
/** The token-creating requests recorded since the last clearRequests(). */
export async function createRequests() {
  const all = await emulatorHttp('GET', '/__emulator/requests');
  return all.filter((r) => r.method === 'POST' && /^\/v[12]\/auth\/api-tokens\/[^/]+$/.test(r.path));
}
/** The demo user's tokens as the emulator lists them. */
export async function listedTokens() {
  return (await emulatorHttp('GET', '/v1/auth/api-tokens', undefined, e2e.emulator.demoToken)).tokens;
}
/**
 * Proves `value` is the token `name` just minted: it authenticates as an API token (exp -1) and its
 * `jti` is the id of the token the emulator lists under that name. Returns the listed token.
 */
export async function proveMinted(name, value) {
  const validation = await emulatorHttp('GET', '/v1/auth/validate', undefined, value);
  assert.equal(validation.exp, -1, `GET /v1/auth/validate with the shown value answers exp -1 (it answered ${JSON.stringify(validation)})`);
  const listed = (await listedTokens()).find((t) => t.name === name);
  assert.ok(listed, `the emulator lists a token named ${name}`);
  assert.equal(jwtClaims(value).jti, listed.id, `the shown value's jti is the id of ${name}`);
  return listed;
}
/** Mints a token over HTTP as another client would; returns {name, id, token}. */
export async function mintOutOfBand(name, body) {
  return emulatorHttp('POST', `/v1/auth/api-tokens/${name}`, body, e2e.emulator.demoToken);
}

// ---- themes and screenshots for the docs ---------------------------------------------------------

/** "Preferences: Color Theme" → the theme by its label ("Light Modern", "Dark Modern"), as a person picks it. */
export async function setColorTheme(page, label) {
  await runCommandExact(page, 'Preferences: Color Theme');
  await ui.quickInputBox(page).fill(label);
  await (await quickPickRowNamed(page, label)).click();
  const kind = /dark/i.test(label) ? 'vs-dark' : 'vs';
  await page.locator(`.monaco-workbench.${kind}`).waitFor({ timeout: 20000 }).catch(() => {
    throw new Error(`the workbench did not switch to the ${label} theme within 20 s`);
  });
  await ui.quickInput(page).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}
/**
 * The command palette, picking the row whose label is exactly `title` (ui.runCommand waits for the
 * typed command to come first, which "Preferences: Color Theme" does not until it was used once).
 */
export async function runCommandExact(page, title, timeout = 20000) {
  await ui.closeQuickInput(page);
  // no click into the editor area first: a reveal panel may be open there (F1 reaches the workbench from it)
  await page.keyboard.press('F1');
  const input = ui.quickInputBox(page);
  await input.waitFor({ timeout });
  await input.fill('>' + title);
  await (await quickPickRowNamed(page, title, timeout)).click();
}
/** Waits until the reveal page has the theme's background (light: bright, dark: dark). */
export async function waitForRevealTheme(page, dark, timeout = 20000) {
  const body = revealFrame(page).locator('body');
  for (const until = Date.now() + timeout; Date.now() < until;) {
    const rgb = await body.evaluate((b) => b.ownerDocument.defaultView.getComputedStyle(b).backgroundColor).catch(() => '');
    const m = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb);
    if (m) {
      const luminance = (Number(m[1]) + Number(m[2]) + Number(m[3])) / 3;
      if (dark ? luminance < 100 : luminance > 180) return;
    }
    await page.waitForTimeout(200); // polling the page's computed style, bounded above
  }
  throw new Error(`the reveal page did not take the ${dark ? 'dark' : 'light'} theme within ${timeout / 1000} s`);
}
/**
 * Copies a screenshot to docs/images/<name> for the README, only when TURSO_UPDATE_DOCS_IMAGES=1
 * (so ordinary test runs do not rewrite committed images) and only from the newest host.
 */
export function publishToDocs(file, name) {
  if (process.env.TURSO_UPDATE_DOCS_IMAGES !== '1' || e2e.host !== 'newest' || !fs.existsSync(file)) return;
  const dest = path.join(REPO, 'docs', 'images', name);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(file, dest);
  console.log(`      (docs image ${path.relative(REPO, dest)} updated)`);
}

/** A screenshot of the region `clip` ({x, y, width, height} in page pixels); returns the file. */
async function shootClipped(page, file, clip) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, clip, timeout: 15000 });
  return file;
}

/**
 * The region around `locators` (the union of their boxes, `margin` px around it, inside the window)
 * for a README screenshot; `from` pins sides to the window's edges ({left: true, top: true, right:
 * true, bottom: true}) so the shot keeps its context (the activity bar, the title, the status bar).
 */
export async function regionAround(page, locators, { margin = 16, from = {} } = {}) {
  const boxes = [];
  for (const l of locators) {
    const box = await l.boundingBox({ timeout: 5000 }).catch(() => null);
    if (box) boxes.push(box);
  }
  if (!boxes.length) throw new Error('nothing to take a screenshot of: none of the elements of the region is on screen');
  const view = page.viewportSize() ?? { width: 1400, height: 900 };
  const left = from.left ? 0 : Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.x)) - margin));
  const top = from.top ? 0 : Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.y)) - margin));
  const right = from.right ? view.width : Math.min(view.width, Math.ceil(Math.max(...boxes.map((b) => b.x + b.width)) + margin));
  const bottom = from.bottom ? view.height : Math.min(view.height, Math.ceil(Math.max(...boxes.map((b) => b.y + b.height)) + margin));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Waits (bounded) until the workbench runs no finite CSS animation or transition (a step of a quick
 * input fading out, a toast sliding in), so a screenshot catches no half-drawn frame. Endless ones
 * (progress bars, spinners) are ignored. Only cosmetic: when the bound passes, it says so and returns.
 */
async function waitForTransitionsToEnd(page, timeout = 3000) {
  let running = [];
  for (const until = Date.now() + timeout; Date.now() < until;) {
    running = await page.evaluate(() => globalThis.document.getAnimations()
      .filter((a) => a.playState === 'running' && Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
      .map((a) => `${a.constructor.name} ${a.transitionProperty ?? a.animationName ?? ''} on ${a.effect?.target?.className ?? '?'}`)).catch(() => []);
    if (!running.length) return;
    await page.waitForTimeout(100); // polling the page's animations, bounded above
  }
  console.log(`      (screenshot taken with animations still running after ${timeout / 1000} s: ${running.slice(0, 3).join('; ')})`);
}

/** The README's themes: the label in "Preferences: Color Theme", the workbench's class while it shows. */
const DOC_THEMES = [
  { name: 'light', label: 'Light Modern', kind: 'vs' },
  { name: 'dark', label: 'Dark Modern', kind: 'vs-dark' },
];

/**
 * A main flow's screenshot for the README, in Light Modern and in Dark Modern: for each theme, picks
 * it with "Preferences: Color Theme" (skipped when the workbench already shows that kind), then
 * `show()` opens the state the screenshot is about, `subject` (a locator, described by `what`) must be
 * on screen, the shot is taken (of `region()` when given) and `hide()` closes that state again — the
 * theme is picked from a quick pick, which would close an open quick pick or wait behind a modal
 * dialog. Without show/hide the state on screen is shot as it is (a tree, a notification). Ends in
 * Light Modern. `pointer`: a locator the pointer rests on while the shot is taken (default: off the subject). Saves <flow>NN<suffix>-light.png / -dark.png and publishes them as
 * docs/images/<docsName>-light.png / -dark.png (publishToDocs). Returns {light, dark}: the files.
 */
export async function shootInThemes(page, extraShot, suffix, docsName, { show, hide, subject, what = 'the subject of the screenshot', region, pointer } = {}) {
  const files = {};
  const view = page.viewportSize() ?? { width: 1400, height: 900 };
  try {
    for (const theme of DOC_THEMES) {
      if (!(await page.locator(`.monaco-workbench.${theme.kind}`).isVisible().catch(() => false))) await setColorTheme(page, theme.label);
      if (show) await show();
      if (subject) {
        await subject.waitFor({ timeout: 10000 }).catch(() => {
          throw new Error(`${what} was not on screen in ${theme.label} within 10 s: no ${theme.name} screenshot of it`);
        });
      }
      // the pointer off the subject (no hover highlight), over the editor area above the notifications;
      // or resting on `pointer` (a hover stays open while the pointer is on it)
      if (pointer) await pointer.hover();
      else await page.mouse.move(Math.round(view.width * 0.7), Math.round(view.height * 0.72));
      await waitForTransitionsToEnd(page);
      files[theme.name] = await extraShot(`${suffix}-${theme.name}`, page, region ? await region() : undefined);
      if (hide) await hide();
    }
  } catch (err) {
    // back to Light Modern for the next flows, best effort: the error is what this flow reports
    if (hide) await hide().catch(() => {});
    await setColorTheme(page, 'Light Modern').catch(() => {});
    throw err;
  }
  await setColorTheme(page, 'Light Modern');
  for (const theme of DOC_THEMES) publishToDocs(files[theme.name], `${docsName}-${theme.name}.png`);
  return files;
}

/**
 * Right-clicks `row`, then picks the context menu's entry `entry` until `expected` (what the entry
 * opens) is on screen. A menu ignores a click that lands while it is still opening: hover until the
 * entry is focused, click, and click again while the menu is open and nothing came (as a person would).
 */
export async function chooseFromContextMenu(page, row, entry, expected, what) {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item:not(.disabled)', { hasText: entry }).first();
  await item.waitFor({ timeout: 10000 }).catch(() => {
    throw new Error(`"${entry}" in the row's context menu (not seen within 10 s)`);
  });
  for (let i = 0; i < 3 && !(await expected.isVisible().catch(() => false)); i++) {
    await item.hover().catch(() => {});
    await item.and(page.locator('.focused')).waitFor({ timeout: 2000 }).catch(() => {});
    await item.click().catch(() => {});
    await expected.waitFor({ timeout: 2000 }).catch(() => {});
  }
  await expected.waitFor({ timeout: 20000 }).catch((err) => {
    throw new Error(`${what} after "${entry}" in the context menu (not seen): ${err.message.split('\n')[0]}`);
  });
}

/**
 * The hooks every flow file uses: the workbench opened once before its flows (then `setup`, if any),
 * and after each flow whatever it left open closed (quick input, panels, injected faults, `cleanup`,
 * notifications), best effort, so the next flow starts from the same place.
 */
export function workbenchHooks({ setup, cleanup } = {}) {
  before(async function () {
    this.timeout(120000);
    await ui.bounded(prepareWorkbench(e2e.page), { crashed: e2e.crashed, timeoutMs: 110000, message: 'opening the workbench' });
    if (setup) await setup();
  });
  afterEach(async function () {
    const page = e2e.page;
    await ui.closeQuickInput(page).catch(() => {});
    await closeLeftoverPanels(page).catch(() => {});
    await emulatorHttp('DELETE', '/__emulator/faults').catch(() => {});
    if (cleanup) await cleanup(page);
    await ui.clearNotifications(page).catch(() => {});
  });
}

/** The side bar's tree row whose label is exactly `label` (not one that merely contains it). */
export function treeRowLabelled(page, label) {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/** Expands the collapsed tree row labelled `label` (its twistie), and waits until it says so. */
export async function expand(page, label) {
  const row = treeRowLabelled(page, label);
  await row.waitFor({ timeout: 20000 }).catch(() => {
    throw new Error(`no tree row labelled "${label}" within 20 s`);
  });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.locator('.monaco-tl-twistie').click();
  }
  await treeRowLabelled(page, label).and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 20000 }).catch(() => {
    throw new Error(`the tree row "${label}" did not expand within 20 s`);
  });
  return row;
}
/** Collapses the tree row labelled `label` when it is expanded. */
export async function collapse(page, label) {
  const row = treeRowLabelled(page, label);
  if ((await row.getAttribute('aria-expanded', { timeout: 5000 }).catch(() => null)) === 'true') {
    await row.locator('.monaco-tl-twistie').click();
  }
}

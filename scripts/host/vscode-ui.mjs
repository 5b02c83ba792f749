// Playwright (playwright-core + Debian's /usr/bin/chromium) helpers for driving a code-server workbench
// the way a person does: activity bar, command palette (F1), quick input, notifications, tree rows.
// Every wait is bounded and fails with a message saying what the user did not see.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--password-store=basic', '--use-mock-keychain',
];

/**
 * Launches chromium with a persistent profile (code-server keeps SecretStorage etc. in the browser's
 * IndexedDB, per profile and origin). The profile and chromium's HOME live under `dir`.
 * Resolves {context, page, dir, crashed: Promise<string>} — `crashed` settles with a message when the
 * page crashes or the browser goes away.
 */
export async function launch({ dir, viewport = { width: 1400, height: 900 }, timeoutMs = 60000 } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  const profile = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'turso-chromium-'));
  fs.mkdirSync(path.join(profile, 'home'), { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(profile, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    timeout: timeoutMs,
    // chromium writes ~/.config/chromium and ~/.cache/dconf whatever --user-data-dir says
    env: { ...process.env, HOME: path.join(profile, 'home'), XDG_CONFIG_HOME: path.join(profile, 'home/.config'), XDG_CACHE_HOME: path.join(profile, 'home/.cache') },
  }).catch((e) => {
    const lines = String(e.message).replace(/\x1b\[[0-9;]*m/g, '').split('\n'); // eslint-disable-line no-control-regex
    const log = lines.filter((l) => /\[pid=\d+\]\[(err|out)\]|process did exit|ENOENT|EACCES/.test(l)).slice(-6);
    throw new Error(`chromium (${CHROMIUM}) did not start: ${lines[0]}${log.length ? `\n  ${log.join('\n  ')}` : ''}`);
  });
  const page = context.pages()[0] || await context.newPage();
  let onCrash;
  const crashed = new Promise((r) => (onCrash = r));
  page.on('crash', () => onCrash('the browser page crashed'));
  context.on('close', () => onCrash('the browser closed unexpectedly'));
  return { context, page, dir: profile, crashed };
}

/** Races a promise against the browser crashing and a deadline. */
export async function bounded(promise, { crashed, timeoutMs, message }) {
  let timer;
  const deadline = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${message}: no result within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs); });
  const crash = crashed ? crashed.then((m) => { throw new Error(`${message}: ${m}`); }) : new Promise(() => {});
  try {
    return await Promise.race([promise, deadline, crash]);
  } finally {
    clearTimeout(timer);
  }
}

async function see(locator, what, timeout, state = 'visible') {
  try {
    await locator.waitFor({ state, timeout });
  } catch (e) {
    if (/Timeout/i.test(String(e?.message))) throw new Error(`${what} (${state === 'visible' ? 'not seen' : `not ${state}`} within ${Math.round(timeout / 1000)} s)`);
    throw e;
  }
  return locator;
}

/** Opens the workbench at `url` and waits until it is laid out (activity bar + status bar). */
export async function openWorkbench(page, url, timeout = 90000) {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await see(page.locator('.monaco-workbench'), 'the VS Code workbench', timeout);
  await see(page.locator('.part.activitybar, .activitybar').first(), 'the activity bar', timeout);
  await see(page.locator('.part.statusbar, .statusbar').first(), 'the status bar', timeout);
}

/** The command palette: F1, type the command's title, pick the row, Enter. */
export async function runCommand(page, title, timeout = 20000) {
  await closeQuickInput(page);
  await page.locator('.part.editor').first().click({ position: { x: 300, y: 300 }, timeout: 5000 }).catch(() => {});
  await page.keyboard.press('F1');
  const input = await see(quickInputBox(page), 'the command palette after F1', timeout);
  await input.fill('>' + title);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
  await see(row, `"${title}" in the command palette`, timeout);
  // the list is filtered asynchronously: the first row must be the command we typed
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await first.filter({ hasText: title }).waitFor({ timeout }).catch(() => {});
  await row.click();
}

export function quickInput(page) {
  return page.locator('.quick-input-widget');
}
export function quickInputBox(page) {
  return page.locator('.quick-input-widget .quick-input-box input').first();
}
/** Waits for an input box (quick input) titled `title` and returns its input element. */
export async function waitForInputBox(page, title, timeout = 20000) {
  await see(page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first(), `an input box titled "${title}"`, timeout);
  return quickInputBox(page);
}
/** Waits for the quick input to show a validation/message text containing `text`; returns the full text. */
export async function waitForInputMessage(page, text, timeout = 20000) {
  const msg = page.locator('.quick-input-widget .quick-input-message', { hasText: text }).first();
  await see(msg, `the input box message "${text}"`, timeout);
  return (await msg.innerText()).trim();
}
/** Waits for a password input box titled `title` (not a quick pick) and returns its input element. */
export async function waitForPasswordInput(page, title, timeout = 20000) {
  await see(page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first(), `an input box titled "${title}"`, timeout);
  return see(page.locator('.quick-input-widget .quick-input-box input[type="password"]').first(), `the password input of "${title}"`, timeout);
}
/** A row of the open quick pick, by (part of) its text. */
export async function waitForQuickPickRow(page, text, timeout = 20000) {
  return see(page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first(), `"${text}" in the quick pick`, timeout);
}
/** Texts of the open quick pick's rows. */
export async function quickPickRows(page) {
  const out = [];
  for (const r of await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').all()) {
    out.push((await r.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim());
  }
  return out;
}
export async function closeQuickInput(page) {
  const w = quickInput(page);
  if (await w.isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await w.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

/** Waits for a notification toast containing `text`. */
export async function waitForNotification(page, text, timeout = 20000) {
  return see(page.locator('.notifications-toasts .notification-toast', { hasText: text }).first(), `a notification "${text}"`, timeout);
}
/** Texts of the notifications on screen (toasts and, when open, the notification center). */
export async function visibleNotifications(page) {
  const rows = page.locator('.notifications-toasts .notification-list-item, .notifications-center .notification-list-item');
  const out = [];
  for (const r of await rows.all().catch(() => [])) {
    const t = (await r.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
    if (t) out.push(t);
  }
  return out;
}
/** Closes the toasts on screen (so the next wait sees only new ones). */
export async function clearNotifications(page) {
  for (const t of await page.locator('.notifications-toasts .notification-toast').all().catch(() => [])) {
    await t.hover({ timeout: 1000 }).catch(() => {});
    await t.locator('.codicon-notifications-clear, .codicon-close').first().click({ timeout: 1000 }).catch(() => {});
  }
}

/** Opens a view container from the activity bar (no-op when it is already showing). */
export async function openViewContainer(page, title, timeout = 30000) {
  const item = page.locator(`.activitybar .action-item a.action-label[aria-label^="${title}"], .activitybar .action-item[aria-label^="${title}"]`).first();
  await see(item, `"${title}" in the activity bar`, timeout);
  const sidebarTitle = page.locator('.part.sidebar .composite.title h2', { hasText: title }).first();
  if (await sidebarTitle.isVisible().catch(() => false)) return;
  await item.click();
  await see(sidebarTitle, `the "${title}" side bar`, timeout);
}

export function sidebar(page) {
  return page.locator('.part.sidebar');
}
/** A row of a tree in the side bar, by (part of) its text. */
export function treeRow(page, text) {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}
export async function waitForTreeRow(page, text, timeout = 20000) {
  return see(treeRow(page, text), `the tree row "${text}"`, timeout);
}
/** Texts of the tree rows in the side bar. */
export async function treeRows(page) {
  const out = [];
  for (const r of await page.locator('.part.sidebar .monaco-list-row').all()) {
    out.push((await r.innerText({ timeout: 1000 }).catch(() => '')).replace(/\s+/g, ' ').trim());
  }
  return out;
}
/** A button of a view's welcome content ("Sign In…"). */
export function welcomeButton(page, label) {
  return page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: label }).first();
}
/**
 * A view title action (toolbar icon) by its label, e.g. "Refresh". Hovers the view's header first,
 * as a person would (header actions show on hover).
 */
export async function viewTitleAction(page, label, timeout = 20000) {
  const header = page.locator('.part.sidebar .composite.title, .part.sidebar .pane-header').first();
  await header.hover({ timeout }).catch(() => {});
  const action = page.locator(`.part.sidebar .actions-container .action-label[aria-label^="${label}"]`).filter({ visible: true }).first();
  return see(action, `the "${label}" action in the view's title bar`, timeout);
}

/** Saves a screenshot (best effort) and returns its path. */
export async function screenshot(page, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, timeout: 15000 }).catch((e) => console.error(`screenshot ${file} failed: ${e.message}`));
  return file;
}

/** Types like a person (key by key), so the input's validation runs as it would for a user. */
export async function typeText(locator, text) {
  await locator.pressSequentially(text, { delay: 5 });
}

/** Drags the sash between the side bar and the editor so the side bar is `width` px wide (best effort). */
export async function resizeSidebar(page, width = 420) {
  const bar = await page.locator('.part.sidebar').boundingBox().catch(() => null);
  if (!bar || Math.abs(bar.width - width) < 10) return;
  const edge = bar.x + bar.width;
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const b = await sash.boundingBox().catch(() => null);
    if (!b || Math.abs(b.x + b.width / 2 - edge) > 6) continue;
    const y = b.y + b.height / 2;
    await page.mouse.move(b.x + b.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(bar.x + width, y, { steps: 5 });
    await page.mouse.up();
    return;
  }
}

/** Clicks an entry of a view's "More Actions..." (…) menu in its title bar. */
export async function viewMenuAction(page, label, timeout = 20000) {
  const more = await viewTitleAction(page, 'Views and More Actions', timeout).catch(() => viewTitleAction(page, 'More Actions', timeout));
  await more.click();
  const item = page.locator('.context-view .monaco-menu .action-item:not(.disabled)', { hasText: label }).first();
  await see(item, `"${label}" in the view's "…" menu`, timeout);
  // menus ignore a click that lands while they are still opening: hover until the entry is focused,
  // click, and click again if the menu is still open (as a person would)
  const menu = page.locator('.context-view .monaco-menu').first();
  for (let i = 0; i < 3; i++) {
    await item.hover();
    await item.and(page.locator('.focused')).waitFor({ timeout: 2000 }).catch(() => {});
    await item.click();
    if (await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false)) return;
  }
  throw new Error(`the view's "…" menu stayed open after clicking "${label}"`);
}

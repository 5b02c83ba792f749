// Save as GitHub Actions Secret (issue 24), clicked and typed in the real workbench of the GitHub test
// host (run.mjs --github; github.mjs): the GitHub API emulator knows acme/app and its environment
// production, the test GitHub sign-in is signed in to GitHub Enterprise (= the emulator, named by the
// setting github-enterprise.uri) as octo-admin, and the workspace is a git repository whose origin is
// the emulator's acme/app.
// G01: that workspace as VS Code sees it (git opened the repository and knows origin; the Accounts
//      menu shows the GitHub Enterprise account) — the ground the other flows stand on.
// G02: a new API token's panel → "Save as GitHub Actions Secret…" → acme/app → Repository secret →
//      TURSO_API_TOKEN: the emulator opens the secret to the value the panel shows; the token's row
//      says where it went; then the same to the environment production.
// G03: Rotate API Token on that row: both secrets hold the new token, the old one is revoked.
// G04: a failed update (GitHub answers 403 for the environment): the old token is not revoked, the
//      message names the secret that failed, the new value is shown once.
// G05: the leak search: no GitHub session token and no saved value in any file of the instance.
// Screenshots: .test-results/screenshots/<host>-github/GNN-name.png; the panel with the button and the
// token's row in light and dark themes (docs/images/github-secret-*.png when TURSO_UPDATE_DOCS_IMAGES=1,
// newest host).
import assert from 'node:assert/strict';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import { ENVIRONMENT, githubControl, openSecret, REPOSITORY, resetGitHub } from './github.mjs';
import { searchForValues } from './leaks.mjs';
import {
  chooseFromContextMenu, clickDialogButton, closeLeftoverPanels, closeRevealTab, createThroughWizard, ensureSignedInWithLoginToken, flowsWithPrefix,
  jwtClaims, listedTokens, proveMinted, publishToDocs, quickPickRowNamed, regionAround, revealFrame, revealTab, setColorTheme, shootInThemes,
  treeRowLabelled, uniqueName, waitForDialog, waitForReveal, waitForRevealStatus, waitForRevealTheme, workbenchHooks,
} from './tokens-ui.mjs';

const flow = flowsWithPrefix('G');
const BUTTON = 'Save as GitHub Actions Secret…';
const SECRET = 'TURSO_API_TOKEN';
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Secret values the flows used (what it is → the value), for the leak search of G05. */
const secrets = new Map();
/** What G02 leaves for G03 (stage 'saved': the token saved to both places), and G03 for G04 (stage 'rotated'). */
const saved = { stage: '', name: '', id: '', value: '' };

/** The emulator's host as the product shows a GitHub Enterprise repository ("127.0.0.1:PORT"). */
const ghHost = () => new URL(e2e.github.url).host;
/** "acme/app", or "127.0.0.1:PORT/acme/app": how a message or a row may name the repository. */
const repoPattern = () => `(?:${esc(ghHost())}/)?${esc(REPOSITORY)}`;

/** Waits for a toast matching `re`; returns its text. */
async function toastMatching(page, re, what, timeout = 30000) {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: re }).first();
  await toast.waitFor({ timeout }).catch(async () => {
    throw new Error(`${what} (no toast matching ${re} within ${timeout / 1000} s; on screen: ${JSON.stringify(await ui.visibleNotifications(page))})`);
  });
  return (await toast.innerText()).replace(/\s+/g, ' ').trim();
}

/** The reveal page's "Save as GitHub Actions Secret…" button. */
const saveButton = (page) => revealFrame(page).locator('button', { hasText: BUTTON.replace('…', '') }).first();

/**
 * In the open reveal panel: the button, then the questions as a person answers them — the repository
 * acme/app, `where` ("Repository secret" or "Environment: production"), Enter on the name offered first
 * (TURSO_API_TOKEN). Resolves with the success toast's text.
 */
async function saveToGitHub(page, where, expected) {
  await saveButton(page).click();
  await ui.waitForInputBox(page, 'Save as GitHub Actions Secret: Repository', 30000);
  const repo = await quickPickRowNamed(page, REPOSITORY);
  const repoRow = (await repo.innerText()).replace(/\s+/g, ' ');
  assert.match(repoRow, /origin/, `the repository's row names its remote (it shows "${repoRow}")`);
  assert.ok(repoRow.includes(ghHost()), `the repository's row names its host ${ghHost()}, not github.com (it shows "${repoRow}")`);
  await repo.click();
  await ui.waitForInputBox(page, 'Save as GitHub Actions Secret: Where in', 30000);
  assert.match(await page.locator('.quick-input-widget .quick-input-title').first().innerText(), new RegExp(repoPattern()), 'the question names the repository');
  await quickPickRowNamed(page, 'Repository secret', 30000);
  // the environments arrive from GitHub while the pick is open
  await quickPickRowNamed(page, `Environment: ${ENVIRONMENT}`, 30000);
  await (await quickPickRowNamed(page, where)).click();
  await ui.waitForInputBox(page, 'Save as GitHub Actions Secret: Name', 30000);
  const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await first.filter({ hasText: SECRET }).waitFor({ timeout: 20000 }).catch(async () => {
    throw new Error(`the name pick offers ${SECRET} first (rows: ${JSON.stringify(await ui.quickPickRows(page))})`);
  });
  await page.keyboard.press('Enter');
  return toastMatching(page, expected, `the secret saved to ${where}`);
}

/** The token's row in the tree (the personal API tokens), saying `re` in its description. */
async function rowSaying(page, name, re, what, timeout = 30000) {
  const row = treeRowLabelled(page, name).filter({ hasText: re });
  await row.waitFor({ timeout }).catch(async () => {
    throw new Error(`the row "${name}" did not say ${what} within ${timeout / 1000} s (rows: ${JSON.stringify(await ui.treeRows(page))})`);
  });
  return row;
}

/**
 * Rotate API Token from the row's context menu, as R01 does: the name offered, the dialog, Rotate.
 * Returns {successor, question (the dialog's text)} once Rotate was clicked.
 */
async function startRotation(page, name) {
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const nameStep = page.locator('.quick-input-widget .quick-input-title', { hasText: `Rotate API Token "${name}": New Name` }).first();
  await chooseFromContextMenu(page, treeRowLabelled(page, name), 'Rotate API Token', nameStep, 'the name step');
  const input = await ui.waitForInputBox(page, `Rotate API Token "${name}": New Name`);
  // <name>-<yyyymmdd>; rotated again the same day: the date suffix replaced, then -2
  const successor = await input.inputValue();
  const stem = name.replace(/-\d{8}(-\d+)?$/, '');
  assert.match(successor, new RegExp(`^${esc(stem)}-${stamp}(-\\d+)?$`), 'the name step offers <name>-<yyyymmdd>');
  await page.keyboard.press('Enter');
  const dialog = await waitForDialog(page, `Rotate API token "${name}"?`);
  const question = (await dialog.innerText()).replace(/\s+/g, ' ');
  await clickDialogButton(dialog, 'Rotate');
  return { successor, question };
}

/** Both places of the token as a person reads them in the rotation's dialogs. */
function expectPlacesNamed(text, what) {
  for (const place of [`${REPOSITORY} · ${SECRET}`, `${REPOSITORY} (${ENVIRONMENT}) · ${SECRET}`]) {
    assert.match(text, new RegExp(`(?:${esc(ghHost())}/)?${esc(place)}`), `${what} names the secret ${place} (it says: ${text})`);
  }
}

describe('GitHub Actions secrets: a new token saved as a secret, Rotate updates it (end to end, GitHub test host)', function () {
  // a save and a rotation are several questions and requests each: more than the runner's 90 s per flow
  this.timeout(180000);
  workbenchHooks({ cleanup: () => githubControl('DELETE', '/faults').catch(() => {}) });

  flow('github-workspace', 'the GitHub test workspace: git opened it and knows origin on the GitHub emulator, the Accounts menu shows the GitHub Enterprise account', async (page, extraShot) => {
    assert.ok(e2e.github, 'run by run.mjs --github (the GitHub emulator and the test GitHub sign-in are set up)');
    // Source Control: the built-in git extension opened the workspace's repository (branch main)
    await ui.openViewContainer(page, 'Source Control');
    await page.locator('.part.sidebar').getByText(/commit on "main"/).first().waitFor({ timeout: 30000 }).catch(() => {
      throw new Error('the Source Control view did not show the workspace\'s repository (its message box "… commit on "main"") within 30 s');
    });
    await extraShot('-source-control');
    // its remotes: "Git: Remove Remote…" lists them (Escape removes nothing)
    await ui.runCommand(page, 'Git: Remove Remote');
    const origin = await ui.waitForQuickPickRow(page, 'origin');
    const shown = (await origin.innerText()).replace(/\s+/g, ' ');
    assert.ok(shown.includes(e2e.github.remote), `git knows origin as ${e2e.github.remote} (the row shows "${shown}")`);
    await ui.closeQuickInput(page);
    // the test GitHub sign-in's session, as VS Code lists it in the Accounts menu
    const accounts = page.locator('.activitybar .action-item a.action-label[aria-label^="Accounts"], .activitybar .action-item[aria-label^="Accounts"]').first();
    await accounts.click();
    const account = page.locator('.context-view .monaco-menu .action-item', { hasText: `${e2e.github.login} (GitHub Enterprise Server)` }).first();
    await account.waitFor({ timeout: 20000 }).catch(async () => {
      const menu = await page.locator('.context-view .monaco-menu').first().innerText({ timeout: 1000 }).catch(() => '(no menu)');
      throw new Error(`the Accounts menu did not list "${e2e.github.login} (GitHub Enterprise Server)" within 20 s (it lists: ${menu.replace(/\s+/g, ' ')})`);
    });
    await extraShot('-accounts');
    await page.keyboard.press('Escape');
  });

  flow('save-secret', 'a new API token saved from its panel as a secret of acme/app, then of its environment production: the emulator opens both to the value shown, the row says where it went; README screenshots', async (page, extraShot) => {
    await ensureSignedInWithLoginToken(page);
    await resetGitHub();
    const name = uniqueName('e2e-gh');
    await createThroughWizard(page, { name, access: 'org' });
    const { frame, value } = await waitForReveal(page, name);
    const listed = await proveMinted(name, value);
    secrets.set(`the API token ${name}`, value);
    await saveButton(page).waitFor({ timeout: 10000 }).catch(() => {
      throw new Error(`the reveal page has no "${BUTTON}" button`);
    });
    await frame.locator(`button:not([aria-disabled="true"])`, { hasText: BUTTON.replace('…', '') }).first().waitFor({ timeout: 10000 }).catch(() => {
      throw new Error(`the "${BUTTON}" button stayed disabled after the value arrived`);
    });

    // for the README, in both themes: the panel with its buttons
    await ui.clearNotifications(page);
    // the window from its top down to below the panel's hints (which say what the button does)
    const region = () => regionAround(page, [revealTab(page, name), saveButton(page), frame.locator('ul.hints')], { margin: 24, from: { left: true, top: true, right: true } });
    const shots = {};
    for (const [theme, label, dark] of [['light', 'Light Modern', false], ['dark', 'Dark Modern', true]]) {
      await setColorTheme(page, label);
      await waitForRevealTheme(page, dark);
      await saveButton(page).focus();
      shots[theme] = await extraShot(`a-panel-${theme}`, page, await region());
    }
    await setColorTheme(page, 'Light Modern');
    await waitForRevealTheme(page, false);
    publishToDocs(shots.light, 'github-secret-button-light.png');
    publishToDocs(shots.dark, 'github-secret-button-dark.png');

    // the repository secret
    const said = await saveToGitHub(page, 'Repository secret', new RegExp(`Saved as GitHub Actions secret ${SECRET} of ${repoPattern()}\\.`));
    assert.ok(!said.includes(value) && !value.split('.').slice(1).some((p) => said.includes(p)), 'the message does not hold the value');
    assert.equal(await openSecret({ name: SECRET }), value, `the emulator opens ${REPOSITORY}'s ${SECRET} (with its private key) to the value the panel shows`);
    const row = await rowSaying(page, name, new RegExp(`in GitHub secret ${repoPattern()} · ${SECRET}`), `"in GitHub secret ${REPOSITORY} · ${SECRET}"`);
    await extraShot('b-saved');
    // for the README, in both themes: the row saying where the token went
    // with its tooltip, which names the repository and the secret in full (the row's text is cut by the side bar)
    const tooltip = page.locator('.monaco-hover', { hasText: 'GitHub secret' }).first();
    await shootInThemes(page, extraShot, 'c-row', 'github-secret-row', {
      show: async () => {
        await page.mouse.move(5, 5);
        await row.hover();
      },
      hide: () => page.mouse.move(5, 5),
      subject: tooltip, pointer: tooltip, what: 'the token row\'s tooltip naming the GitHub secret',
      region: () => regionAround(page, [row, tooltip, page.locator('.part.sidebar .composite.title').first()], { margin: 24, from: { left: true, top: true } }),
    });

    // the environment production: a second secret of the same value
    await saveToGitHub(page, `Environment: ${ENVIRONMENT}`, new RegExp(`Saved as GitHub Actions secret ${SECRET} of ${repoPattern()}, environment "${ENVIRONMENT}"\\.`));
    assert.equal(await openSecret({ environment: ENVIRONMENT, name: SECRET }), value, `the emulator opens ${REPOSITORY} (${ENVIRONMENT})'s ${SECRET} to the value the panel shows`);
    await rowSaying(page, name, /in 2 GitHub secrets/, '"in 2 GitHub secrets"');
    Object.assign(saved, { stage: 'saved', name, id: listed.id, value });
    await closeLeftoverPanels(page);
  });

  flow('rotate-updates-secrets', 'Rotate API Token on that row: its confirmation names both secrets, both then hold the new token, and the old one is revoked', async (page, extraShot) => {
    assert.equal(saved.stage, 'saved', 'G02 saved a token to both places (it did not get that far)');
    await ensureSignedInWithLoginToken(page);
    const { name, id, value: old } = saved;
    await rowSaying(page, name, /in 2 GitHub secrets/, '"in 2 GitHub secrets"');
    const { successor, question } = await startRotation(page, name);
    let said = question;
    // a value put in no env file is shown once before the revoke (the person keeps it): Copy, close
    const revoke = page.locator('.monaco-dialog-box', { hasText: `Revoke the old API token "${name}"?` }).first();
    await revoke.or(revealTab(page, successor)).first().waitFor({ timeout: 60000 }).catch(async () => {
      throw new Error(`neither the last confirmation nor the new token's panel within 60 s of Rotate (notifications: ${JSON.stringify(await ui.visibleNotifications(page))})`);
    });
    let value;
    if (!(await revoke.isVisible())) {
      ({ value } = await waitForReveal(page, successor));
      await revealFrame(page).locator('#copy').click();
      await waitForRevealStatus(page, 'Copied');
      await closeRevealTab(page, successor);
    }
    await revoke.waitFor({ timeout: 30000 }).catch(() => { throw new Error(`the last confirmation "Revoke the old API token "${name}"?" did not show within 30 s`); });
    said += ` ${(await revoke.innerText()).replace(/\s+/g, ' ')}`;
    expectPlacesNamed(said, 'the rotation\'s confirmations');
    // before the revoke: both secrets hold the new token, which the Turso emulator minted as the successor
    const repoValue = await openSecret({ name: SECRET });
    const envValue = await openSecret({ environment: ENVIRONMENT, name: SECRET });
    assert.notEqual(repoValue, old, `${REPOSITORY}'s ${SECRET} holds a new value before the revoke`);
    assert.equal(envValue, repoValue, 'both secrets hold the same new value');
    if (value) assert.equal(repoValue, value, 'the secrets hold the value the panel showed');
    const listed = await proveMinted(successor, repoValue);
    secrets.set(`the API token ${successor}`, repoValue);
    await ui.clearNotifications(page);
    await clickDialogButton(revoke, 'Revoke');
    await toastMatching(page, new RegExp(`Rotated API token "${esc(name)}"`), 'the rotation\'s result');
    assert.ok(!(await listedTokens()).some((t) => t.id === id), `the Turso emulator no longer lists ${name}`);
    await assert.rejects(emulatorHttp('GET', '/v1/auth/validate', undefined, old), /answered 40[13]/, `the old token ${name} is refused by Turso`);
    assert.equal(jwtClaims(repoValue).jti, listed.id);
    // the new row carries both places
    await rowSaying(page, successor, /in 2 GitHub secrets/, '"in 2 GitHub secrets"');
    await treeRowLabelled(page, name).waitFor({ state: 'hidden', timeout: 20000 }).catch(() => { throw new Error(`the row "${name}" is still in the tree`); });
    await extraShot('-rotated');
    Object.assign(saved, { stage: 'rotated', name: successor, id: listed.id, value: repoValue });
  });

  flow('rotate-update-fails', 'a failed update (GitHub answers 403 for the environment): the old token is not revoked and still works, the message names "acme/app (production) · TURSO_API_TOKEN", the new value is shown once', async (page, extraShot) => {
    assert.equal(saved.stage, 'rotated', 'G03 rotated the token (it did not get that far)');
    await ensureSignedInWithLoginToken(page);
    const { name, id, value: old } = saved;
    await rowSaying(page, name, /in 2 GitHub secrets/, '"in 2 GitHub secrets"');
    await githubControl('POST', '/faults', { kind: 'status', status: 403, message: 'Must have admin rights to Repository.', method: 'PUT', path: `/repos/${REPOSITORY}/environments/${ENVIRONMENT}/secrets/*` });
    await ui.clearNotifications(page);
    const { successor } = await startRotation(page, name);
    const failed = await toastMatching(page, new RegExp(`${repoPattern()} \\(${ENVIRONMENT}\\) · ${SECRET}`), `a message naming ${REPOSITORY} (${ENVIRONMENT}) · ${SECRET}`, 60000);
    assert.match(failed, new RegExp(esc(name)), `the message names the old token (it says: ${failed})`);
    // the new value, shown once
    const { value } = await waitForReveal(page, successor);
    await extraShot('-failed');
    secrets.set(`the API token ${successor}`, value);
    assert.ok(!failed.includes(value) && !value.split('.').slice(1).some((p) => failed.includes(p)), 'the message does not hold the value');
    await proveMinted(successor, value);
    // nothing revoked: the old token still works
    assert.ok((await listedTokens()).some((t) => t.id === id), `the Turso emulator still lists ${name}`);
    const validation = await emulatorHttp('GET', '/v1/auth/validate', undefined, old);
    assert.equal(validation.exp, -1, `the old token ${name} still authenticates`);
    assert.equal(await openSecret({ environment: ENVIRONMENT, name: SECRET }), old, `${REPOSITORY} (${ENVIRONMENT})'s ${SECRET}, refused, still holds the old token`);
    // the repository secret comes first (saved first), and a place written stays written
    assert.equal(await openSecret({ name: SECRET }), value, `${REPOSITORY}'s ${SECRET}, written before the refused one, holds the new token`);
    await treeRowLabelled(page, name).waitFor({ timeout: 20000 }).catch(() => { throw new Error(`the row "${name}" left the tree (it was not revoked)`); });
    await closeLeftoverPanels(page);
  });

  flow('no-leaks', 'no GitHub session token and no saved token value in any file of the instance (user data, logs, storage, HOME, TMPDIR, workspace) or of the browser\'s profile', async () => {
    secrets.set('the GitHub session token', e2e.github.token);
    const { files, hits } = searchForValues(secrets);
    assert.ok(files > 10, `the search read the instance's files (${files})`);
    assert.deepEqual(hits, [], `secret values written to disk (${secrets.size} values searched in ${files} files)`);
  });
});

// The bench's GitHub part (issue 24): "Save as GitHub Actions Secret…" from a new token's panel, timed
// from the person's last answer (Enter on the Name pick) to the toast "Saved as GitHub Actions secret …".
// The repository's public key, its secret names and its environments (and, once an environment is
// picked, its key and names) are asked while the person chooses: after the last answer only the PUT
// may reach GitHub, one round trip.
//
// It needs a workbench of its own: the GitHub test host (scripts/host/variants.mjs: VS Code's own GitHub
// sign-in removed), the test GitHub sign-in (test/fixtures/github-auth) signed in to the GitHub API
// emulator as GitHub Enterprise, and the workspace a git repository whose origin is the emulator's
// acme/app — the e2e run's setup (test/e2e/github.mjs `prepareGitHubRun`), with the emulator bundled from
// the sources being measured (as build.mjs does for the Turso emulator). run.mjs opens it after the
// other actions and measures these with its own `measure` (the GitHub emulator's log, its latency).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from '../host/hosts.mjs';
import { installExtension, startCodeServer } from '../host/code-server.mjs';
import { stopPid, waitFor } from '../host/procs.mjs';
import { githubTestHost } from '../host/variants.mjs';
import * as ui from '../host/vscode-ui.mjs';
import { ENVIRONMENT, prepareGitHubRun, REPOSITORY } from '../../test/e2e/github.mjs';
import { packageTestExtension } from '../../test/e2e/run.mjs';
import { chromiumPids } from './machine.mjs';
import { emulatorClient } from './requests.mjs';

/** The actions of this part (keys of --only and of the results). */
export const GITHUB_ACTIONS = ['githubSave', 'githubSaveEnv'];
/** The product's GitHub requests (src/githubSecrets/writer.ts: `turso-api-tokens-vscode (VS Code …)`). */
export const fromExtensionToGitHub = (r) => (r.userAgent || '').startsWith('turso-api-tokens-vscode');
/** A secret each place has before the runs: the Name pick lists it once the place's names are in. */
export const EXISTING = 'BENCH_EXISTING';
const TITLE = 'Save as GitHub Actions Secret';

/** test/github-emulator/main.ts of `stage` bundled into `dir` (so out/, compiled by others' runs, is not needed). */
async function bundleEmulator(stage, dir) {
  const out = path.join(dir, 'github-emulator.cjs');
  const esbuild = createRequire(path.join(REPO, 'package.json'))('esbuild');
  await esbuild.build({
    entryPoints: [path.join(stage, 'test', 'github-emulator', 'main.ts')], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', outfile: out, logLevel: 'warning',
  });
  return out;
}

/**
 * The GitHub test host of `host` with the VSIX and the test GitHub sign-in installed, the GitHub API
 * emulator (acme/app, environment production) at `latency`, the workspace's origin on it, code-server
 * with `settings` (the Turso emulator's URL) and a browser on the workbench.
 * @returns {Promise<{info, gh, api, cs, browser, page, profileDir}>}
 */
export async function openGitHubWorkbench({ host, dir, stage, vsix, settings, latency, say }) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const info = githubTestHost(host);
  const root = path.join(dir, 'instance');
  await installExtension(info, { root, vsix });
  await installExtension(info, { root, vsix: await packageTestExtension(dir, 'github-auth') });
  const gh = await prepareGitHubRun({ base: dir, root, emulatorMain: await bundleEmulator(stage, dir) });
  const api = emulatorClient(gh.url);
  await api.setLatency(latency);
  for (const environment of [undefined, ENVIRONMENT]) {
    await api.call('POST', '/__emulator/secret', { body: { repository: REPOSITORY, environment, name: EXISTING, value: 'an existing secret' } })
      .then((r) => { if (!r.ok) throw new Error(`POST /__emulator/secret answered ${r.status}`); });
  }
  const cs = await startCodeServer(info, { root, settings: { ...settings, ...gh.settings }, env: gh.env });
  say(`${info.label}: ${cs.label} (PID ${cs.pid}); GitHub API emulator ${gh.url} (PID ${gh.pid}), latency ${latency} ms; the workspace's origin ${gh.remote}; signed in to GitHub Enterprise as ${gh.login}`);
  const profileDir = path.join(dir, 'chromium');
  const browser = await ui.launch({ dir: profileDir });
  const page = browser.page;
  try {
    await ui.bounded(ui.openWorkbench(page, cs.folderUrl), { crashed: browser.crashed, timeoutMs: 120000, message: 'opening the workbench (GitHub test host)' });
  } catch (e) {
    // the caller only knows of this browser once it is returned: stopped here (by PID, only our profile's)
    await browser.context.close().catch(() => {});
    for (const pid of chromiumPids(profileDir)) await stopPid(pid, { label: 'chromium (bench profile, GitHub)', graceMs: 3000 });
    throw e;
  }
  return { info, gh, api, cs, browser, page, profileDir };
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The open quick pick's row whose label is exactly `label`. */
async function pickRow(page, label, timeout = 30000) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }).first();
  await row.waitFor({ timeout }).catch(async () => {
    throw new Error(`"${label}" in the quick pick (not seen within ${timeout / 1000} s; rows: ${JSON.stringify(await ui.quickPickRows(page))})`);
  });
  return row;
}
const revealFrame = (page) => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/**
 * The two saves, measured by run.mjs's `measure` (`m`): a new organization token's panel opened once
 * (through the Create API Token wizard), then, per run, its "Save as GitHub Actions Secret…" button →
 * acme/app → "Repository secret" or "Environment: production" → a new name typed (BENCH_REPO_03…: each
 * run creates a secret) → Enter, timed to the success toast. Before the Enter the lead waits until the
 * emulator has answered what is asked while the person chooses (3 or 5 requests) and the Name pick lists
 * the place's existing secret — what a person sees before answering.
 */
export async function githubSaves({ page, api, measure, say, ensureSignedIn, clearNotifications, latency }) {
  await ensureSignedIn();
  const token = `bench-gh-${Date.now().toString(36)}`;
  await ui.runCommand(page, 'Turso: Create API Token…');
  await (await ui.waitForInputBox(page, 'Create API Token')).fill(token);
  await page.keyboard.press('Enter');
  await (await ui.waitForQuickPickRow(page, 'Organization')).click();
  await (await ui.waitForQuickPickRow(page, 'acme')).click();
  const button = revealFrame(page).locator('#save-github:not([aria-disabled="true"])');
  await button.waitFor({ timeout: 30000 }).catch(() => { throw new Error(`the panel of ${token} with an enabled "${TITLE}…" button (not within 30 s)`); });
  say(`${TITLE}: the panel of the new token ${token} is open`);

  const places = [
    { key: 'githubSave', tag: 'REPO', where: 'Repository secret', before: 3, what: 'a repository secret', saved: (n) => `Saved as GitHub Actions secret ${n} of ${REPOSITORY}.` },
    { key: 'githubSaveEnv', tag: 'ENV', where: `Environment: ${ENVIRONMENT}`, before: 5, what: `an environment secret, ${ENVIRONMENT}`, saved: (n) => `Saved as GitHub Actions secret ${n} of ${REPOSITORY}, environment "${ENVIRONMENT}".` },
  ];
  for (const p of places) {
    const name = (i) => `BENCH_${p.tag}_${String(i).padStart(2, '0')}`;
    const a = await measure(p.key, {
      title: `Save as GitHub Actions secret (${p.what})`,
      driven: `UI: the panel's "${TITLE}…" → ${REPOSITORY} → ${p.where} → a new name typed (timed from Enter on the Name pick; GitHub emulator at the same latency)`,
      resultLabel: '"Saved as GitHub Actions secret …" toast',
      emulator: api, own: fromExtensionToGitHub,
      prepare: async () => {
        await ui.closeQuickInput(page);
        await clearNotifications();
        await button.waitFor({ timeout: 10000 });
      },
      lead: async (i) => {
        await button.click();
        await ui.waitForInputBox(page, `${TITLE}: Repository`, 30000);
        await (await pickRow(page, REPOSITORY)).click();
        await ui.waitForInputBox(page, `${TITLE}: Where in`, 30000);
        await pickRow(page, `Environment: ${ENVIRONMENT}`); // the environments are in, as a person sees them
        await (await pickRow(page, p.where)).click();
        const input = await ui.waitForInputBox(page, `${TITLE}: Name`, 30000);
        // what is asked while the person chooses, answered (the log has a request once it is answered)…
        await waitFor(async () => (await api.requests()).filter(fromExtensionToGitHub).length >= p.before,
          { timeoutMs: 30000 + 10 * latency, intervalMs: 50, message: `the ${p.before} GitHub requests asked while the person chooses (${p.what})` });
        // …and the place's names in the pick
        await pickRow(page, EXISTING);
        await input.fill(name(i));
        const first = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
        await first.filter({ hasText: name(i) }).filter({ hasText: 'new secret' }).waitFor({ timeout: 10000 }).catch(async () => {
          throw new Error(`the Name pick offers ${name(i)} as a new secret first (rows: ${JSON.stringify(await ui.quickPickRows(page))})`);
        });
      },
      cond: (i) => ({ kind: 'notification', text: p.saved(name(i)), also: [{ label: 'progress notification', kind: 'notification', text: `Saving GitHub Actions secret ${name(i)}` }] }),
      trigger: async () => page.keyboard.press('Enter'),
      after: async (i) => {
        const q = new URLSearchParams({ repository: REPOSITORY, name: name(i), ...(p.where === 'Repository secret' ? {} : { environment: ENVIRONMENT }) });
        const r = await api.call('GET', `/__emulator/secret?${q}`);
        if (r.status !== 200) throw new Error(`the GitHub emulator has no secret ${name(i)} after the toast (GET /__emulator/secret answered ${r.status})`);
      },
    });
    if (a) Object.assign(a, beforeTheLastAnswer(a, p.before));
  }
}

/**
 * What was asked before the last answer, from a measured action (all its requests, less those after the
 * input): {requestsBefore, stagesBefore (the last run's), expectedBefore}.
 */
export function beforeTheLastAnswer(a, expected) {
  const after = new Set(a.stagesAfterTrigger.flat());
  return {
    requestsBefore: a.requests - a.requestsAfterTrigger,
    stagesBefore: a.stages.map((s) => s.filter((l) => !after.has(l))).filter((s) => s.length),
    expectedBefore: expected,
  };
}

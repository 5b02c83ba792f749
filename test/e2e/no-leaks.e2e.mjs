// The suite's last flow (run.mjs runs this file after every other one): every value the emulator signed
// during the run — the credentials signed in with, the API tokens and the database tokens made through
// the UI, shown, copied, saved to env files, rotated — is looked for in every file of the code-server
// instance (user data, logs, local history, backups, the extension's storage, HOME, TMPDIR) and of the
// browser's profile (where code-server keeps the workbench's state, the extensions' globalState and
// webview state). A value may be only where a person chose to write it: a file of the workspace (not
// its .git folder). One exception, Turso's and not this extension's: the sign-in credential that the
// login page hands to the browser in the address it sends it back to (http://localhost:<port>/?jwt=…,
// as for `turso auth login`), or shows in its page for pasting, is in the browser's own records of the
// pages it visited (history, sessions, cache) — never in the pages' storage (IndexedDB, Local Storage,
// Session Storage, Service Worker), where the workbench, the extensions' state and webviews live.
// Screenshots: .test-results/screenshots/<host>/Z01-no-leaks.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ui from '../../scripts/host/vscode-ui.mjs';
import { e2e, emulatorHttp } from './context.mjs';
import { browserProfileDir, searchForValues, walk } from './leaks.mjs';
import { flowsWithPrefix, workbenchHooks } from './tokens-ui.mjs';

const flow = flowsWithPrefix('Z');

/** What a signed value is, from its claims (never the value): for the hit's message. */
function kindOf(value) {
  try {
    const claims = JSON.parse(Buffer.from(value.split('.')[1], 'base64url').toString('utf8'));
    if (typeof claims.a === 'string') return 'a database or group token';
    if (typeof claims.username === 'string') return `a sign-in credential of ${claims.username}`;
    return 'an API token';
  } catch {
    return 'a value';
  }
}

/** The browser's storage folders, with each file's size and time: unchanged once the browser has written what the page left it. */
function storageState() {
  const parts = [];
  for (const sub of ['IndexedDB', 'Local Storage', 'Session Storage', 'Service Worker']) {
    for (const file of walk(path.join(browserProfileDir(), 'profile', 'Default', sub))) {
      try {
        const st = fs.statSync(file);
        parts.push(`${file}:${st.size}:${st.mtimeMs}`);
      } catch { /* gone meanwhile */ }
    }
  }
  return parts.sort().join('\n');
}

/** Waits (bounded) until the browser's storage files have not changed for `quietMs`. */
async function browserStorageSettled({ quietMs = 1500, timeoutMs = 20000 } = {}) {
  let last = storageState();
  let since = Date.now();
  for (const until = Date.now() + timeoutMs; Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = storageState();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
  }
  throw new Error(`the browser's storage files still changed after ${timeoutMs / 1000} s`);
}

describe('No token value left behind: the instance and the browser searched after every flow (end to end)', function () {
  workbenchHooks();

  flow('no-leaks', 'every value signed during the run is nowhere but in workspace files a person chose to write', async (page) => {
    const { values, toBrowser } = await emulatorHttp('GET', '/__emulator/issued');
    assert.ok(values.length >= 3, `the emulator signed the run's values (${values.length})`);
    // The workbench writes its state (and the extensions' globalState) to the browser's storage when
    // the page goes away: leave it, let the browser write, search, then open the workbench again.
    await page.goto('about:blank');
    await browserStorageSettled();
    const label = (v, i) => `${kindOf(v)} (signed #${i + 1}${toBrowser.includes(v) ? ', handed to the browser by the sign-in page' : ''})`;
    const named = new Map(values.map((v, i) => [label(v, i), v]));
    const viaBrowser = new Set(values.flatMap((v, i) => (toBrowser.includes(v) ? [label(v, i)] : [])));
    const under = (dir, file) => {
      const rel = path.relative(dir, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep) : undefined;
    };
    const inWorkspace = (file) => {
      const parts = under(e2e.workspaceDir, file);
      return parts !== undefined && !parts.includes('.git');
    };
    const PAGE_STORAGE = ['IndexedDB', 'Local Storage', 'Session Storage', 'Service Worker', 'WebStorage'];
    const inBrowserRecords = (file) => {
      const parts = under(browserProfileDir(), file);
      return parts !== undefined && !parts.some((p) => PAGE_STORAGE.includes(p));
    };
    const allowed = (file, what) => inWorkspace(file) || (viaBrowser.has(what) && inBrowserRecords(file));
    const { files, hits } = searchForValues(named, { allowed });
    await ui.openWorkbench(page, e2e.workbenchUrl);
    assert.ok(files > 50, `the search read the instance's and the browser's files (${files})`);
    assert.deepEqual(hits, [], `token values written where nobody asked (${named.size} values searched in ${files} files)`);
  });
});

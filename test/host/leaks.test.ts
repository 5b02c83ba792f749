import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { ACCOUNT_CACHE_KEY } from '../../src/accounts/accountCache';
import {
  childRows, EXTENSION_ID, forgedToken, restoreAfterSuite, rootRows, Row, signIn, signOut, startEmulator, waitFor,
  waitForRoot, waitForSignedOutTree, own,
} from './helpers';
import {
  describeShown, figures, FixtureEmulator, fixtures, hostPaths, ProbedApi, probedSignedOut, readIfExists,
  RevealProbeLike, tursoLogFile, UiRecorder, walkFiles,
} from './faultHelpers';

// Issue 6, no secret leaks: every flow runs with token values the test knows (sign-in by token and
// by the browser, rejected tokens, validation, create with each restriction and every way of
// delivering the value, the fallback modal, revoke, revoke of the extension's own credential, server
// errors that echo the credential), then everything the extension can write is searched for each
// value and for its JWT payload and signature: the "Turso" output channel's file and every other log
// of the session, user and machine settings and storage, the workspace's files (but the .env chosen
// for the token), HOME and TMPDIR of the host, globalState and workspaceState, the webview's
// messages and state, every message, detail, button, progress title and status bar text shown, the
// URLs opened, and the tree's rows. Expected: no hit anywhere.

/** A GET over a plain socket: what a browser does, without VS Code's patched fetch and http in this process. */
function rawGet(host: string, port: number, pathAndQuery: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.write(`GET ${pathAndQuery} HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setTimeout(10000, () => socket.destroy(new Error('no answer from the callback listener')));
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

interface Place {
  kind: string;
  name: string;
  text: string;
}

suite('No secret leaks: every flow with known token values, then every place searched', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  /** Token values the flows used. */
  const values = new Map<string, string>();
  /** What the extension showed or sent outside the recorder: webview messages, panel titles, tree rows. */
  const extra: Place[] = [];
  let started = 0;

  suiteSetup(async function () {
    this.timeout(60000);
    started = Date.now();
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    // everything the channel can write, request lines (debug) included
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
    ui.install();
    ui.openResult = true;
    // the name step of a rotation: the offered name
    ui.replace(vscode.window as unknown as Record<string, unknown>, 'showInputBox', (o: vscode.InputBoxOptions) => Promise.resolve(o.value));
    ui.answer = (s) => {
      if (s.modal && s.items.includes('Revoke')) return 'Revoke';
      if (s.modal && s.items.includes('Replace')) return 'Replace';
      if (s.modal && s.items.includes('Rotate')) return 'Rotate';
      if (s.modal && s.items.includes('Copy Token')) return 'Copy Token';
      return undefined;
    };
    values.set('demo login token', emu.demoToken);
    values.set('ci-bot API token', emu.demoApiToken);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'info');
    ui.restore();
    emu?.clearFaults();
    await restoreAfterSuite(api, emu);
  });

  /** Values posted to reveal pages, by panel. */
  const sentToPage: { name: string; value: string }[] = [];

  /** Records what the extension posts to a reveal panel's page, and its title. */
  function watchPanel(probe: RevealProbeLike): void {
    const panel = probe.panel as vscode.WebviewPanel;
    extra.push({ kind: 'webview panel title', name: probe.tokenName, text: panel.title });
    const webview = panel.webview as unknown as { postMessage: (m: unknown) => Thenable<boolean> };
    const post = webview.postMessage.bind(webview);
    webview.postMessage = (m: unknown) => {
      // The page is sent its own token's value (its job is to show it): kept apart and checked in
      // createAndCopy; everything else in the message must be free of secrets.
      const { value, ...rest } = (m ?? {}) as { value?: unknown };
      if (value !== undefined) sentToPage.push({ name: probe.tokenName, value: String(value) });
      extra.push({ kind: 'webview message', name: probe.tokenName, text: JSON.stringify(rest) });
      return post(m);
    };
  }

  async function snapshotTree(when: string): Promise<void> {
    const rows: Row[] = [];
    for (const r of await rootRows(api)) {
      rows.push(r);
      if (r.contextValue === 'turso.user') rows.push(...(await childRows(api, r)));
    }
    for (const r of rows) {
      const tooltip = r.tooltip instanceof vscode.MarkdownString ? r.tooltip.value : String(r.tooltip ?? '');
      extra.push({
        kind: 'tree row', name: `${when}: ${r.label.slice(0, 40)}`,
        text: [r.label, r.description, tooltip, r.item.id, r.contextValue, r.item.accessibilityInformation?.label].join('\n'),
      });
    }
  }

  /**
   * The accounts' last known state in globalState (the tree paints it on a cold open), while signed
   * in: it must name the tokens of the list (so the search below has something to search) and hold no value.
   */
  async function snapshotKeptState(when: string, tokenName: string): Promise<void> {
    const kept = await waitFor(() => {
      const text = JSON.stringify(api.testProbe.globalState.get(ACCOUNT_CACHE_KEY) ?? null);
      return text.includes(`"${tokenName}"`) ? text : undefined;
    }, `${when}: globalState to keep the token list with ${tokenName}`);
    extra.push({ kind: `globalState ${ACCOUNT_CACHE_KEY}`, name: when, text: kept });
  }

  /** Creates a token through the command and returns its value, copied from its panel (as the Copy button does). */
  async function createAndCopy(name: string, restriction: unknown, then?: (probe: RevealProbeLike) => Promise<void>): Promise<string> {
    const clip = ui.clipboard.length;
    const done = vscode.commands.executeCommand('turso.createToken', undefined, own({ name, restriction }));
    const probe = await waitFor(() => api.revealPanels().find((p) => p.tokenName === name && p.revealed), `the reveal panel of ${name}`);
    watchPanel(probe);
    await probe.receive({ type: 'ready' });
    await probe.receive({ type: 'copy' });
    const value = ui.clipboard[clip];
    assert.ok(value, `${name}: the value was copied`);
    const sent = sentToPage.filter((m) => m.name === name);
    assert.ok(sent.length >= 1, `${name}: the page was sent its value`);
    assert.ok(sent.every((m) => m.value === value), `${name}: its page was sent its own value and no other`);
    assert.ok(sentToPage.filter((m) => m.name !== name).every((m) => m.value !== value), `${name}: no other page was sent this value`);
    if (then) await then(probe);
    probe.panel?.dispose();
    await done;
    return value;
  }

  test('every flow runs with known token values', async function () {
    this.timeout(90000);
    // sign in: by token (API token, login token), a forged token rejected
    assert.strictEqual(await signIn(emu.demoApiToken), true);
    const forged = forgedToken(emu.demoToken);
    values.set('forged token', forged);
    assert.strictEqual(await signIn(forged), false);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');

    // validate: the current credential, a pasted API token, a forged one
    const [user] = await rootRows(api);
    await vscode.commands.executeCommand('turso.validateToken', user.node);
    await vscode.commands.executeCommand('turso.validateToken', own({ token: emu.demoApiToken }));
    await vscode.commands.executeCommand('turso.validateToken', own({ token: forged }));

    // create, one of each restriction, and each way the value leaves the panel; the .env open in an
    // editor all along (VS Code's local history keeps a copy of every file saved through an editor)
    const envFile = path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', '.env');
    fs.writeFileSync(envFile, 'A=1\n');
    const envEditor = await vscode.window.showTextDocument(vscode.Uri.file(envFile), { preview: false });
    const orgValue = await createAndCopy('leak-org', { kind: 'org', organization: 'acme' }, async (p) => {
      await p.receive({ type: 'save-env' });
      assert.strictEqual(p.status?.kind, 'success', `saved to .env: ${JSON.stringify(p.status)}`);
    });
    values.set('created org token', orgValue);

    // rotate a token the open .env holds: the successor is written into it, the old one revoked
    const rotated = emu.addApiToken({ name: 'leak-rotated', owner: 'demo', organization: 'acme' });
    values.set('rotated token (old)', rotated.token);
    fs.appendFileSync(envFile, `ROTATED_TOKEN=${rotated.token}\n`);
    await waitFor(() => envEditor.document.getText().includes(rotated.token), 'the open .env to follow the file');
    await vscode.commands.executeCommand('turso.refresh');
    const rotatedRow = await waitFor(async () => (await childRows(api, (await rootRows(api))[0])).find((t) => t.label === 'leak-rotated'), 'the row of leak-rotated');
    const rotation = await vscode.commands.executeCommand<{ outcome: string }>('turso.rotateToken', rotatedRow.node);
    assert.strictEqual(rotation?.outcome, 'rotated', describeShown(ui.shown.slice(-6)));
    const successor = /ROTATED_TOKEN=(\S+)/.exec(fs.readFileSync(envFile, 'utf8'))?.[1] ?? '';
    assert.ok(successor && successor !== rotated.token, 'the .env holds the successor');
    values.set('rotated token (successor)', successor);
    await waitFor(() => envEditor.document.getText().includes(successor) && !envEditor.document.isDirty, 'the open .env to show the successor, clean');
    const groupValue = await createAndCopy('leak-group', { kind: 'group', organization: 'acme', group: 'default', scopes: ['read-only'] });
    values.set('created group token', groupValue);
    const unrestricted = await createAndCopy('leak-all', { kind: 'unrestricted' }, async (p) => {
      await p.receive({ type: 'use' }); // signs this extension in with it
    });
    values.set('created unrestricted token (used for the extension)', unrestricted);
    await snapshotTree('signed in with a created token');

    // the fallback modal when no panel can be shown (Copy Token)
    const w = vscode.window as unknown as Record<string, unknown>;
    const createPanel = w.createWebviewPanel;
    const clip = ui.clipboard.length;
    w.createWebviewPanel = () => {
      throw new Error('no webviews here');
    };
    try {
      await vscode.commands.executeCommand('turso.createToken', undefined, own({ name: 'leak-rescued', restriction: { kind: 'org', organization: 'acme' } }));
    } finally {
      w.createWebviewPanel = createPanel;
    }
    assert.ok(ui.clipboard[clip], 'the fallback modal copied the value');
    values.set('created token rescued by the modal', ui.clipboard[clip]);

    // a create that fails (name taken), and a validate of a revoked token
    await vscode.commands.executeCommand('turso.createToken', undefined, own({ name: 'leak-org', restriction: { kind: 'org', organization: 'acme' } }));
    await vscode.commands.executeCommand('turso.refresh');
    const rowsOf = async () => childRows(api, (await rootRows(api))[0]);
    const orgRow = (await rowsOf()).find((t) => t.label === 'leak-org') as Row;
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeToken', orgRow.node), 'revoked');
    await vscode.commands.executeCommand('turso.validateToken', own({ token: orgValue }));

    // a server that echoes the credential (and another token) in its errors: tree, status, notifications
    emu.injectFault({ kind: 'status', status: 500, error: `internal error for bearer ${unrestricted} (also ${groupValue})`, method: 'GET' });
    await vscode.commands.executeCommand('turso.refresh');
    await snapshotTree('a server error echoing the credential');
    await vscode.commands.executeCommand('turso.validateToken', own({ token: groupValue }));
    emu.clearFaults();
    emu.injectFault({ kind: 'status', status: 401, error: `token ${unrestricted} has been revoked`, method: 'POST' });
    await vscode.commands.executeCommand('turso.createToken', undefined, own({ name: 'leak-401', restriction: { kind: 'unrestricted' } }));
    emu.clearFaults();
    emu.injectFault({ kind: 'status', status: 401, error: `rejected ${forged}`, method: 'GET' });
    assert.strictEqual(await signIn(forged), false);
    emu.clearFaults();

    // revoke the extension's own credential: signs out
    await vscode.commands.executeCommand('turso.refresh');
    const selfRow = (await rowsOf()).find((t) => t.label === 'leak-all') as Row;
    assert.ok(selfRow?.contextValue.includes(';current'), 'signed in with leak-all');
    await snapshotKeptState('signed in with a created token', 'leak-all');
    assert.strictEqual(await vscode.commands.executeCommand('turso.revokeToken', selfRow.node), 'revoked-self');
    await waitForSignedOutTree(api);

    // sign in with the browser: the test plays the browser (the authorize form, then the redirect)
    const opened = ui.opened.length;
    const browser = vscode.commands.executeCommand<boolean>('turso.signIn', own({ way: 'browser' }));
    const authorize = await waitFor(() => ui.opened[opened], 'the authorize URL to be opened');
    const params = new URL(authorize).searchParams;
    const form = new URLSearchParams({ port: params.get('port') ?? '', redirect: 'true', state: params.get('state') ?? '', type: 'cli' });
    const res = await fetch(`${emu.url}/`, { method: 'POST', body: form, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const location = new URL(res.headers.get('location') ?? '');
    values.set('browser sign-in token', location.searchParams.get('jwt') ?? '');
    // as the browser does it: not through this extension host's fetch (its proxy resolver logs URLs at debug level)
    await rawGet('127.0.0.1', Number(location.port), `${location.pathname}${location.search}`);
    assert.strictEqual(await browser, true, 'signed in with the browser');
    await waitForRoot(api, 'turso.user');
    await snapshotTree('signed in with the browser');
    await snapshotKeptState('signed in with the browser', 'leak-rescued');

    // database tokens in an env file: Problems, hover, Replace with a New Token, the libSQL check (the
    // values go only to the file and to their database); the file is removed before the search
    const dbDir = path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', 'leak-db');
    const dbEnv = path.join(dbDir, '.env');
    const dbRes = await fetch(`${emu.url}/v1/organizations/demo/databases/notes/auth/tokens?expiration=2d&authorization=full-access`, { method: 'POST', headers: { authorization: `Bearer ${emu.demoToken}` } });
    assert.strictEqual(dbRes.status, 200, 'the emulator minted a database token');
    const dbOld = ((await dbRes.json()) as { jwt: string }).jwt;
    values.set('database token (replaced)', dbOld);
    fs.mkdirSync(dbDir, { recursive: true });
    fs.writeFileSync(dbEnv, `TURSO_DATABASE_URL=libsql://notes-demo.turso.io\nTURSO_AUTH_TOKEN=${dbOld}\n`);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.turso');
      const dbUri = vscode.Uri.file(dbEnv);
      const [expiring] = await waitFor(() => {
        const list = vscode.languages.getDiagnostics(dbUri).filter((d) => d.code === 'database-token-expiring' && /of demo/.test(d.message));
        return list.length > 0 ? list : undefined;
      }, 'the database token\'s warning', 20000);
      extra.push({ kind: 'Problems panel', name: 'database token', text: JSON.stringify(vscode.languages.getDiagnostics(dbUri).map((d) => ({ message: d.message, code: d.code }))) });
      await vscode.workspace.openTextDocument(dbUri);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', dbUri, new vscode.Position(1, 'TURSO_AUTH_TOKEN='.length + 4));
      const hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.ok(hover.includes('Turso database token'), `the database token's hover: ${hover.slice(0, 200)}`);
      extra.push({ kind: 'hover', name: 'database token', text: `${hover}\n${hover.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1')}` });
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', dbUri, new vscode.Range(expiring.range.start, expiring.range.end));
      extra.push({ kind: 'quick fixes', name: 'database token', text: JSON.stringify(actions.map((a) => ({ title: a.title, command: a.command }))) });
      const replace = actions.find((a) => a.title === 'Replace with a New Token');
      assert.ok(replace?.command, 'Replace with a New Token is offered');
      assert.strictEqual(await vscode.commands.executeCommand(replace.command.command, ...(replace.command.arguments ?? [])), 'replaced');
      const dbNew = /TURSO_AUTH_TOKEN=(\S+)/.exec(fs.readFileSync(dbEnv, 'utf8'))?.[1] ?? '';
      assert.ok(dbNew && dbNew !== dbOld, 'the .env holds the replacement');
      values.set('database token (its replacement)', dbNew);
      const counts = await vscode.commands.executeCommand<{ opens: number }>('turso.checkDatabaseTokens');
      assert.ok(counts && counts.opens >= 1, `the libSQL check: ${JSON.stringify(counts)}`);
    } finally {
      fs.rmSync(dbDir, { recursive: true, force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }

    // sign out: the last known state goes too
    await signOut();
    await waitForSignedOutTree(api);
    await waitFor(() => api.testProbe.globalState.get(ACCOUNT_CACHE_KEY) === undefined, 'globalState to keep no account after signing out');
    // the log ends with this flow's lines (the channel writes its file asynchronously)
    await waitFor(() => /Revoked API token "leak-all"/.test(readIfExists(tursoLogFile(api))), 'the Turso log to be written', 10000);
    for (const [k, v] of values) assert.ok(v && v.split('.').length === 3, `${k} is a JWT`);
  });

  test('no token value, JWT payload or signature anywhere the extension can write', async function () {
    this.timeout(60000);
    const needles: { label: string; needle: string }[] = [];
    for (const [label, value] of values) {
      const [, payload, signature] = value.split('.');
      needles.push({ label: `${label} (value)`, needle: value }, { label: `${label} (payload)`, needle: payload }, { label: `${label} (signature)`, needle: signature });
    }
    const places: Place[] = [];
    const file = (kind: string, f: string) => places.push({ kind, name: f, text: fs.readFileSync(f, 'latin1') });
    const hp = hostPaths(api);

    // the workspace's tokens: the chosen .env's token, and a revoked one in another env file (both
    // files are where the values may be): the Problems panel, the quick fixes and the hovers
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(ws, 'a workspace folder is open');
    const envFile = path.join(ws, '.env');
    const revokedEnv = path.join(ws, 'revoked.env');
    const revokedValue = values.get('created unrestricted token (used for the extension)') as string;
    fs.writeFileSync(revokedEnv, `TURSO_API_TOKEN=${revokedValue}\n`);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.turso');
      await vscode.commands.executeCommand('turso.refresh');
      const revokedUri = vscode.Uri.file(revokedEnv);
      const diagnostics = await waitFor(() => {
        const list = vscode.languages.getDiagnostics(revokedUri);
        return list.some((d) => /revoked/.test(d.message)) ? list : undefined;
      }, 'the revoked token\'s diagnostic', 15000);
      places.push({ kind: 'Problems panel', name: 'every diagnostic', text: JSON.stringify(vscode.languages.getDiagnostics().map(([u, ds]) => [u.toString(), ds.map((d) => ({ message: d.message, code: d.code, source: d.source, range: d.range }))])) });
      await vscode.workspace.openTextDocument(revokedUri);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', revokedUri, new vscode.Range(diagnostics[0].range.start, diagnostics[0].range.end));
      assert.ok(actions.length > 0, 'the revoked token has quick fixes');
      places.push({ kind: 'quick fixes', name: 'revoked.env', text: JSON.stringify(actions.map((a) => ({ title: a.title, command: a.command }))) });
      for (const [f, value] of [[envFile, values.get('created org token') as string], [revokedEnv, revokedValue]] as const) {
        const doc = await vscode.workspace.openTextDocument(f);
        const line = doc.getText().split(/\r?\n/).findIndex((l) => l.includes(value));
        assert.ok(line >= 0, `${f} holds its token`);
        const at = new vscode.Position(line, doc.lineAt(line).text.indexOf(value) + 4);
        const text = await waitFor(async () => {
          const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
          const t = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
          return t.includes('Turso API token') ? t : undefined;
        }, `the hover on the token of ${f}`, 15000);
        // as it reads, Markdown escapes undone
        places.push({ kind: 'hover', name: f, text: `${text}\n${text.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1')}` });
      }
    } finally {
      fs.rmSync(revokedEnv, { force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }

    // the output channel, and every log of this session (extension host, server, other extensions)
    const turso = tursoLogFile(api);
    assert.ok(fs.existsSync(turso), `the Turso output channel writes ${turso}`);
    assert.match(readIfExists(turso), /Created API token "leak-org"/, 'it is the Turso channel, with this suite\'s lines');
    assert.match(readIfExists(turso), /\[(debug|trace)\] GET \/v1\/user → 200/, 'at trace level, the request lines are written too');
    for (const f of walkFiles(hp.sessionLogs)) file(f === turso ? 'output channel "Turso"' : 'log file', f);
    if (hp.instance && fs.existsSync(path.join(hp.instance, 'code-server.log'))) file('log file', path.join(hp.instance, 'code-server.log'));

    // settings and storage: user data (settings.json, globalStorage, workspaceStorage, history…), machine settings
    if (hp.userData) {
      const settings = path.join(hp.userData, 'User', 'settings.json');
      assert.ok(fs.existsSync(settings), 'user settings.json');
      for (const f of walkFiles(hp.userData, (name) => name === 'logs' || name === 'CachedExtensionVSIXs')) {
        file(f === settings ? 'user settings.json' : 'user data file', f);
      }
    }

    // the workspace (but the .env explicitly chosen for the token), HOME and TMPDIR of the host
    assert.ok(readIfExists(envFile).includes(values.get('created org token') as string), 'the chosen .env has the token (the one place it may be)');
    const wsSettings = path.join(ws, '.vscode', 'settings.json');
    for (const f of walkFiles(ws, (_n, full) => full === envFile)) file(f === wsSettings ? 'workspace settings.json' : 'workspace file', f);
    // the extension writes no workspace settings; when there are none, that is checked too
    if (!fs.existsSync(wsSettings)) places.push({ kind: 'workspace settings.json', name: `${wsSettings} (absent)`, text: '' });
    places.push({ kind: 'workspace settings (API)', name: 'turso.* in the workspace', text: JSON.stringify(vscode.workspace.getConfiguration('turso').inspect('apiBaseUrl')) });
    if (hp.instance) {
      for (const dir of ['home', 'tmp']) {
        const root = path.join(hp.instance, dir);
        for (const f of walkFiles(root, (name) => name === 'node_modules' || name === '.cache')) {
          if (fs.statSync(f).mtimeMs >= started - 1000) file(`${dir} file written during the suite`, f);
        }
      }
    }

    // mementos
    for (const [kind, memento] of [['globalState', api.testProbe.globalState], ['workspaceState', api.testProbe.workspaceState]] as const) {
      places.push({ kind, name: kind, text: JSON.stringify(memento.keys().map((k) => [k, memento.get(k)])) });
    }

    // the webview: what was posted to the page, its titles, and its script never keeps state
    places.push(...extra);
    const ext = vscode.extensions.getExtension(EXTENSION_ID) as vscode.Extension<unknown>;
    const script = readIfExists(path.join(ext.extensionPath, 'media', 'reveal.js'));
    assert.ok(script.length > 0, 'media/reveal.js');
    assert.ok(!/\bsetState\s*\(/.test(script), 'the reveal page never calls setState (no webview state to leak into)');
    places.push({ kind: 'webview state', name: 'reveal.js setState', text: '' });

    // everything shown and opened
    ui.shown.forEach((s, i) => places.push({ kind: `shown ${s.kind}`, name: `#${i} ${s.message.slice(0, 50)}`, text: [s.message, s.detail ?? '', ...s.items].join('\n') }));
    ui.opened.forEach((u, i) => places.push({ kind: 'URL opened', name: `#${i}`, text: u }));
    assert.ok(ui.opened.length >= 1, 'the browser sign-in opened a URL');

    const hits: string[] = [];
    for (const p of places) {
      for (const n of needles) {
        if (n.needle && p.text.includes(n.needle)) hits.push(`${n.label} in ${p.kind}: ${p.name}`);
      }
    }
    // and nothing JWT-shaped at all in the logs, settings or state (a token the test does not know)
    const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
    for (const p of places.filter((x) => /log|settings|state|storage|user data/.test(x.kind))) {
      const m = jwtShape.exec(p.text);
      if (m) hits.push(`a JWT-shaped string in ${p.kind}: ${p.name}`);
    }
    const kinds: Record<string, number> = {};
    for (const p of places) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    figures.leaks = { places: places.length, placeKinds: kinds, values: values.size, needles: needles.length, hits };
    console.log(`  searched ${places.length} places for ${values.size} token values (${needles.length} needles): ${hits.length} hits`);
    assert.ok(ui.shown.length > 20, `the flows showed messages: ${describeShown(ui.shown).slice(0, 200)}`);
    assert.deepStrictEqual(hits, [], 'no secret anywhere the extension writes');
  });
});

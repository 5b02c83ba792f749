import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  childRows, describeRows, restoreAfterSuite, rootRows, Row, signIn, startEmulator, waitFor, own,
} from './helpers';
import {
  describeShown, EmuRequest, fakeQuickPick, figures, FixtureEmulator, fixtures, ProbedApi, probedSignedOut, Shown, UiRecorder,
} from './faultHelpers';

// Issue 6, hostile strings: what the server says (user display name, email, plan, organization and
// group names, token names, error messages) reaches tree labels, tooltips, notifications and the
// reveal webview as inert text: no HTML, no Markdown, no command or javascript: links, no control or
// bidirectional-override characters, no $(…) icon syntax where it is drawn (rows, picker items), and
// bounded lengths. And token names that would break a URL path reach the API encoded: the emulator's
// raw request path is checked.

const HOSTILE: { id: string; s: string; marker: string }[] = [
  { id: 'html', s: '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b>', marker: 'onerror' },
  { id: 'markdown', s: '**bold** _em_ # H1 `code` ![i](https://evil.example/i.png) [site](https://evil.example)', marker: 'evil.example' },
  { id: 'command link', s: '[Click to fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D)', marker: 'Click to fix' },
  { id: 'titled command link', s: '[Sign out](command:turso.signOut "Sign out of Turso")', marker: 'Sign out' },
  { id: 'javascript: url', s: '[js](javascript:alert(1)) <a href="javascript:alert(1)">x</a> javascript:alert(1)', marker: 'alert(1)' },
  { id: 'file link', s: '[passwd](file:///etc/passwd)', marker: 'passwd' },
  { id: 'very long', s: `long-${'L'.repeat(20000)}-end`, marker: 'long-LLLL' },
  { id: 'rtl', s: 'admin\u202Etxt.exe \u2067isolated\u2069 \u200Fשלום مرحبا', marker: 'admin' },
  { id: 'control', s: 'bell\u0007 nul\u0000 esc\u001b[31mred cr\rlf\nc1\u0085del\u007f tab\t', marker: 'bell' },  { id: 'codicon', s: '$(account) admin $(sync~spin)$(pass-filled)', marker: 'admin' },
];

/** VS Code's own pattern for links in notifications, quick input messages and progress (base/common/linkedText.ts). */
const LINKED_TEXT = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
/** Control characters (C0 but the tooltip's own newlines, DEL, C1) and bidirectional controls. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_MD = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Notifications longer than this are cut by VS Code (and lose their end: what to do). */
const MAX_NOTIFICATION = 1000;
const MAX_LABEL = 256;

/**
 * The raw path is /v1/auth/api-tokens/<one segment>: only unreserved characters, sub-delimiters,
 * ':' '@' and percent-escapes (RFC 3986 pchar), and it decodes back to the name exactly.
 */
function assertEncodedSegment(rawPath: string, name: string): void {
  const prefix = '/v1/auth/api-tokens/';
  assert.ok(rawPath.startsWith(prefix), `the path ${rawPath} is under ${prefix}`);
  const segment = rawPath.slice(prefix.length);
  assert.match(segment, /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/, `"${name}" is one encoded path segment: ${rawPath}`);
  assert.ok(!/[/?#\s]/.test(segment), `no raw / ? # or space in ${rawPath}`);
  assert.strictEqual(decodeURIComponent(segment), name, `${rawPath} decodes to the name`);
}

suite('Hostile strings are rendered inert; token names are encoded in URL paths', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  const live: string[] = [];
  const surfaces = new Set<string>();
  let checks = 0;
  let encodedPaths = 0;

  const flag = (surface: string, what: string, problem: string, text: string) => {
    live.push(`${surface} [${what}]: ${problem}: ${JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…(${text.length})` : text)}`);
  };

  /** A plain-text surface (tree label, description, accessibility label, panel title). */
  function checkPlain(surface: string, what: string, text: string | undefined, max = MAX_LABEL): void {
    if (text === undefined) return;
    surfaces.add(surface);
    checks++;
    if (UNSAFE.test(text)) flag(surface, what, 'control or bidi character', text);
    if (text.length > max) flag(surface, what, `${text.length} characters`, text);
    if (/&lt;|&amp;|&quot;/.test(text)) flag(surface, what, 'HTML-escaped in plain text (double escaping)', text);
    // Rows, quick pick items and the status bar draw $(name) as an icon.
    if (/\$\(/.test(text)) flag(surface, what, 'codicon syntax, drawn as an icon', text);
  }

  /** A MarkdownString tooltip: HTML and command links off, server text escaped. */
  function checkTooltip(surface: string, what: string, tooltip: string | vscode.MarkdownString | undefined): void {
    if (tooltip === undefined) return;
    surfaces.add(surface);
    checks++;
    if (typeof tooltip === 'string') {
      if (UNSAFE.test(tooltip)) flag(surface, what, 'control or bidi character', tooltip);
      return;
    }
    if (tooltip.isTrusted) flag(surface, what, 'isTrusted (command links live)', tooltip.value);
    if (tooltip.supportHtml) flag(surface, what, 'supportHtml (HTML rendered)', tooltip.value);
    if (/(^|[^\\])\]\(/.test(tooltip.value)) flag(surface, what, 'unescaped Markdown link', tooltip.value);
    if (/(^|[^\\])!\[/.test(tooltip.value)) flag(surface, what, 'unescaped Markdown image', tooltip.value);
    if (UNSAFE_MD.test(tooltip.value)) flag(surface, what, 'control or bidi character', tooltip.value);
    if (tooltip.value.length > 8000) flag(surface, what, `${tooltip.value.length} characters`, tooltip.value);
  }

  /** A notification, modal or progress title as VS Code renders it. */
  function checkShown(surface: string, what: string, shown: Shown[]): void {
    for (const s of shown) {
      for (const text of [s.message, s.detail ?? '']) {
        surfaces.add(surface);
        checks++;
        if (LINKED_TEXT.test(text)) flag(surface, what, `live link in a ${s.kind} message`, text);
        if (UNSAFE.test(text)) flag(surface, what, `control or bidi character in a ${s.kind} message`, text);
        if (text.length > MAX_NOTIFICATION) flag(surface, what, `${s.kind} message of ${text.length} characters (VS Code cuts it)`, text);
      }
    }
  }

  function checkRow(surface: string, what: string, row: Row): void {
    checkPlain(`${surface} label`, what, row.label);
    checkPlain(`${surface} description`, what, row.description);
    checkPlain(`${surface} accessibility label`, what, row.item.accessibilityInformation?.label, 2 * MAX_LABEL + 100);
    checkTooltip(`${surface} tooltip`, what, row.tooltip);
  }

  function assertNothingLive(mark: number): void {
    assert.deepStrictEqual(live.slice(mark), [], 'hostile text rendered live or unbounded');
  }

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    assert.strictEqual(await signIn(emu.demoToken), true);
    ui.install();
    ui.answer = (s) => (s.modal && s.items.includes('Revoke') ? 'Revoke' : undefined);
  });
  suiteTeardown(async () => {
    ui.restore();
    emu?.clearFaults();
    await restoreAfterSuite(api, emu);
    figures.hostile = { strings: HOSTILE.length, surfaces: [...surfaces].sort(), checks, live: [...live], encodedPaths };
  });

  async function userRow(): Promise<{ user: Row; tokens: Row[] }> {
    await vscode.commands.executeCommand('turso.refresh');
    const roots = await rootRows(api);
    assert.ok(roots.length === 1 && roots[0].contextValue === 'turso.user', describeRows(roots));
    return { user: roots[0], tokens: await childRows(api, roots[0]) };
  }

  test('user display name, email and plan: the account node and its tooltip', async () => {
    const mark = live.length;
    for (const h of HOSTILE) {
      emu.patchUser('demo', { name: h.s, email: `${h.s}@example.com`, plan: h.s });
      const { user } = await userRow();
      assert.ok(user.label.includes(h.marker.slice(0, 4)), `the name is shown as text: ${user.label.slice(0, 80)}`);
      checkRow('account node', h.id, user);
    }
    emu.patchUser('demo', { name: 'Demo User', email: 'demo@example.com', plan: 'developer' });
    assertNothingLive(mark);
  });

  test('token, organization and group names: token nodes, and the revoke confirmation and notification', async () => {
    const mark = live.length;
    // A name still has to fit in a request line (servers refuse URLs of 20 000 characters): 1 500 here.
    const nameOf = (h: (typeof HOSTILE)[number]) => (h.s.length > 1500 ? `${h.s.slice(0, 1500)}-end` : h.s);
    for (const h of HOSTILE) {
      emu.addApiToken({ name: nameOf(h), organization: 'acme', group: h.s, scopes: ['read'] });
    }
    const { tokens } = await userRow();
    for (const h of HOSTILE) {
      const row = tokens.find((t) => (t.node as { token?: { name?: string } }).token?.name === nameOf(h));
      assert.ok(row, `token "${h.id}" is listed: ${describeRows(tokens).slice(0, 300)}`);
      checkRow('token node', h.id, row);
    }
    for (const h of HOSTILE) {
      const row = tokens.find((t) => (t.node as { token?: { name?: string } }).token?.name === nameOf(h)) as Row;
      const mark2 = ui.mark();
      const reqMark = emu.requests.length;
      const outcome = await vscode.commands.executeCommand('turso.revokeToken', row.node);
      assert.strictEqual(outcome, 'revoked', `revoking "${h.id}"`);
      checkShown('revoke messages', h.id, ui.shown.slice(mark2));
      const del = emu.requests.slice(reqMark).filter((r) => r.method === 'DELETE');
      assert.strictEqual(del.length, 1, `one DELETE for "${h.id}"`);
      assertEncodedSegment(del[0].path, nameOf(h));
    }
    assertNothingLive(mark);
  });

  test('server error messages: the tree error node, and the create, validate, sign-in and 401 notifications', async function () {
    this.timeout(60000);
    const mark = live.length;
    for (const h of HOSTILE) {
      // the tree
      emu.injectFault({ kind: 'status', status: 500, error: h.s, method: 'GET' });
      await vscode.commands.executeCommand('turso.refresh');
      const roots = await rootRows(api);
      emu.clearFaults();
      assert.ok(roots.length === 1 && roots[0].contextValue.startsWith('turso.error'), describeRows(roots));
      checkRow('error node', h.id, roots[0]);
      // notifications: create (400 with the server's reason), validate (500), sign in (401), the one 401 prompt
      const m = ui.mark();
      emu.injectFault({ kind: 'status', status: 400, error: h.s, method: 'POST' });
      await vscode.commands.executeCommand('turso.createToken', undefined, own({ name: 'hostile-error', restriction: { kind: 'unrestricted' } }));
      emu.clearFaults();
      emu.injectFault({ kind: 'status', status: 500, error: h.s, method: 'GET' });
      await vscode.commands.executeCommand('turso.validateToken', own({ token: emu.demoApiToken }));
      emu.clearFaults();
      emu.injectFault({ kind: 'status', status: 401, error: h.s, method: 'GET' });
      assert.strictEqual(await signIn(emu.demoApiToken), false);
      emu.clearFaults();
      assert.strictEqual(await signIn(emu.demoToken), true); // resets the one-prompt gate
      emu.injectFault({ kind: 'status', status: 401, error: h.s, method: 'POST' });
      await vscode.commands.executeCommand('turso.createToken', undefined, own({ name: 'hostile-401', restriction: { kind: 'unrestricted' } }));
      emu.clearFaults();
      const shown = ui.shown.slice(m);
      assert.ok(shown.filter((s) => s.kind === 'error' || s.kind === 'warning').length >= 4, describeShown(shown).slice(0, 500));
      checkShown('error notifications', h.id, shown);
    }
    assertNothingLive(mark);
  });

  test('the reveal webview: the token name and a hostile group name are escaped; the panel title is plain', async function () {
    this.timeout(60000);
    const mark = live.length;
    let i = 0;
    for (const h of HOSTILE) {
      emu.addGroup('acme', h.s);
      const name = `hostile-reveal-${++i}`;
      const m = ui.mark();
      const done = vscode.commands.executeCommand('turso.createToken', undefined, own({
        name, restriction: { kind: 'group', organization: 'acme', group: h.s, scopes: ['read-only'] },
      }));
      const probe = await waitFor(() => api.revealPanels().find((p) => p.tokenName === name && p.revealed), `the reveal panel of ${name}`);
      const panel = probe.panel as vscode.WebviewPanel;
      const html = panel.webview.html;
      surfaces.add('reveal webview');
      checks++;
      if (/[<>"]/.test(h.s) && html.includes(h.s)) flag('reveal webview', h.id, 'raw HTML in the page', h.s);
      if (!html.includes(h.marker.replace(/"/g, '&quot;'))) flag('reveal webview', h.id, 'the group name is not shown', h.marker);
      const body = html.slice(html.indexOf('<body'));
      if ((body.match(/<script\b/g) ?? []).length !== 1) flag('reveal webview', h.id, 'an extra script element', body.slice(0, 300));
      if (/\son[a-z]+=/i.test((body.match(/<[^>]*>/g) ?? []).join(''))) flag('reveal webview', h.id, 'an event handler attribute', body.slice(0, 300));
      checkPlain('reveal panel title', h.id, panel.title);
      assert.strictEqual(panel.webview.options.enableCommandUris, false, 'the reveal webview has command URIs off');
      await probe.receive({ type: 'copy' });
      panel.dispose();
      await done;
      checkShown('create notifications', h.id, ui.shown.slice(m));
    }
    assertNothingLive(mark);
  });

  test('organization and group names in the create wizard: plain, bounded picker items; the group reaches the API exactly', async function () {
    this.timeout(60000);
    const mark = live.length;
    const w = vscode.window as unknown as Record<string, unknown>;
    const originals = { createQuickPick: w.createQuickPick, showInputBox: w.showInputBox };
    let i = 0;
    try {
      for (const h of HOSTILE) {
        const group = `wizard-${++i}-${h.s}`;
        const name = `hostile-wizard-${i}`;
        emu.patchOrg('acme', { name: h.s });
        emu.addGroup('acme', group);
        const picks: { title: string; items: vscode.QuickPickItem[] }[] = [];
        w.showInputBox = () => Promise.resolve(name);
        w.createQuickPick = () => fakeQuickPick(picks, (title, items) => {
          const it = items as (vscode.QuickPickItem & { restriction?: string; slug?: string; group?: string; scope?: string })[];
          if (/Access/.test(title)) return it.filter((x) => x.restriction === 'group');
          if (/Organization/.test(title)) return it.filter((x) => x.slug === 'acme');
          if (/Group in/.test(title)) return it.filter((x) => x.group === group);
          if (/Permissions/.test(title)) return it.filter((x) => x.scope === 'read-only');
          return [];
        });
        const done = vscode.commands.executeCommand('turso.createToken');
        const probe = await waitFor(() => api.revealPanels().find((p) => p.tokenName === name && p.revealed), `the reveal panel of ${name}`);
        await probe.receive({ type: 'copy' });
        probe.panel?.dispose();
        await done;
        assert.strictEqual(picks.length, 4, `four pickers: ${JSON.stringify(picks.map((p) => p.title))}`);
        for (const p of picks) {
          checkPlain('quick pick title', h.id, p.title);
          for (const item of p.items) {
            checkPlain('quick pick label', h.id, item.label);
            checkPlain('quick pick description', h.id, item.description);
            checkPlain('quick pick detail', h.id, item.detail);
          }
        }
        const post = emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${name}`));
        assert.deepStrictEqual(post.map((r) => r.body), [{ organization: 'acme', group, scopes: ['read-only'] }], 'the group name is sent exactly as the API listed it');
      }
    } finally {
      Object.assign(w, originals);
      emu.patchOrg('acme', { name: 'Acme Inc.' });
    }
    assertNothingLive(mark);
  });

  /** Revokes the listed token named `name` through the command; returns its outcome and the DELETEs it sent. */
  async function revokeListed(tokens: Row[], name: string): Promise<{ outcome: unknown; deletes: EmuRequest[] }> {
    const row = tokens.find((t) => (t.node as { token?: { name?: string } }).token?.name === name);
    assert.ok(row, `"${name}" is listed`);
    const reqMark = emu.requests.length;
    const outcome = await vscode.commands.executeCommand('turso.revokeToken', row.node);
    return { outcome, deletes: emu.requests.slice(reqMark).filter((r) => r.method === 'DELETE') };
  }

  test('token names that would break a URL path reach the API encoded (raw path checked)', async () => {
    const names = ['a/b', 'what?x=1', 'hash#tag', '100%', '50%2F', 'with space', 'semi;colon', 'plus+sign', 'ünïcödé', 'quote\'"', 'back\\slash'];
    for (const name of names) emu.addApiToken({ name });
    const { tokens } = await userRow();
    for (const name of names) {
      const { outcome, deletes: sent } = await revokeListed(tokens, name);
      assert.deepStrictEqual(sent.map((r) => r.status), [200], `one DELETE for "${name}", answered 200: ${JSON.stringify(sent.map((r) => r.path))}`);
      assertEncodedSegment(sent[0].path, name);
      assert.strictEqual(outcome, 'revoked', `"${name}" revoked`);
      encodedPaths++;
    }
    const after = await userRow();
    for (const name of names) assert.ok(!after.tokens.some((t) => t.label === name), `"${name}" is gone`);
  });

  test('"." and ".." cannot be sent as a path segment: nothing is sent to another path, and the message says why', async () => {
    const names = ['.', '..'];
    for (const name of names) emu.addApiToken({ name });
    const { tokens } = await userRow();
    for (const name of names) {
      const m = ui.mark();
      const { outcome, deletes: stray } = await revokeListed(tokens, name);
      assert.deepStrictEqual(stray.map((r) => r.path), [], `no DELETE reached another path for "${name}"`);
      assert.strictEqual(outcome, 'failed');
      const errors = ui.messagesSince(m, (s) => s.kind === 'error');
      assert.strictEqual(errors.length, 1, describeShown(ui.messagesSince(m)));
      assert.match(errors[0].message, /cannot be (sent|used) in a URL/i);
      encodedPaths++;
    }
  });

  test('Open Where Used from the palette: token names and the places (a folder named with $(…) too) as plain picker items', async function () {
    this.timeout(60000);
    const mark = live.length;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opened a workspace folder');
    const base = path.join(folder.uri.fsPath, `hostile-usage-${process.pid}-${Date.now()}`);
    const codicon = HOSTILE.find((h) => h.id === 'codicon')!.s;
    const minted = HOSTILE.map((h, i) => ({ h, ...emu.addApiToken({ name: `${h.s}-${i}`, owner: 'demo' }) }));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    };
    minted.forEach((m, i) => write(path.join(base, `svc${i}`, '.env'), `TURSO_API_TOKEN=${m.token}\n`));
    // The first token is in a second file too, under a folder whose name draws icons if taken as syntax.
    write(path.join(base, codicon, '.env'), `TURSO_API_TOKEN=${minted[0].token}\n`);
    const w = vscode.window as unknown as Record<string, unknown>;
    const original = w.createQuickPick;
    const picks: { title: string; items: vscode.QuickPickItem[] }[] = [];
    type Item = vscode.QuickPickItem & { id?: string; usage?: { uri: vscode.Uri } };
    let choose: (items: readonly Item[]) => Item[] = () => [];
    w.createQuickPick = () => fakeQuickPick(picks, (_title, items) => choose(items as readonly Item[]));
    try {
      await vscode.commands.executeCommand('workbench.view.extension.turso');
      await vscode.commands.executeCommand('turso.refresh');
      // Cancelled picks until the scan has found every token and the list knows them all.
      await waitFor(async () => {
        picks.length = 0;
        await vscode.commands.executeCommand('turso.openTokenUsage');
        const ids = new Set((picks[0]?.items ?? []).map((i) => (i as Item).id));
        return minted.every((m) => ids.has(m.id));
      }, `every hostile token in the Open Where Used pick (${minted.length})`, 30000);
      picks.length = 0;
      choose = (items) => {
        const token = items.filter((i) => i.id === minted[0].id);
        return token.length ? token : items.filter((i) => i.usage?.uri.fsPath.includes(codicon));
      };
      const opened = await vscode.commands.executeCommand<{ uri: vscode.Uri } | undefined>('turso.openTokenUsage');
      assert.strictEqual(picks.length, 2, `a pick of the token, then of its two places: ${JSON.stringify(picks.map((p) => p.items.length))}`);
      assert.strictEqual(picks[1].items.length, 2);
      assert.ok(opened?.uri.fsPath.includes(codicon), `the place picked was opened: ${opened?.uri.fsPath}`);
      for (const p of picks) {
        for (const item of p.items) {
          checkPlain('Open Where Used pick label', 'names and paths', item.label);
          checkPlain('Open Where Used pick description', 'names and paths', item.description);
        }
      }
      for (const item of picks[1].items) {
        assert.ok(item.label.includes('.env:1'), `a place reads path:line: ${item.label}`);
      }
    } finally {
      w.createQuickPick = original;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(base, { recursive: true, force: true });
    }
    assertNothingLive(mark);
  });
});


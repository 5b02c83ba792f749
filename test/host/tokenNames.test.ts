import * as assert from 'assert';
import * as vscode from 'vscode';
import { restoreAfterSuite, RevealProbe, signIn, startEmulator, waitFor, waitForRoot } from './helpers';
import { describeShown, fakeQuickPick, FixtureEmulator, fixtures, ProbedApi, probedSignedOut, UiRecorder } from './faultHelpers';

// Token names: the client's rule (the one the Turso CLI dropped when the server took names over) is a
// hint while typing, never a wall. The name box shows it as a warning, which lets Enter through; the
// name is sent; the server's answer decides, and its reason comes back with Change Name. Only an
// empty name is refused. The emulator keeps its server-side rule.

type Picked = vscode.QuickPickItem & { restriction?: string; slug?: string };

suite('Token names: the rule is a hint while typing, the server decides', function () {
  let emu: FixtureEmulator;
  let api: ProbedApi;
  const ui = new UiRecorder();
  /** Each name box shown, and what the person types in it. */
  const boxes: vscode.InputBoxOptions[] = [];
  let typed: string[] = [];

  suiteSetup(async function () {
    this.timeout(60000);
    emu = fixtures(await startEmulator());
    api = await probedSignedOut(emu);
    assert.strictEqual(await signIn(emu.demoToken), true);
    await waitForRoot(api, 'turso.user');
    ui.install();
    const w = vscode.window as unknown as Record<string, unknown>;
    ui.replace(w, 'showInputBox', (options: vscode.InputBoxOptions) => {
      boxes.push(options);
      return Promise.resolve(typed.shift());
    });
    ui.replace(w, 'createQuickPick', () => fakeQuickPick([], (title, items) => {
      const it = items as Picked[];
      if (/Access/.test(title)) return it.filter((x) => x.restriction === 'org');
      if (/Organization/.test(title)) return it.filter((x) => x.slug === 'acme');
      return [];
    }));
  });
  suiteTeardown(async () => {
    ui.restore();
    await restoreAfterSuite(api, emu);
  });

  /** What the name box says about `text`, as VS Code gets it. */
  async function validation(box: vscode.InputBoxOptions, text: string): Promise<string | vscode.InputBoxValidationMessage | undefined | null> {
    assert.ok(box.validateInput, 'the name box checks as the person types');
    return box.validateInput(text);
  }

  test('a name the rule dislikes gets a warning (Enter goes through); only an empty name is an error', async () => {
    boxes.length = 0;
    typed = [];
    await vscode.commands.executeCommand('turso.createToken'); // the box is dismissed: nothing is created
    const [box] = boxes;
    assert.match(box.prompt ?? '', /1–32 lowercase letters, digits and hyphens/, 'the prompt states the rule');
    for (const name of ['Bad_Name', 'CI-Bot', 'a'.repeat(40), '-lead', 'with space', 'ci-bot']) {
      const said = await validation(box, name);
      assert.ok(said && typeof said === 'object', `"${name}": a message with a severity, not a bare string (an error): ${JSON.stringify(said)}`);
      assert.strictEqual(said.severity, vscode.InputBoxValidationSeverity.Warning, `"${name}": a warning: ${JSON.stringify(said)}`);
      assert.match(said.message, /Turso (may|will likely) refuse/);
    }
    const empty = await validation(box, '  ');
    assert.ok(empty && typeof empty === 'object' && empty.severity === vscode.InputBoxValidationSeverity.Error, `an empty name is refused: ${JSON.stringify(empty)}`);
    assert.strictEqual(await validation(box, 'fine-name'), undefined);
  });

  test('the server refuses a name: its reason is shown with Change Name, which asks again with the name kept', async () => {
    boxes.length = 0;
    const refused = 'Bad_Name';
    const accepted = `renamed-${Date.now() % 100000}`;
    typed = [refused, accepted];
    ui.answer = (s) => (s.items.includes('Change Name') ? 'Change Name' : undefined);
    const uiMark = ui.mark();
    const mark = emu.requests.length;
    let ended: { ended: unknown } | undefined;
    const done = vscode.commands.executeCommand<{ name: string } | undefined>('turso.createToken');
    done.then((result) => (ended = { ended: result?.name ?? result }), (err) => (ended = { ended: String(err) }));
    try {
      const found = await waitFor(() => ended ?? api.revealPanels().find((p) => p.tokenName === accepted && p.revealed), `the reveal panel of ${accepted}`);
      assert.ok(!('ended' in found), `the create ended without a token: ${describeShown(ui.messagesSince(uiMark))}`);
      const posts = emu.requests.slice(mark).filter((r) => r.method === 'POST').map((r) => `${decodeURIComponent(r.path.split('/').pop() ?? '')} ${r.status}`);
      assert.deepStrictEqual(posts, [`${refused} 400`, `${accepted} 200`], 'the name the rule dislikes was sent; the server refused it');
      const refusal = ui.messagesSince(uiMark, (s) => s.kind === 'error');
      assert.strictEqual(refusal.length, 1, describeShown(ui.messagesSince(uiMark)));
      assert.match(refusal[0].message, /^Couldn't create API token "Bad_Name": name can only contain lowercase letters, numbers, and hyphens\./, 'the server\'s reason');
      assert.deepStrictEqual(refusal[0].items, ['Change Name']);
      assert.strictEqual(boxes.length, 2, 'Change Name asked for the name again');
      assert.strictEqual(boxes[1].value, refused, 'with the refused name in the box');
      const probe = found as RevealProbe;
      await probe.receive({ type: 'copy' });
      probe.panel?.dispose();
      assert.strictEqual((await done)?.name, accepted);
    } finally {
      ui.answer = () => undefined;
    }
  });
});

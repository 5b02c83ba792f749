// The ESLint rule that keeps every message on its way through src/ui/notify.ts (which makes server
// text inert): a direct call of VS Code's own anywhere else in src is an error.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('lint: messages only through src/ui/notify.ts', function () {
  this.timeout(30000);
  const eslint = new ESLint({ cwd: ROOT });
  const restricted = async (code: string, file: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-properties').map((m) => m.message);
  };
  const calls = [
    "void vscode.window.showInformationMessage(text);",
    "void vscode.window.showWarningMessage(text, { modal: true });",
    "void vscode.window.showErrorMessage(text);",
    "vscode.window.setStatusBarMessage(text, 1000);",
    "const { showErrorMessage } = vscode.window; void showErrorMessage(text);",
  ];

  for (const call of calls) {
    it(`refuses \`${call}\` in src/commands, src/views and src/auth`, async () => {
      const code = `import * as vscode from 'vscode';\nexport function f(text: string): void {\n  ${call}\n}\n`;
      for (const file of ['src/commands/example.ts', 'src/views/example.ts', 'src/auth/example.ts']) {
        const messages = await restricted(code, file);
        assert.equal(messages.length, 1, `${file}: ${JSON.stringify(messages)}`);
        assert.match(messages[0], /src\/ui\/notify\.ts/);
      }
    });
  }

  it('allows them in src/ui/notify.ts, and the wrappers everywhere', async () => {
    const direct = `import * as vscode from 'vscode';\nexport function f(text: string): void {\n  ${calls.slice(0, 4).join('\n  ')}\n}\n`;
    assert.deepEqual(await restricted(direct, 'src/ui/notify.ts'), []);
    const wrapped = "import { showErrorMessage } from '../ui/notify';\nexport function f(text: string): void {\n  void showErrorMessage(text);\n}\n";
    assert.deepEqual(await restricted(wrapped, 'src/commands/example.ts'), []);
  });
});

describe('lint: one helper says what an error is (src/util/errors.ts)', function () {
  this.timeout(30000);
  const eslint = new ESLint({ cwd: ROOT });
  const restricted = async (code: string, file: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const inline = 'export function f(err: unknown): string {\n  return err instanceof Error ? err.message : String(err);\n}\n';

  it('refuses the expression inline anywhere in src', async () => {
    for (const file of ['src/commands/example.ts', 'src/webview/example.ts', 'src/accounts/example.ts']) {
      const messages = await restricted(inline, file);
      assert.equal(messages.length, 1, `${file}: ${JSON.stringify(messages)}`);
      assert.match(messages[0], /errorMessage/);
    }
  });

  it('allows it in src/util/errors.ts, and errorMessage() everywhere', async () => {
    assert.deepEqual(await restricted(inline, 'src/util/errors.ts'), []);
    const helper = "import { errorMessage } from '../util/errors';\nexport function f(err: unknown): string {\n  return errorMessage(err);\n}\n";
    assert.deepEqual(await restricted(helper, 'src/commands/example.ts'), []);
  });
});

describe('lint: pure files do not import vscode', function () {
  this.timeout(60000);
  const eslint = new ESLint({ cwd: ROOT });
  const srcFiles = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      return e.isDirectory() ? srcFiles(rel) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
    });
  // A file is pure when nothing in it imports `vscode` (a type import included): it runs in plain Node.
  const importsVscode = (file: string): boolean => /\bfrom\s+['"]vscode['"]|\brequire\(\s*['"]vscode['"]\s*\)/.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const pure = srcFiles('src').filter((file) => !importsVscode(file));
  const refused = async (code: string, file: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
  };

  it('finds the pure files (src/platform, src/util and the pure files of the other folders)', () => {
    for (const file of ['src/platform/client.ts', 'src/util/errors.ts', 'src/views/treeModel.ts', 'src/auth/expiry.ts']) {
      assert.ok(pure.includes(file), `${file} is not seen as pure: ${JSON.stringify(pure)}`);
    }
    assert.ok(!pure.includes('src/extension.ts'));
  });

  it('every file of src that does not import vscode is under the rule (a new pure file is listed in eslint.config.mjs)', async () => {
    const missing: string[] = [];
    for (const file of pure) {
      const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as { rules?: Record<string, unknown> };
      const rule = config.rules?.['@typescript-eslint/no-restricted-imports'];
      if (!JSON.stringify(rule ?? null).includes('"vscode"')) {
        missing.push(file);
      }
    }
    assert.deepEqual(missing, [], 'pure files not under no-restricted-imports of vscode in eslint.config.mjs');
  });

  const imports = [
    "import * as vscode from 'vscode';\nexport const f = (): unknown => vscode.window;\n",
    "import { window } from 'vscode';\nexport const f = (): unknown => window;\n",
    "import type { Uri } from 'vscode';\nexport const f = (u: Uri): unknown => u;\n",
    "export { window } from 'vscode';\n",
    "import vscode = require('vscode');\nexport const f = (): unknown => vscode.window;\n",
  ];
  for (const code of imports) {
    it(`refuses \`${code.split('\n')[0]}\` in every pure file`, async () => {
      for (const file of pure) {
        const messages = await refused(code, file);
        assert.equal(messages.length, 1, `${file}: ${JSON.stringify(messages)}`);
        assert.match(messages[0], /pure/);
      }
    });
  }

  it('allows it in the VS Code glue (src/extension.ts, src/views/tokensTreeProvider.ts)', async () => {
    for (const file of ['src/extension.ts', 'src/views/tokensTreeProvider.ts']) {
      assert.deepEqual(await refused(imports[0], file), []);
    }
  });
});

import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

// Runs last (files run in name order). Node prints each deprecation once per process: index.ts
// records every warning of this extension host from before the extension activated.
suite('Process warnings', () => {
  test('the extension\'s code caused no Node warning in the whole run (e.g. DEP0169, url.parse() in node-fetch)', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension('tursotools.turso-api-tokens');
    assert.ok(ext, 'the extension is installed');
    const warnings = (globalThis as { __tursoHostWarnings?: Error[] }).__tursoHostWarnings;
    assert.ok(Array.isArray(warnings), 'index.ts records the warnings');
    const ours = warnings.filter((w) => String(w.stack ?? '').includes(ext.extensionPath));
    assert.deepStrictEqual(
      ours.map((w) => `${w.name} ${(w as { code?: string }).code ?? ''}: ${w.message}`),
      [],
      'warnings raised from the extension\'s code',
    );
  });
});

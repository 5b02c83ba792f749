// The extension's entry (package.json "main": dist/boot.js, a few KB): loads the core, dist/extension.js
// (src/extension.ts, or the in-host tests' entry), with V8's code cache kept in the extension's global
// storage (src/lazy/codeCache.ts), and hands activate() and deactivate() over to it. The first start
// compiles the core as require() would and writes the cache right after activate() returns (so it holds
// the top level and what activate() compiled: a cache that also held the first paint's code, written
// seconds later, was larger and slower to read than what it saved); later starts load it from the cache.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { loadWithCodeCache } from './lazy/codeCache';

interface Core {
  activate(context: vscode.ExtensionContext): Promise<unknown>;
  deactivate?(): unknown;
}

let core: Core | undefined;

export function activate(context: vscode.ExtensionContext): Promise<unknown> {
  const file = path.join(__dirname, 'extension.js');
  const storage = context.globalStorageUri;
  if (storage.scheme !== 'file') {
    // no folder on this machine to keep the cache in: load as require() does
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    core = require(file) as Core;
    return core.activate(context);
  }
  const loaded = loadWithCodeCache(file, storage.fsPath, require);
  core = loaded.exports as Core;
  const activated = core.activate(context);
  if (loaded.cache !== 'used') {
    // once activate() has returned: off its path
    const timer = setTimeout(() => loaded.saveCache(), 0);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  return activated;
}

export function deactivate(): unknown {
  return core?.deactivate?.();
}

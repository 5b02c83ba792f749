// What the extension loads on first use rather than at activation: the commands, the reveal panel and
// the workspace's tokens. Bundled on its own as dist/features.js (esbuild.js), which takes every module
// it shares with the first paint's bundle (dist/extension.js) from that bundle, so no module is in
// both. Loaded by ./load.ts; the core reaches it only through ./commands.ts and ./workspace.ts.
import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { usedInFiles } from '../commands/openTokenUsage';
import type { TokenValidation } from '../platform/types';
import { TokenDiagnostics } from '../workspace/tokenDiagnostics';
import { WorkspaceTokens } from '../workspace/workspaceTokens';

export { createTokenCommand } from '../commands/createToken';
export { openTokenUsageCommand } from '../commands/openTokenUsage';
export { refreshCommand } from '../commands/refresh';
export { revokeOrganizationTokenCommand } from '../commands/revokeOrganizationToken';
export { revokeTokenCommand } from '../commands/revokeToken';
export { rotateTokenCommand } from '../commands/rotateToken';
export { signInCommand, signInWithTokenForTests } from '../commands/signIn';
export { signOutCommand } from '../commands/signOut';
export { signOutEverywhereCommand, switchAccountCommand } from '../commands/switchAccount';
export { validateTokenCommand } from '../commands/validateToken';
export { useCreatedToken } from '../auth/useCreatedToken';
export { openReveal, openRevealPanels } from '../webview/revealPanel';

/** What the workspace's features are given (src/lazy/workspace.ts makes them on first use). */
export interface WorkspaceFeaturesDeps {
  accounts: AccountModel;
  /** The tree, told which tokens are used in which files. */
  tree: { setUsages(usages: Map<string, string[]>): void };
  /** `GET /v1/auth/validate` with `value` as the bearer (the diagnostics' check). */
  validate: (value: string) => Promise<TokenValidation>;
  onError: (message: string, err: unknown) => void;
}

/** The workspace's tokens (not started: nothing is read until `tokens.start()`), their diagnostics, the tree's usage marks. */
export function workspaceFeatures(deps: WorkspaceFeaturesDeps): { tokens: WorkspaceTokens; diagnostics: TokenDiagnostics; disposable: vscode.Disposable } {
  const { accounts, tree, validate, onError } = deps;
  const tokens = new WorkspaceTokens({ onError });
  const diagnostics = new TokenDiagnostics({ tokens, accounts, validate, onError });
  const usages = tokens.onDidChange(() => tree.setUsages(usedInFiles(tokens)));
  return { tokens, diagnostics, disposable: vscode.Disposable.from(usages, diagnostics, tokens) };
}

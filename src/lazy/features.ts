// What the extension loads on first use rather than at activation: the commands, the reveal panel and
// the workspace's tokens. Bundled on its own as dist/features.js (esbuild.js), which takes every module
// it shares with the first paint's bundle (dist/extension.js) from that bundle, so no module is in
// both. Loaded by ./load.ts; the core reaches it only through ./commands.ts and ./workspace.ts.
import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import { usedInFiles } from '../commands/openTokenUsage';
import type { TokenValidation } from '../platform/types';
import { WorkspaceDatabaseTokens } from '../workspace/databaseTokens';
import { TokenDiagnostics } from '../workspace/tokenDiagnostics';
import { WorkspaceTokens } from '../workspace/workspaceTokens';

export { createDatabaseTokenCommand } from '../commands/createDatabaseToken';
export { createTokenCommand } from '../commands/createToken';
export { invalidateDatabaseTokensCommand } from '../commands/invalidateDatabaseTokens';
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
export { saveToGitHubSecretCommand } from '../githubSecrets/command';
export { saveToGitHub } from '../githubSecrets/saveFlow';
export { createGitHubSecretWriter } from '../githubSecrets/writer';
export { sealForGitHub } from '../github/seal';

/** What the workspace's features are given (src/lazy/workspace.ts makes them on first use). */
export interface WorkspaceFeaturesDeps {
  accounts: AccountModel;
  organizations: AccountOrganizations;
  /** Where the database tokens' invalidations are kept (`context.globalState`). */
  state: vscode.Memento;
  /** The API's base URL (the emulator's, when loopback: databases are asked there). */
  apiBaseUrl: () => string | undefined;
  /** The tree, told which tokens are used in which files. */
  tree: { setUsages(usages: Map<string, string[]>): void };
  /** `GET /v1/auth/validate` with `value` as the bearer (the diagnostics' check). */
  validate: (value: string) => Promise<TokenValidation>;
  onError: (message: string, err: unknown) => void;
}

export interface WorkspaceFeatures {
  tokens: WorkspaceTokens;
  diagnostics: TokenDiagnostics;
  databaseTokens: WorkspaceDatabaseTokens;
  disposable: vscode.Disposable;
}

/**
 * The workspace's tokens (not started: nothing is read until `tokens.start()`), their diagnostics, the
 * database tokens among them, the tree's usage marks.
 */
export function workspaceFeatures(deps: WorkspaceFeaturesDeps): WorkspaceFeatures {
  const { accounts, organizations, state, apiBaseUrl, tree, validate, onError } = deps;
  const tokens = new WorkspaceTokens({ onError });
  const diagnostics = new TokenDiagnostics({ tokens, accounts, validate, onError });
  const databaseTokens = new WorkspaceDatabaseTokens({ tokens, accounts, organizations, state, apiBaseUrl, onError });
  const usages = tokens.onDidChange(() => tree.setUsages(usedInFiles(tokens)));
  return { tokens, diagnostics, databaseTokens, disposable: vscode.Disposable.from(usages, databaseTokens, diagnostics, tokens) };
}

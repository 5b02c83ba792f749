// The extension as the in-host tests load it: the product's activation, plus what the tests need to
// look inside (the account model, the authentication provider, the open reveal panels, where the
// extension writes). Bundled only for the in-host tests (node esbuild.js --test, run by
// scripts/host/run-host-tests.mjs); the shipped bundle (src/extension.ts) returns nothing.
import type * as vscode from 'vscode';
import { wire } from '../extension';
import type { AccountModel } from '../accounts/accountModel';
import type { SecretPlaces, SecretWriter } from '../github/places';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import type { TreeNode } from '../views/tokensTreeProvider';
import type { WorkspaceDatabaseTokens } from '../workspace/databaseTokens';
import type { TokenDiagnostics } from '../workspace/tokenDiagnostics';
import type { WorkspaceTokens } from '../workspace/workspaceTokens';
import type { RevealPanelProbe } from '../webview/revealPanel';
import { features, featuresLoaded } from '../lazy/load';
import { LAZY_FACTORIES } from '../lazy/commands';
import { automation, ownRows } from '../commands/target';

export { deactivate } from '../extension';

export interface TursoTestApi {
  /** The tree's provider. */
  readonly tokensTree: vscode.TreeDataProvider<TreeNode>;
  /** The view (its message, its visibility). */
  readonly tokensView: vscode.TreeView<TreeNode>;
  /** Signs in with a token without asking (`turso.signIn` with a token asks the person first). */
  readonly signInWithToken: (token: string) => Promise<boolean>;
  /**
   * Brands options as the product's own call (`turso.createToken`'s name and access, `turso.validateToken`'s
   * token, `turso.signOut`'s `{ all: true }`): acted on without asking, as no other extension's are.
   */
  readonly automation: <T extends object>(options: T) => T;
  /** Brands a hand-made row as one of the tree's (a row the tree no longer shows, a colleague's token…). */
  readonly asTreeRow: <T extends object>(row: T) => T;
  /** The account model the views follow. */
  readonly accounts: AccountModel;
  /** Every account's organizations. */
  readonly organizations: AccountOrganizations;
  /** The authentication provider, to act as the Accounts menu does. */
  readonly authProvider: vscode.AuthenticationProvider;
  /** The open reveal panels, to drive them as the page would. */
  readonly revealPanels: () => readonly RevealPanelProbe[];
  /**
   * Where the extension can write (its log folder, its mementos), for tests that search them for
   * secrets, and its secret storage, to change the credential as another window would.
   */
  readonly testProbe: TestProbe;
  /** The workspace's tokens (not started until the view asks). */
  readonly workspaceTokens: WorkspaceTokens;
  /** The diagnostics on the workspace's tokens. */
  readonly tokenDiagnostics: TokenDiagnostics;
  /** The database and group tokens of the workspace: their Problems, quick fix, invalidations (made with the tokens). */
  readonly databaseTokens: WorkspaceDatabaseTokens;
  /** The GitHub Actions secrets remembered by token id (the tree and Rotate follow it). */
  readonly secretPlaces: SecretPlaces;
  /** The writer Rotate updates GitHub Actions secrets with (undefined: the product's own, src/githubSecrets/writer.ts). */
  readonly setSecretWriter: (writer: SecretWriter | undefined) => void;
  /** Whether dist/features.js (the commands, the reveal panel, the workspace's tokens) is loaded yet. */
  readonly featuresLoaded: () => boolean;
  /** The lazy command factories (src/lazy/commands.ts) that dist/features.js does not provide (loads it). */
  readonly unresolvedCommandFactories: () => string[];
}

export interface TestProbe {
  readonly logUri: vscode.Uri;
  /** Where dist/boot.js keeps V8's code cache of the core (src/lazy/codeCache.ts). */
  readonly globalStorageUri: vscode.Uri;
  readonly globalState: vscode.Memento;
  readonly workspaceState: vscode.Memento;
  readonly secrets: vscode.SecretStorage;
}

export async function activate(context: vscode.ExtensionContext): Promise<TursoTestApi> {
  // Not destructured: workspaceTokens and tokenDiagnostics are made (dist/features.js loaded) on first read.
  let secretWriter: SecretWriter | undefined;
  const wiring = await wire(context, { secretWriter: () => secretWriter });
  const { tokensTree, tokensView, accounts, organizations, authProvider, signInWithToken } = wiring;
  return {
    tokensTree,
    tokensView,
    signInWithToken,
    automation,
    asTreeRow: (row) => ownRows([row])[0],
    accounts,
    organizations,
    authProvider,
    revealPanels: () => features().openRevealPanels(),
    testProbe: { logUri: context.logUri, globalStorageUri: context.globalStorageUri, globalState: context.globalState, workspaceState: context.workspaceState, secrets: context.secrets },
    get workspaceTokens() { return wiring.workspaceTokens; },
    get tokenDiagnostics() { return wiring.tokenDiagnostics; },
    get databaseTokens() { return wiring.databaseTokens; },
    secretPlaces: wiring.secretPlaces,
    setSecretWriter: (writer) => { secretWriter = writer; },
    featuresLoaded,
    unresolvedCommandFactories: () => LAZY_FACTORIES.filter((name) => typeof features()[name] !== 'function'),
  };
}

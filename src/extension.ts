import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { AccountCache } from './accounts/accountCache';
import { AccountModel } from './accounts/accountModel';
import { AccountOrganizations } from './accounts/accountOrganizations';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, TursoAuthenticationProvider } from './accounts/authProvider';
import { authFailures } from './auth/authFailures';
import { CredentialStore } from './auth/credentialStore';
import { SecretPlaces, type SecretWriter } from './github/places';
import { ACCOUNTS_READ_CONTEXT, Session } from './auth/session';
// The commands load with their first use (dist/features.js): see src/lazy/commands.ts.
import {
  createDatabaseTokenCommand,
  createTokenCommand,
  gitHubSecretWriter,
  invalidateDatabaseTokensCommand,
  openReveal,
  openTokenUsageCommand,
  refreshCommand,
  revokeOrganizationTokenCommand,
  revokeTokenCommand,
  rotateTokenCommand,
  saveToGitHub,
  saveToGitHubSecretCommand,
  signInCommand,
  signInWithTokenForTests,
  signOutCommand,
  signOutEverywhereCommand,
  switchAccountCommand,
  useCreatedToken,
  validateTokenCommand,
} from './lazy/commands';
import { LazyWorkspace } from './lazy/workspace';
import { Log } from './log';
import { readApiSettings } from './settings';
import { showErrorMessage } from './ui/notify';
import { RestrictedMode, tokenUsageWaitsForTrust, workspaceTrusted } from './ui/trust';
import { ExpiryWarning } from './views/expiryWarning';
import { AccountStatusBar } from './views/statusBar';
import { TOKENS_VIEW_ID, type TreeNode, TokensTreeProvider } from './views/tokensTreeProvider';
import type { TokenDiagnostics } from './workspace/tokenDiagnostics';
import type { WorkspaceTokens } from './workspace/workspaceTokens';
import { errorMessage } from './util/errors';
import type { WorkspaceDatabaseTokens } from './workspace/databaseTokens';

/**
 * What activation made. Nothing of it leaves this module in the product: `activate()` returns
 * nothing, since whatever it returned would be any other extension's to walk (TypeScript's `private`
 * is an ordinary property at run time, and from the tree a walk reaches every account's token).
 * Other extensions get a credential only through VS Code's authentication API, after its consent
 * prompt. The test-only entry (src/testing/testExtension.ts, bundled for the in-host tests and never
 * shipped) hands this to the tests.
 */
export interface Wiring {
  readonly tokensTree: TokensTreeProvider;
  readonly tokensView: vscode.TreeView<TreeNode>;
  readonly accounts: AccountModel;
  readonly organizations: AccountOrganizations;
  readonly authProvider: TursoAuthenticationProvider;
  /** Made on first read (it loads dist/features.js). */
  readonly workspaceTokens: WorkspaceTokens;
  /** Made on first read, with `workspaceTokens`. */
  readonly tokenDiagnostics: TokenDiagnostics;
  readonly databaseTokens: WorkspaceDatabaseTokens;
  /** The GitHub Actions secrets remembered by token id. */
  readonly secretPlaces: SecretPlaces;
  /** Signs in with a token without asking (for the in-host tests only: `turso.signIn` asks). */
  readonly signInWithToken: (token: string) => Promise<boolean>;
}

/** Returns nothing: see `Wiring`. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await wire(context);
}

/** What only the in-host tests give (src/testing/testExtension.ts); the product gives nothing. */
export interface WireOptions {
  /** Writes GitHub Actions secrets in place of the real writer (Rotate's); undefined from it: the real one. */
  secretWriter?: () => SecretWriter | undefined;
}

/** Creates and registers everything (each registration disposed with the extension). */
export async function wire(context: vscode.ExtensionContext, options: WireOptions = {}): Promise<Wiring> {
  // The modules without `vscode` translate through @vscode/l10n: hand them the bundle VS Code chose
  // (none for English: they fall back to the source strings).
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  let session: Session | undefined;
  const log = new Log(() => session?.secrets() ?? []);
  // The last known state of each account (never a token value), so that a cold open paints at once;
  // its account ids let the first read of the secret storage ask for their credentials right away.
  const cache = new AccountCache(context.globalState, () => readApiSettings().baseUrl ?? '');
  const store = new CredentialStore(context.secrets, () => cache.accountIds());
  session = new Session(store, {
    userAgent: `turso-api-tokens-vscode/${version} (VS Code ${vscode.version})`,
    onRequest: (event) => log.request(event),
  });
  const accounts = new AccountModel(session, log, cache);
  const organizations = new AccountOrganizations(accounts, log);
  // What went where: the GitHub Actions secrets each token was saved to (names only).
  const secretPlaces = new SecretPlaces(context.globalState);
  const tree = new TokensTreeProvider(accounts, organizations, secretPlaces);
  const view = vscode.window.createTreeView(TOKENS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
  tree.attach(view);
  // Created before session.initialize(): they follow the account from the start.
  const statusBar = new AccountStatusBar(accounts);
  const expiryWarning = new ExpiryWarning(accounts, { onError: (message, err) => log.error(message, err) });

  // The accounts in VS Code's Accounts menu, and for other extensions (after VS Code's consent prompt).
  const authProvider = new TursoAuthenticationProvider(store, () => vscode.commands.executeCommand('turso.signIn'));
  // The tokens in the workspace's env files and their diagnostics, made on first use (dist/features.js):
  // nothing is read until `start()`, once the view is visible.
  const workspace = new LazyWorkspace({
    accounts,
    organizations,
    tree,
    state: context.globalState,
    apiBaseUrl: () => readApiSettings().baseUrl,
    validate: (value) => accounts.clientForValue(value).validateToken(),
    onError: (message, err) => log.error(message, err),
  });
  // The workspace is searched once the view is visible, and only in a trusted folder.
  const restricted = new RestrictedMode(view, accounts, () => workspace.start());

  context.subscriptions.push(
    log,
    store,
    session,
    accounts,
    tree,
    view,
    statusBar,
    expiryWarning,
    authProvider,
    organizations,
    view.onDidCollapseElement((e) => tree.collapsed(e.element)),
    view.onDidExpandElement((e) => tree.expanded(e.element)),
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, authProvider, { supportsMultipleAccounts: true }),
    workspace,
    restricted,
    // A new credential (signed in here or in another window) gets its own first 401 prompt.
    session.onDidChange(() => authFailures.reset()),
    // A credential moved in from an earlier version has no username until its first load tells it.
    accounts.onDidLearnUsername(({ accountId, username }) => {
      store.setUsername(accountId, username).catch((err: unknown) => log.error('Noting the account name failed', err));
    }),
    ...registerCommands({ context, session, accounts, organizations, log, workspace, secretPlaces, secretWriter: options.secretWriter }),
  );

  try {
    await accounts.initialize();
  } catch (err) {
    log.error('Reading the stored credential failed', err);
    void showErrorMessage(errorMessage(err));
  }
  await vscode.commands.executeCommand('setContext', ACCOUNTS_READ_CONTEXT, true);
  // Opening the view is what activated us: start the first load now instead of waiting for the
  // view to ask for its rows. Never when a command activated us with the view hidden.
  if (accounts.signedIn && view.visible) {
    void accounts.whenLoaded();
  }
  restricted.update();
  return {
    tokensTree: tree, tokensView: view, accounts, organizations, authProvider, secretPlaces,
    get workspaceTokens() { return workspace.tokens; },
    get tokenDiagnostics() { return workspace.diagnostics; },
    get databaseTokens() { return workspace.databaseTokens; },
    signInWithToken: signInWithTokenForTests({ session, log }),
  };
}

interface Core {
  context: vscode.ExtensionContext;
  session: Session;
  accounts: AccountModel;
  organizations: AccountOrganizations;
  log: Log;
  workspace: LazyWorkspace;
  secretPlaces: SecretPlaces;
  secretWriter?: () => SecretWriter | undefined;
}

/** Every contributed command, each made on its first use (src/lazy/commands.ts). */
function registerCommands({ context, session, accounts, organizations, log, workspace, secretPlaces, secretWriter }: Core): vscode.Disposable[] {
  const openTokenUsage = openTokenUsageCommand({ get tokens() { return workspace.tokens; }, accounts });

  const revokeOrganizationToken = revokeOrganizationTokenCommand({ session, accounts, organizations, log, places: secretPlaces });
  const revealDeps = {
    extensionUri: context.extensionUri,
    log,
    useForExtension: (value: string) => useCreatedToken(session, value),
    saveToGitHub: (request: Parameters<typeof saveToGitHub>[1]) => saveToGitHub({ places: secretPlaces, log }, request),
  };
  const createToken = createTokenCommand({
    accounts,
    organizations,
    log,
    openReveal: (token, options) => openReveal(revealDeps, token, options),
  });
  const databaseDeps = { accounts, organizations, log, openReveal: (token: Parameters<typeof openReveal>[1], options?: Parameters<typeof openReveal>[2]) => openReveal(revealDeps, token, options) };
  const saveGitHubSecret = saveToGitHubSecretCommand();
  // Rotate's writer of GitHub Actions secrets: the features (and the sealing code) load on its first write.
  const realWriter = gitHubSecretWriter(log);
  const rotateToken = rotateTokenCommand({
    session,
    accounts,
    organizations,
    log,
    get workspaceTokens() { return workspace.tokens; },
    openReveal: (token, options) => openReveal(revealDeps, token, options),
    useForExtension: (value) => useCreatedToken(session, value),
    github: { places: secretPlaces, writer: () => secretWriter?.() ?? realWriter },
  });
  return [
    vscode.commands.registerCommand('turso.signIn', signInCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.signOut', signOutCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.switchAccount', switchAccountCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.signOutEverywhere', signOutEverywhereCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.refresh', refreshCommand({ accounts, organizations, get workspaceTokens() { return workspace.tokens; } })),
    vscode.commands.registerCommand('turso.openTokenUsage', (node?: Parameters<typeof openTokenUsage>[0]) =>
      (workspaceTrusted() ? openTokenUsage(node) : tokenUsageWaitsForTrust())),
    vscode.commands.registerCommand('turso.createToken', createToken),
    vscode.commands.registerCommand('turso.validateToken', validateTokenCommand({ accounts, log })),
    vscode.commands.registerCommand('turso.revokeOrganizationToken', revokeOrganizationToken),
    vscode.commands.registerCommand('turso.revokeToken', revokeTokenCommand({ session, accounts, log, places: secretPlaces }, revokeOrganizationToken)),
    vscode.commands.registerCommand('turso.rotateToken', rotateToken),
    // Never a value from its arguments: it acts on the open reveal panel.
    vscode.commands.registerCommand('turso.saveToGitHubSecret', () => saveGitHubSecret()),
    vscode.commands.registerCommand('turso.checkDatabaseTokens', () => workspace.databaseTokens.checkAgainstDatabases()),
    vscode.commands.registerCommand('turso.createDatabaseToken', createDatabaseTokenCommand(databaseDeps)),
    vscode.commands.registerCommand('turso.invalidateDatabaseTokens', invalidateDatabaseTokensCommand({
      ...databaseDeps,
      get databaseTokens() { return workspace.databaseTokens; },
    })),
  ];
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

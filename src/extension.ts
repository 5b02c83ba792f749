import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { AccountCache } from './accounts/accountCache';
import { AccountModel } from './accounts/accountModel';
import { AccountOrganizations } from './accounts/accountOrganizations';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, TursoAuthenticationProvider } from './accounts/authProvider';
import { authFailures } from './auth/authFailures';
import { CredentialStore } from './auth/credentialStore';
import { Session } from './auth/session';
import { useCreatedToken } from './auth/useCreatedToken';
import { createDatabaseTokenCommand, type CreateDatabaseTokenDeps } from './commands/createDatabaseToken';
import { createTokenCommand } from './commands/createToken';
import { invalidateDatabaseTokensCommand } from './commands/invalidateDatabaseTokens';
import { openTokenUsageCommand, usedInFiles } from './commands/openTokenUsage';
import { refreshCommand } from './commands/refresh';
import { revokeOrganizationTokenCommand } from './commands/revokeOrganizationToken';
import { revokeTokenCommand } from './commands/revokeToken';
import { rotateTokenCommand } from './commands/rotateToken';
import { signInCommand, signInWithTokenForTests } from './commands/signIn';
import { signOutCommand } from './commands/signOut';
import { signOutEverywhereCommand, switchAccountCommand } from './commands/switchAccount';
import { validateTokenCommand } from './commands/validateToken';
import { Log } from './log';
import { readApiSettings } from './settings';
import { showErrorMessage } from './ui/notify';
import { RestrictedMode, tokenUsageWaitsForTrust, workspaceTrusted } from './ui/trust';
import { ExpiryWarning } from './views/expiryWarning';
import { AccountStatusBar } from './views/statusBar';
import { TOKENS_VIEW_ID, type TreeNode, TokensTreeProvider } from './views/tokensTreeProvider';
import { openReveal } from './webview/revealPanel';
import { errorMessage } from './util/errors';
import { TokenDiagnostics } from './workspace/tokenDiagnostics';
import { WorkspaceTokens } from './workspace/workspaceTokens';

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
  readonly workspaceTokens: WorkspaceTokens;
  readonly tokenDiagnostics: TokenDiagnostics;
  /** Signs in with a token without asking (for the in-host tests only: `turso.signIn` asks). */
  readonly signInWithToken: (token: string) => Promise<boolean>;
}

/** Returns nothing: see `Wiring`. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await wire(context);
}

/** Creates and registers everything (each registration disposed with the extension). */
export async function wire(context: vscode.ExtensionContext): Promise<Wiring> {
  // The modules without `vscode` translate through @vscode/l10n: hand them the bundle VS Code chose
  // (none for English: they fall back to the source strings).
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  let session: Session | undefined;
  const log = new Log(() => session?.secrets() ?? []);
  const store = new CredentialStore(context.secrets);
  session = new Session(store, {
    userAgent: `turso-api-tokens-vscode/${version} (VS Code ${vscode.version})`,
    onRequest: (event) => log.request(event),
  });
  const signedIn = session;
  // The last known state of each account (never a token value), so that a cold open paints at once.
  const cache = new AccountCache(context.globalState, () => readApiSettings().baseUrl ?? '');
  const accounts = new AccountModel(session, log, cache);
  const organizations = new AccountOrganizations(accounts, log);
  const tree = new TokensTreeProvider(accounts, organizations);
  const view = vscode.window.createTreeView(TOKENS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
  tree.attach(view);
  // Created before session.initialize(): they follow the account from the start.
  const statusBar = new AccountStatusBar(accounts);
  const expiryWarning = new ExpiryWarning(accounts, { onError: (message, err) => log.error(message, err) });

  // The accounts in VS Code's Accounts menu, and for other extensions (after VS Code's consent prompt).
  const authProvider = new TursoAuthenticationProvider(store, () => vscode.commands.executeCommand('turso.signIn'));
  // The tokens in the workspace's env files: nothing is read until `start()`, once the view is visible.
  const workspaceTokens = new WorkspaceTokens({ onError: (message, err) => log.error(message, err) });
  // The workspace is searched once the view is visible, and only in a trusted folder.
  const restricted = new RestrictedMode(view, accounts, () => void workspaceTokens.start());
  const openTokenUsage = openTokenUsageCommand({ tokens: workspaceTokens, accounts });
  const tokenDiagnostics = new TokenDiagnostics({
    tokens: workspaceTokens,
    accounts,
    validate: (value) => signedIn.clientFor(value).validateToken(),
    onError: (message, err) => log.error(message, err),
  });

  const revokeOrganizationToken = revokeOrganizationTokenCommand({ session, accounts, organizations, log });
  const revealDeps = {
    extensionUri: context.extensionUri,
    log,
    useForExtension: (value: string) => useCreatedToken(signedIn, value),
  };
  const createToken = createTokenCommand({
    session,
    accounts,
    organizations,
    log,
    openReveal: (token, options) => openReveal(revealDeps, token, options),
  });
  const rotateToken = rotateTokenCommand({
    session,
    accounts,
    organizations,
    log,
    workspaceTokens,
    openReveal: (token, options) => openReveal(revealDeps, token, options),
    useForExtension: (value) => useCreatedToken(signedIn, value),
  });

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
    workspaceTokens,
    tokenDiagnostics,
    restricted,
    workspaceTokens.onDidChange(() => tree.setUsages(usedInFiles(workspaceTokens))),
    // A new credential (signed in here or in another window) gets its own first 401 prompt.
    session.onDidChange(() => authFailures.reset()),
    // A credential moved in from an earlier version has no username until its first load tells it.
    accounts.onDidLearnUsername(({ accountId, username }) => {
      store.setUsername(accountId, username).catch((err: unknown) => log.error('Noting the account name failed', err));
    }),
    vscode.commands.registerCommand('turso.signIn', signInCommand({ session, log })),
    vscode.commands.registerCommand('turso.signOut', signOutCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.switchAccount', switchAccountCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.signOutEverywhere', signOutEverywhereCommand({ session, accounts, log })),
    vscode.commands.registerCommand('turso.refresh', refreshCommand({ accounts, organizations, workspaceTokens })),
    vscode.commands.registerCommand('turso.openTokenUsage', (node?: Parameters<typeof openTokenUsage>[0]) =>
      (workspaceTrusted() ? openTokenUsage(node) : tokenUsageWaitsForTrust())),
    vscode.commands.registerCommand('turso.createToken', createToken),
    vscode.commands.registerCommand('turso.validateToken', validateTokenCommand({ session, log })),
    vscode.commands.registerCommand('turso.revokeOrganizationToken', revokeOrganizationToken),
    vscode.commands.registerCommand('turso.revokeToken', revokeTokenCommand({ session, accounts, log }, revokeOrganizationToken)),
    vscode.commands.registerCommand('turso.rotateToken', rotateToken),
    ...databaseTokenCommands({ accounts, organizations, log, openReveal: (token, options) => openReveal(revealDeps, token, options) }),
  );

  try {
    await accounts.initialize();
  } catch (err) {
    log.error('Reading the stored credential failed', err);
    void showErrorMessage(errorMessage(err));
  }
  // Opening the view is what activated us: start the first load now instead of waiting for the
  // view to ask for its rows. Never when a command activated us with the view hidden.
  if (session.signedIn && view.visible) {
    void accounts.whenLoaded();
  }
  restricted.update();
  return {
    tokensTree: tree, tokensView: view, accounts, organizations, authProvider, workspaceTokens, tokenDiagnostics,
    signInWithToken: signInWithTokenForTests({ session, log }),
  };
}

/** `turso.createDatabaseToken` and `turso.invalidateDatabaseTokens`, registered. */
function databaseTokenCommands(deps: CreateDatabaseTokenDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('turso.createDatabaseToken', createDatabaseTokenCommand(deps)),
    vscode.commands.registerCommand('turso.invalidateDatabaseTokens', invalidateDatabaseTokensCommand({
      ...deps,
      // wired to WorkspaceDatabaseTokens on merge
      databaseTokens: { filesHolding: () => [], markInvalidated: () => undefined },
    })),
  ];
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { authFailures } from '../auth/authFailures';
import { browserCallbackPlan, signInWithBrowser } from '../auth/browserSignIn';
import { discoverCliTokens, type CliToken, type CliTokenDiscovery } from '../auth/cliToken';
import { CredentialStorageError } from '../auth/credentialStore';
import { expiryState, formatTimeLeft } from '../auth/expiry';
import type { Session, VerifiedCredential } from '../auth/session';
import { TursoApiError } from '../platform/errors';
import { looksLikeJwt, readJwtClaims } from '../platform/jwt';
import type { Log } from '../log';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { displayName, inertText } from '../util/text';
import { createPermanentToken, createPermanentTokenAction } from '../views/expiryWarning';
import { errorMessage } from '../util/errors';
import type { CommandDeps } from './deps';
import { automationOf } from './target';

/** Why a token was not accepted, in words for the input box or a notification. */
export function rejectionMessage(err: unknown): string {
  if (err instanceof TursoApiError) {
    if (err.kind === 'unauthorized' || err.kind === 'forbidden') {
      return vscode.l10n.t('Turso rejected this token: {0}.', err.serverMessage ?? vscode.l10n.t('it is invalid, expired or revoked'));
    }
    return vscode.l10n.t("Couldn't check the token: {0}", err.message);
  }
  return errorMessage(err);
}

/** A local check before anything is sent: Platform API tokens are JWTs. */
export function checkTokenFormat(value: string): string | undefined {
  const token = value.trim();
  if (!token) {
    return vscode.l10n.t('Paste a Turso Platform API token.');
  }
  if (!looksLikeJwt(token)) {
    return vscode.l10n.t('This is not a Turso Platform API token: it should be a JWT (three parts separated by dots).');
  }
  return undefined;
}

// Functions: translated when shown, and the same text again when a choice is compared.
const signInTitle = (): string => vscode.l10n.t('Sign In to Turso');
const otherWaysAction = (): string => vscode.l10n.t('Other Ways…');
const tryAgainAction = (): string => vscode.l10n.t('Try Again');
const pasteTokenAction = (): string => vscode.l10n.t('Paste a Token');
/** Reading the CLI's settings is local and quick; a hung network home folder must not hold the picker. */
const DISCOVERY_TIMEOUT_MS = 2000;

export type SignInWay = 'browser' | 'cli' | 'paste';

export interface SignInOptions {
  /** Where the Turso CLI's token is looked for (tests point it at prepared folders). */
  discoverCliTokens?: () => Promise<CliTokenDiscovery>;
  /** How long the browser sign-in waits (default 5 minutes, as the CLI). */
  browserTimeoutMs?: number;
}

/**
 * `turso.signIn`: one quick pick of every way in that applies, most convenient first: the browser
 * (the Turso CLI's own login flow), the Turso CLI's token when one is found, pasting a token. Each
 * ends in `session.signIn(token)`: validated against the API, then stored in SecretStorage.
 * Given `{ way }` by the product's own call (or the tests', through the test-only entry), skips
 * the pick; another extension's `{ way }` gets the pick. Given a string (a token, from another
 * extension or a command link: anyone can run a command), the token is checked, then used only once
 * the person has seen which account it signs in and accepted. Resolves true when signed in.
 */
export function signInCommand({ session, accounts, log }: Pick<CommandDeps, 'session' | 'accounts' | 'log'>, options: SignInOptions = {}) {
  const flows = new SignInFlows(session, log, options.discoverCliTokens ?? (() => discoverFromHost()), options.browserTimeoutMs);
  return async (arg?: unknown): Promise<boolean> => {
    const ok = typeof arg === 'string'
      ? await signInWithToken(session, log, arg, () => flows.run(), { confirmWith: accounts })
      : await flows.run(wayOf(arg));
    if (ok) {
      // A new credential: its first 401 deserves a prompt of its own.
      authFailures.reset();
    }
    return ok;
  };
}

/** The way asked for by the product's own call (`{ way }`); another extension's argument asks as from the palette. */
function wayOf(arg: unknown): SignInWay | undefined {
  const way = automationOf<{ way: unknown }>(arg)?.way;
  return WAYS.some((w) => w.way === way) ? (way as SignInWay) : undefined;
}

/** The extension host's own environment and home folder (in a remote window: the remote machine's). */
function discoverFromHost(): Promise<CliTokenDiscovery> {
  return discoverCliTokens({
    env: process.env,
    homeDir: os.homedir(),
    platform: process.platform,
    readFile: (file) => fs.readFile(file, 'utf8'),
  });
}

interface WayItem extends vscode.QuickPickItem {
  way: SignInWay | 'browserUnavailable';
  cliToken?: CliToken;
}

/** What the pick knows when it opens: the CLI's tokens found, and whether the browser can call back. */
interface Found {
  cliTokens: CliToken[];
  browser: ReturnType<typeof browserCallbackPlan>;
}

/**
 * The ways in, one row each, in the pick's order: the rows it offers (none when it does not apply
 * here) and how it runs (`item`: the picked row; absent when the way was asked for by name).
 */
interface SignInWayRow {
  way: WayItem['way'];
  items(found: Found): WayItem[];
  run(flows: SignInFlows, found: Found, item?: WayItem): Promise<boolean>;
}

const WAYS: readonly SignInWayRow[] = [
  {
    way: 'browser',
    items: ({ browser }) => browser.kind === 'unavailable' ? [] : [{
      way: 'browser',
      label: vscode.l10n.t('Sign in with the browser'),
      iconPath: new vscode.ThemeIcon('globe'),
      detail: vscode.l10n.t('Authorize VS Code on Turso in your browser, as “turso auth login” does. The sign-in lasts 7 days.'),
    }],
    run: (flows, { cliTokens }) => flows.browser(cliTokens),
  },
  {
    way: 'cli',
    items: ({ cliTokens }) => cliTokens.map((cliToken) => ({
      way: 'cli' as const,
      cliToken,
      label: vscode.l10n.t("Use the Turso CLI's token"),
      iconPath: new vscode.ThemeIcon('terminal'),
      description: vscode.l10n.t('from {0}', displayName(cliToken.where, 128)),
      detail: describeCliToken(cliToken),
    })),
    run: (flows, { cliTokens }, item) => {
      const cliToken = item?.cliToken ?? cliTokens[0];
      if (!cliToken) {
        void showErrorMessage(
          vscode.l10n.t("No Turso CLI token was found: TURSO_API_TOKEN is not set and the Turso CLI's settings have no token. Run “turso auth login” first."),
        );
        return Promise.resolve(false);
      }
      return flows.cli(cliToken, cliTokens);
    },
  },
  {
    way: 'paste',
    items: () => [{
      way: 'paste',
      label: vscode.l10n.t('Paste a token'),
      iconPath: new vscode.ThemeIcon('key'),
      detail: vscode.l10n.t('A Platform API token from “turso auth token”, or a lasting one from “turso auth api-tokens mint <name>”.'),
    }],
    run: (flows) => flows.paste(),
  },
  {
    // Listed last, greyed: says why the browser is not offered here.
    way: 'browserUnavailable',
    items: ({ browser }) => browser.kind !== 'unavailable' ? [] : [{
      way: 'browserUnavailable',
      label: vscode.l10n.t('Sign in with the browser'),
      iconPath: new vscode.ThemeIcon('circle-slash'),
      description: vscode.l10n.t('not available in this window'),
      detail: `${capitalize(browser.reason)}.`,
    }],
    run: (flows, { cliTokens }) => flows.browserUnavailable(browserUnavailableReason(), cliTokens),
  },
];

function wayRow(way: WayItem['way']): SignInWayRow {
  return WAYS.find((w) => w.way === way) ?? WAYS[WAYS.length - 1];
}

class SignInFlows {
  constructor(
    private readonly session: Session,
    private readonly log: Log,
    private readonly discover: () => Promise<CliTokenDiscovery>,
    private readonly browserTimeoutMs?: number,
  ) {}

  /** The way asked for, else the pick of every way that applies here. */
  async run(way?: SignInWay): Promise<boolean> {
    const found: Found = { cliTokens: way === 'paste' ? [] : await this.cliTokens(), browser: browserCallbackPlan() };
    if (way) {
      return wayRow(way).run(this, found);
    }
    const item = await vscode.window.showQuickPick(WAYS.flatMap((w) => w.items(found)), {
      title: signInTitle(),
      placeHolder: vscode.l10n.t('Choose how to sign in to Turso'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return item ? wayRow(item.way).run(this, found, item) : false;
  }

  paste(): Promise<boolean> {
    return promptForToken(this.session, this.log);
  }

  private async cliTokens(): Promise<CliToken[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), DISCOVERY_TIMEOUT_MS);
    });
    try {
      const found = await Promise.race([this.discover(), timeout]);
      if (!found) {
        this.log.warn("Looking for the Turso CLI's token took too long; it is not offered.");
        return [];
      }
      for (const problem of found.problems) {
        this.log.warn(problem);
      }
      return found.tokens;
    } catch (err) {
      this.log.error("Looking for the Turso CLI's token failed", err);
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  async browser(cliTokens: CliToken[]): Promise<boolean> {
    const outcome = await signInWithBrowser(this.session, this.log, { timeoutMs: this.browserTimeoutMs });
    switch (outcome.kind) {
      case 'signedIn':
        announceSignIn(outcome.verified);
        return true;
      case 'cancelled':
        return false;
      case 'unavailable':
        return this.browserUnavailable(outcome.reason, cliTokens);
      case 'notOpened': {
        const choice = await showErrorMessage(vscode.l10n.t("Couldn't open the browser to sign in to Turso."), otherWaysAction());
        return choice === otherWaysAction() ? this.run() : false;
      }
      case 'timedOut': {
        const choice = await showErrorMessage(vscode.l10n.t('{0} Try again, or sign in another way.', outcome.message), tryAgainAction(), otherWaysAction());
        return choice === tryAgainAction() ? this.browser(cliTokens) : choice === otherWaysAction() ? this.run() : false;
      }
      case 'failed': {
        this.log.error('Browser sign-in failed', outcome.error);
        const message = outcome.error instanceof CredentialStorageError ? outcome.error.message : rejectionMessage(outcome.error);
        const choice = await showErrorMessage(message, otherWaysAction());
        return choice === otherWaysAction() ? this.run() : false;
      }
    }
  }

  /** Says why the browser can't be used here, and offers the ways that can. */
  async browserUnavailable(reason: string, cliTokens: CliToken[]): Promise<boolean> {
    const useCli = vscode.l10n.t("Use the Turso CLI's Token");
    const paste = pasteTokenAction();
    const actions = cliTokens.length ? [useCli, paste] : [paste];
    const choice = await showWarningMessage(
      vscode.l10n.t("Sign-in with the browser isn't available in this window: {0}. Use the Turso CLI's token or paste a token instead.", reason),
      ...actions,
    );
    if (choice === useCli) {
      // The CLI's own precedence decides which one.
      return this.cli(cliTokens[0], cliTokens);
    }
    return choice === paste ? promptForToken(this.session, this.log) : false;
  }

  /** Validates the CLI's token, then stores it through the session. The CLI's own file is not touched. */
  async cli(cliToken: CliToken, cliTokens: CliToken[]): Promise<boolean> {
    try {
      const verified = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Signing in to Turso with the Turso CLI's token…") },
        () => this.session.signIn(cliToken.token),
      );
      announceSignIn(verified);
      return true;
    } catch (err) {
      this.log.error("Sign-in with the Turso CLI's token failed", err);
      const message = err instanceof CredentialStorageError
        ? err.message
        : vscode.l10n.t("Couldn't sign in with the Turso CLI's token from {0}. {1}", cliToken.where, rejectionMessage(err));
      const others = cliTokens.length > 1 || browserCallbackPlan().kind !== 'unavailable';
      const choice = await showErrorMessage(message, ...(others ? [otherWaysAction()] : [pasteTokenAction()]));
      if (choice === otherWaysAction()) {
        return this.run();
      }
      return choice === pasteTokenAction() ? promptForToken(this.session, this.log) : false;
    }
  }
}

function browserUnavailableReason(): string {
  const plan = browserCallbackPlan();
  return plan.kind === 'unavailable' ? plan.reason : vscode.l10n.t('the browser cannot reach this window');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "The CLI is signed in as demo. It expires in 3 days." from what the token and settings say (no request). */
export function describeCliToken(cliToken: CliToken, nowSeconds = Date.now() / 1000): string {
  const parts: string[] = [];
  parts.push(cliToken.username ? vscode.l10n.t('The Turso CLI is signed in as {0}.', displayName(cliToken.username)) : vscode.l10n.t("The Turso CLI's Platform API token."));
  const exp = readJwtClaims(cliToken.token)?.exp;
  if (exp !== undefined) {
    const state = expiryState({ expiresAt: exp }, nowSeconds);
    parts.push(state.kind === 'expires'
      ? vscode.l10n.t('It expires in {0}.', formatTimeLeft(state.secondsLeft))
      : vscode.l10n.t('It has expired: run “turso auth login” first.'));
  }
  parts.push(vscode.l10n.t("Validated, then copied into VS Code's secret storage; the CLI's settings are not changed."));
  return parts.join(' ');
}

/**
 * After the browser or the CLI's token: the usual confirmation, and for a credential that expires
 * (a 7-day login token), when, with the offer of a permanent token.
 */
function announceSignIn(verified: VerifiedCredential): void {
  const expiresAt = verified.validation.expiresAt;
  if (expiresAt === undefined) {
    announce(verified);
    return;
  }
  const state = expiryState({ expiresAt }, Date.now() / 1000);
  const message = state.kind === 'expires'
    ? vscode.l10n.t(
        'Signed in to Turso as {0}. This sign-in expires in {1}; a permanent API token keeps the extension signed in.',
        verified.user.username,
        formatTimeLeft(state.secondsLeft),
      )
    : vscode.l10n.t('Signed in to Turso as {0}. This sign-in expired; a permanent API token keeps the extension signed in.', verified.user.username);
  void showInformationMessage(message, createPermanentTokenAction()).then((choice) => {
    if (choice === createPermanentTokenAction()) {
      void createPermanentToken();
    }
  });
}

/**
 * The test-only entry's sign-in (src/testing/testExtension.ts): a token signed in with no question,
 * as the in-host tests need. Never reachable from a command.
 */
export function signInWithTokenForTests({ session, log }: Pick<CommandDeps, 'session' | 'log'>) {
  return async (token: string): Promise<boolean> => {
    const ok = await signInWithToken(session, log, token, () => Promise.resolve(false), {});
    if (ok) {
      authFailures.reset();
    }
    return ok;
  };
}

/**
 * A token given as an argument: checked, then (with `confirmWith`, the accounts signed in) used only
 * after a modal dialog that names the account it signs in; a failure offers the other ways in.
 */
async function signInWithToken(session: Session, log: Log, raw: string, otherWays: () => Promise<unknown>, { confirmWith }: { confirmWith?: AccountModel }): Promise<boolean> {
  const token = raw.trim();
  const fail = (message: string): false => {
    void showErrorMessage(message, otherWaysAction()).then((choice) => {
      if (choice === otherWaysAction()) {
        void otherWays();
      }
    });
    return false;
  };
  const formatError = checkTokenFormat(token);
  if (formatError) {
    return fail(formatError);
  }
  try {
    if (confirmWith && !(await confirmPassedToken(session, confirmWith, token))) {
      return false;
    }
    const verified = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to Turso…') },
      () => session.signIn(token),
    );
    announce(verified);
    return true;
  } catch (err) {
    log.error('Sign-in failed', err);
    return fail(rejectionMessage(err));
  }
}

/**
 * Whether the person accepts signing in with a token they did not type: the dialog names the account
 * (checked against the API first, nothing stored) and says where the token came from.
 */
async function confirmPassedToken(session: Session, accounts: AccountModel, token: string): Promise<boolean> {
  const verified = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the token passed to “Turso: Sign In”…') },
    () => session.verify(token),
  );
  const username = displayName(verified.user.username);
  const name = verified.user.name ? displayName(verified.user.name) : undefined;
  const who = name && name !== username ? vscode.l10n.t('{0} ({1})', username, name) : username;
  const accept = vscode.l10n.t('Sign In as {0}', username);
  const already = accounts.accounts.some((a) => a.username === verified.user.username);
  const choice = await showWarningMessage(
    vscode.l10n.t('Sign in to Turso as {0}?', who),
    {
      modal: true,
      detail: already
        ? vscode.l10n.t('Another extension or a link passed a token to “Turso: Sign In”. It would replace the credential of {0} here and make it the active account. Sign in only if you expected this.', username)
        : vscode.l10n.t('Another extension or a link passed a token to “Turso: Sign In”. It would add the account {0} here and make it the active one. Sign in only if you expected this.', username),
    },
    accept,
  );
  return choice === accept;
}

function promptForToken(session: Session, log: Log): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const input = vscode.window.createInputBox();
    input.title = signInTitle();
    input.password = true;
    input.ignoreFocusOut = true;
    input.placeholder = vscode.l10n.t('Turso Platform API token');
    input.prompt = vscode.l10n.t('Paste a Turso Platform API token. Get one with `turso auth token`, or mint a lasting one with `turso auth api-tokens mint <name>`.');
    let settled = false;
    let attempt: AbortController | undefined;
    const finish = (ok: boolean): void => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    input.onDidChangeValue(() => {
      // The old reason no longer applies to what is being typed now.
      input.validationMessage = undefined;
    });
    input.onDidAccept(async () => {
      if (input.busy) {
        return;
      }
      const token = input.value.trim();
      const formatError = checkTokenFormat(token);
      if (formatError) {
        input.validationMessage = formatError;
        return;
      }
      input.busy = true;
      input.enabled = false;
      input.validationMessage = undefined;
      attempt = new AbortController();
      try {
        const verified = await session.signIn(token, attempt.signal);
        finish(true);
        input.hide();
        announce(verified);
      } catch (err) {
        if (err instanceof TursoApiError && err.kind === 'cancelled') {
          return;
        }
        log.error('Sign-in failed', err);
        if (err instanceof CredentialStorageError) {
          input.hide();
          void showErrorMessage(err.message);
          return;
        }
        // Quick input messages render links: the server's text goes in inert.
        input.validationMessage = inertText(rejectionMessage(err));
      } finally {
        input.busy = false;
        input.enabled = true;
      }
    });
    input.onDidHide(() => {
      attempt?.abort();
      input.dispose();
      finish(false);
    });
    input.show();
  });
}

function announce(verified: VerifiedCredential): void {
  void showInformationMessage(vscode.l10n.t('Signed in to Turso as {0}.', verified.user.username));
}

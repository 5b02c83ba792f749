import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { authFailures } from '../auth/authFailures';
import { browserCallbackPlan, signInWithBrowser } from '../auth/browserSignIn';
import { discoverCliTokens, type CliToken, type CliTokenDiscovery } from '../auth/cliToken';
import { CredentialStorageError } from '../auth/credentialStore';
import { expiryLabel, expiryState } from '../auth/expiry';
import type { Session, VerifiedCredential } from '../auth/session';
import { TursoApiError } from '../platform/errors';
import { looksLikeJwt, readJwtClaims } from '../platform/jwt';
import type { Log } from '../log';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { inertText } from '../util/text';
import { CREATE_PERMANENT_TOKEN_ACTION, createPermanentToken } from '../views/expiryWarning';

/** Why a token was not accepted, in words for the input box or a notification. */
export function rejectionMessage(err: unknown): string {
  if (err instanceof TursoApiError) {
    if (err.kind === 'unauthorized' || err.kind === 'forbidden') {
      return `Turso rejected this token: ${err.serverMessage ?? 'it is invalid, expired or revoked'}.`;
    }
    return `Couldn't check the token: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A local check before anything is sent: Platform API tokens are JWTs. */
export function checkTokenFormat(value: string): string | undefined {
  const token = value.trim();
  if (!token) {
    return 'Paste a Turso Platform API token.';
  }
  if (!looksLikeJwt(token)) {
    return 'This is not a Turso Platform API token: it should be a JWT (three parts separated by dots).';
  }
  return undefined;
}

export const SIGN_IN_TITLE = 'Sign In to Turso';
const OTHER_WAYS_ACTION = 'Other Ways…';
const TRY_AGAIN_ACTION = 'Try Again';
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
 * Given a string (automation), signs in with it without any UI; given `{ way }`, skips the pick.
 * Resolves true when signed in.
 */
export function signInCommand(session: Session, log: Log, options: SignInOptions = {}) {
  const flows = new SignInFlows(session, log, options.discoverCliTokens ?? (() => discoverFromHost()), options.browserTimeoutMs);
  return async (arg?: unknown): Promise<boolean> => {
    const ok = typeof arg === 'string' ? await signInWithToken(session, log, arg, () => flows.run()) : await flows.run(wayOf(arg));
    if (ok) {
      // A new credential: its first 401 deserves a prompt of its own.
      authFailures.reset();
    }
    return ok;
  };
}

function wayOf(arg: unknown): SignInWay | undefined {
  const way = typeof arg === 'object' && arg !== null ? (arg as { way?: unknown }).way : undefined;
  return way === 'browser' || way === 'cli' || way === 'paste' ? way : undefined;
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

class SignInFlows {
  constructor(
    private readonly session: Session,
    private readonly log: Log,
    private readonly discover: () => Promise<CliTokenDiscovery>,
    private readonly browserTimeoutMs?: number,
  ) {}

  async run(way?: SignInWay): Promise<boolean> {
    const cliTokens = way === 'paste' ? [] : await this.cliTokens();
    if (way === 'paste') {
      return promptForToken(this.session, this.log);
    }
    if (way === 'browser') {
      return this.browser(cliTokens);
    }
    if (way === 'cli') {
      if (!cliTokens.length) {
        void showErrorMessage(
          "No Turso CLI token was found: TURSO_API_TOKEN is not set and the Turso CLI's settings have no token. Run “turso auth login” first.",
        );
        return false;
      }
      return this.cli(cliTokens[0], cliTokens);
    }
    const item = await this.pick(cliTokens);
    switch (item?.way) {
      case undefined:
        return false;
      case 'browser':
        return this.browser(cliTokens);
      case 'browserUnavailable':
        return this.browserUnavailable(browserUnavailableReason(), cliTokens);
      case 'cli':
        return this.cli(item.cliToken ?? cliTokens[0], cliTokens);
      case 'paste':
        return promptForToken(this.session, this.log);
    }
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

  private async pick(cliTokens: CliToken[]): Promise<WayItem | undefined> {
    const plan = browserCallbackPlan();
    const items: WayItem[] = [];
    if (plan.kind !== 'unavailable') {
      items.push({
        way: 'browser',
        label: 'Sign in with the browser',
        iconPath: new vscode.ThemeIcon('globe'),
        detail: 'Authorize VS Code on Turso in your browser, as “turso auth login” does. The sign-in lasts 7 days.',
      });
    }
    for (const cliToken of cliTokens) {
      items.push({
        way: 'cli',
        cliToken,
        label: "Use the Turso CLI's token",
        iconPath: new vscode.ThemeIcon('terminal'),
        description: `from ${cliToken.where}`,
        detail: describeCliToken(cliToken),
      });
    }
    items.push({
      way: 'paste',
      label: 'Paste a token',
      iconPath: new vscode.ThemeIcon('key'),
      detail: 'A Platform API token from “turso auth token”, or a lasting one from “turso auth api-tokens mint <name>”.',
    });
    if (plan.kind === 'unavailable') {
      items.push({
        way: 'browserUnavailable',
        label: 'Sign in with the browser',
        iconPath: new vscode.ThemeIcon('circle-slash'),
        description: 'not available in this window',
        detail: `${capitalize(plan.reason)}.`,
      });
    }
    return vscode.window.showQuickPick(items, {
      title: SIGN_IN_TITLE,
      placeHolder: 'Choose how to sign in to Turso',
      matchOnDescription: true,
      matchOnDetail: true,
    });
  }

  private async browser(cliTokens: CliToken[]): Promise<boolean> {
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
        const choice = await showErrorMessage("Couldn't open the browser to sign in to Turso.", OTHER_WAYS_ACTION);
        return choice === OTHER_WAYS_ACTION ? this.run() : false;
      }
      case 'timedOut': {
        const choice = await showErrorMessage(`${outcome.message} Try again, or sign in another way.`, TRY_AGAIN_ACTION, OTHER_WAYS_ACTION);
        return choice === TRY_AGAIN_ACTION ? this.browser(cliTokens) : choice === OTHER_WAYS_ACTION ? this.run() : false;
      }
      case 'failed': {
        this.log.error('Browser sign-in failed', outcome.error);
        const message = outcome.error instanceof CredentialStorageError ? outcome.error.message : rejectionMessage(outcome.error);
        const choice = await showErrorMessage(message, OTHER_WAYS_ACTION);
        return choice === OTHER_WAYS_ACTION ? this.run() : false;
      }
    }
  }

  /** Says why the browser can't be used here, and offers the ways that can. */
  private async browserUnavailable(reason: string, cliTokens: CliToken[]): Promise<boolean> {
    const useCli = "Use the Turso CLI's Token";
    const paste = 'Paste a Token';
    const actions = cliTokens.length ? [useCli, paste] : [paste];
    const choice = await showWarningMessage(
      `Sign-in with the browser isn't available in this window: ${reason}. Use the Turso CLI's token or paste a token instead.`,
      ...actions,
    );
    if (choice === useCli) {
      // The CLI's own precedence decides which one.
      return this.cli(cliTokens[0], cliTokens);
    }
    return choice === paste ? promptForToken(this.session, this.log) : false;
  }

  /** Validates the CLI's token, then stores it through the session. The CLI's own file is not touched. */
  private async cli(cliToken: CliToken, cliTokens: CliToken[]): Promise<boolean> {
    try {
      const verified = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: "Signing in to Turso with the Turso CLI's token…" },
        () => this.session.signIn(cliToken.token),
      );
      announceSignIn(verified);
      return true;
    } catch (err) {
      this.log.error("Sign-in with the Turso CLI's token failed", err);
      const message = err instanceof CredentialStorageError
        ? err.message
        : `Couldn't sign in with the Turso CLI's token from ${cliToken.where}. ${rejectionMessage(err)}`;
      const others = cliTokens.length > 1 || browserCallbackPlan().kind !== 'unavailable';
      const choice = await showErrorMessage(message, ...(others ? [OTHER_WAYS_ACTION] : ['Paste a Token']));
      if (choice === OTHER_WAYS_ACTION) {
        return this.run();
      }
      return choice === 'Paste a Token' ? promptForToken(this.session, this.log) : false;
    }
  }
}

function browserUnavailableReason(): string {
  const plan = browserCallbackPlan();
  return plan.kind === 'unavailable' ? plan.reason : 'the browser cannot reach this window';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "The CLI is signed in as demo. It expires in 3 days." from what the token and settings say (no request). */
export function describeCliToken(cliToken: CliToken, nowSeconds = Date.now() / 1000): string {
  const parts: string[] = [];
  parts.push(cliToken.username ? `The Turso CLI is signed in as ${cliToken.username}.` : "The Turso CLI's Platform API token.");
  const exp = readJwtClaims(cliToken.token)?.exp;
  if (exp !== undefined) {
    const label = expiryLabel(expiryState({ expiresAt: exp }, nowSeconds));
    parts.push(label === 'expired' ? 'It has expired: run “turso auth login” first.' : `It ${label}.`);
  }
  parts.push("Validated, then copied into VS Code's secret storage; the CLI's settings are not changed.");
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
  const label = expiryLabel(expiryState({ expiresAt }, Date.now() / 1000));
  void vscode.window
    .showInformationMessage(
      `Signed in to Turso as ${verified.user.username}. This sign-in ${label}; a permanent API token keeps the extension signed in.`,
      CREATE_PERMANENT_TOKEN_ACTION,
    )
    .then((choice) => {
      if (choice === CREATE_PERMANENT_TOKEN_ACTION) {
        void createPermanentToken();
      }
    });
}

/** A token given by automation: no UI but the outcome; a failure offers the other ways in. */
async function signInWithToken(session: Session, log: Log, raw: string, otherWays: () => Promise<unknown>): Promise<boolean> {
  const token = raw.trim();
  const fail = (message: string): false => {
    void showErrorMessage(message, OTHER_WAYS_ACTION).then((choice) => {
      if (choice === OTHER_WAYS_ACTION) {
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
    const verified = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Signing in to Turso…' },
      () => session.signIn(token),
    );
    announce(verified);
    return true;
  } catch (err) {
    log.error('Sign-in failed', err);
    return fail(rejectionMessage(err));
  }
}

function promptForToken(session: Session, log: Log): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const input = vscode.window.createInputBox();
    input.title = SIGN_IN_TITLE;
    input.password = true;
    input.ignoreFocusOut = true;
    input.placeholder = 'Turso Platform API token';
    input.prompt = 'Paste a Turso Platform API token. Get one with `turso auth token`, or mint a lasting one with `turso auth api-tokens mint <name>`.';
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
  void showInformationMessage(`Signed in to Turso as ${verified.user.username}.`);
}

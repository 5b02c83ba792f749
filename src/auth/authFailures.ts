import * as vscode from 'vscode';
import { isUnauthorized, TursoApiError } from '../platform/errors';
import { setStatusBarMessage, showWarningMessage } from '../ui/notify';

/** After a prompt, more 401s stay quiet this long (a burst of failing calls is one problem). */
export const AUTH_PROMPT_COOLDOWN_MS = 60_000;
/** A prompt nobody answers (it went to the notification center) stops holding others back after this. */
export const AUTH_PROMPT_MAX_OPEN_MS = 10 * 60_000;

/** The prompt's button (translated when called; the same text is compared with the choice). */
export const signInAction = (): string => vscode.l10n.t('Sign In…');

/**
 * Decides which 401 gets a prompt: the first of a burst. While that prompt is open, and for a
 * cooldown after it closed, the others stay quiet (as the GitHub Pull Requests extension does).
 * The clock is injectable for tests.
 */
export class AuthFailureGate {
  private generation = 0;
  private openSince: number | undefined;
  private quietUntil = 0;

  constructor(
    private readonly cooldownMs: number = AUTH_PROMPT_COOLDOWN_MS,
    private readonly now: () => number = Date.now,
    private readonly maxOpenMs: number = AUTH_PROMPT_MAX_OPEN_MS,
  ) {}

  /** Quiet now: a prompt is open, or one closed less than the cooldown ago. */
  get quiet(): boolean {
    const now = this.now();
    return (this.openSince !== undefined && now < this.openSince + this.maxOpenMs) || now < this.quietUntil;
  }

  /** A ticket when this failure gets the prompt (pass it to `closed`), undefined when it stays quiet. */
  tryOpen(): number | undefined {
    if (this.quiet) {
      return undefined;
    }
    this.openSince = this.now();
    return ++this.generation;
  }

  /** The prompt was answered or dismissed: quiet for the cooldown from now. */
  closed(ticket: number): void {
    if (ticket !== this.generation) {
      return; // a prompt from before `reset()`: it says nothing about the current credential
    }
    this.openSince = undefined;
    this.quietUntil = this.now() + this.cooldownMs;
  }

  /** A new credential: its first failure prompts again. */
  reset(): void {
    this.generation++;
    this.openSince = undefined;
    this.quietUntil = 0;
  }
}


/** "Your Turso session expired or was revoked: token is expired." */
export function authFailureMessage(err: TursoApiError): string {
  const reason = (err.serverMessage ?? vscode.l10n.t('Turso rejected the credential')).replace(/[.\s]+$/, '');
  return vscode.l10n.t('Your Turso session expired or was revoked: {0}.', reason);
}

/** What the reporter shows; the default is VS Code's. */
export interface AuthFailureUi {
  /** The one prompt; resolves true when the user chose to sign in, once it is closed. */
  prompt(message: string): Thenable<boolean>;
  /** A failure inside a burst: a passing hint instead of another prompt. */
  hint(message: string): void;
  signIn(): Thenable<unknown>;
}

const vscodeUi: AuthFailureUi = {
  prompt: (message) => showWarningMessage(message, signInAction()).then((choice) => choice === signInAction()),
  hint: (message) => {
    setStatusBarMessage(message, 8000, 'warning');
  },
  signIn: () => vscode.commands.executeCommand('turso.signIn'),
};

/** Turns 401s from any command into one prompt per burst. */
export class AuthFailureReporter {
  constructor(
    readonly gate: AuthFailureGate = new AuthFailureGate(),
    private readonly ui: AuthFailureUi = vscodeUi,
  ) {}

  /**
   * For an `unauthorized` error: prompts (first of a burst) or hints (the rest), and returns true, so
   * the command shows nothing more. Any other error: returns false and the command reports it.
   */
  report(err: unknown): boolean {
    if (!isUnauthorized(err)) {
      return false;
    }
    const message = authFailureMessage(err);
    const ticket = this.gate.tryOpen();
    if (ticket === undefined) {
      this.ui.hint(message);
      return true;
    }
    void Promise.resolve(this.ui.prompt(message)).then(
      (signIn) => {
        this.gate.closed(ticket);
        if (signIn) {
          void this.ui.signIn();
        }
      },
      () => this.gate.closed(ticket),
    );
    return true;
  }

  reset(): void {
    this.gate.reset();
  }
}

/** The window's reporter: every command reports through it, so a burst across commands is one prompt. */
export const authFailures = new AuthFailureReporter();

/**
 * For commands' error paths: `catch (err) { if (reportAuthFailure(err)) return; …show err… }`.
 * True when it was a 401 and the user has been told (once per burst).
 */
export function reportAuthFailure(err: unknown): boolean {
  return authFailures.report(err);
}

import * as vscode from 'vscode';
import { isUnauthorized } from '../auth/authFailures';
import type { PrimedLoad, Session, SessionChange } from '../auth/session';
import type { Log } from '../log';
import { errorMessage } from '../util/errors';
import type { ApiToken, TokenValidation, TursoUser } from '../platform/types';

/** What the last load found, for the views of the account (status bar, expiry warnings). */
export type AccountState =
  | { kind: 'signedOut' }
  | { kind: 'signedIn'; user: TursoUser; validation?: TokenValidation }
  | { kind: 'error'; error: unknown };

/** One load's result. A new object whenever anything in it changes, so views can tell by identity. */
export type AccountLoad =
  | {
      kind: 'loaded';
      user: TursoUser;
      /** The signed-in credential's validation; undefined when it could not be checked. */
      validation?: TokenValidation;
      tokens: readonly ApiToken[] | { error: unknown };
      /** `jti` of the signed-in credential, to recognise it among the tokens. */
      credentialId?: string;
    }
  | { kind: 'failed'; error: unknown };

/** What changed: everything (undefined), or only how one token's row reads (its busy text). */
export type AccountChange = { tokenId: string } | undefined;

/** Sign-in's own checks are used by the first load only when they are this fresh. */
const PRIMED_FRESH_MS = 30_000;

/**
 * The signed-in Turso account: its credential (through the session), who it is, the credential's
 * validation, its API tokens, and whether a load is running or failed. The tree, the status bar and
 * the expiry warning follow it; commands change it (a created or revoked token) without a request.
 *
 * A load asks for user, validation and token list in parallel (one round trip). Nothing is asked
 * before someone wants the account (`load()`: the view became visible, a command). At most one load
 * runs at a time; a refresh during a load queues exactly one more; a load superseded while it ran
 * (sign-out, another credential, new settings) is dropped.
 */
export class AccountModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<AccountChange>();
  /** What a view shows of the account changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly credentialEmitter = new vscode.EventEmitter<void>();
  /** The credential or the API settings changed: what was known of the account is dropped. */
  readonly onDidChangeCredential = this.credentialEmitter.event;
  private readonly loadEmitter = new vscode.EventEmitter<AccountState>();
  /** Fires after every load, and on sign-out. No extra request is made for it. */
  readonly onDidLoadAccount = this.loadEmitter.event;
  private readonly loadingEmitter = new vscode.EventEmitter<Promise<unknown>>();
  /** A load started; the promise settles when it ends (for a progress indicator). */
  readonly onDidStartLoading = this.loadingEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.credentialEmitter, this.loadEmitter, this.loadingEmitter];

  private current: Promise<AccountLoad> | undefined;
  /** The last load that finished and was not superseded. */
  private settled: AccountLoad | undefined;
  private loading: AbortController | undefined;
  private reloadQueued = false;
  /** The session generation the current load is for. */
  private currentGeneration = -1;
  /** What sign-in fetched moments ago, handed to the first load for that credential (once). */
  private primed: { token: string; at: number; result: PrimedLoad } | undefined;
  /** Token id → what is happening to it ("Revoking…"). */
  private readonly busy = new Map<string, string>();

  constructor(private readonly session: Session, private readonly log: Log) {
    this.disposables.push(
      session.onDidSignIn(({ token, result }) => {
        this.primed = { token, at: Date.now(), result };
      }),
      session.onDidChange((change) => this.reset(change)),
    );
  }

  get signedIn(): boolean {
    return this.session.signedIn;
  }

  /** The id (`jti`) of the signed-in credential. */
  get credentialId(): string | undefined {
    return this.session.credentialId;
  }

  /** Resolves once the stored credential has been read. */
  initialize(): Promise<void> {
    return this.session.initialize();
  }

  /**
   * The account as loaded for the current credential: the running load, the last one, or a new one.
   * Undefined when signed out.
   */
  async load(): Promise<AccountLoad | undefined> {
    for (;;) {
      if (!this.session.signedIn) {
        return undefined;
      }
      const pending = this.start();
      const result = await pending;
      if (this.current === pending) {
        this.settled = result;
        return result;
      }
    }
  }

  /** The last finished load (no request), or undefined when none has finished since the last change. */
  get lastLoad(): AccountLoad | undefined {
    return this.settled;
  }

  /** Reloads from the API. During a load, one more load is queued (never more). */
  refresh(): void {
    // An explicit reload asks the API for everything again, even moments after a sign-in.
    this.primed = undefined;
    if (this.loading) {
      this.reloadQueued = true;
      return;
    }
    this.current = undefined;
    this.changeEmitter.fire(undefined);
  }

  /** Resolves when the current (or next) load has finished. */
  async whenLoaded(): Promise<void> {
    await this.load();
  }

  /** The tokens of the last finished load, or undefined when none has finished or the list failed. */
  knownTokens(): readonly ApiToken[] | undefined {
    const load = this.settled;
    return load?.kind === 'loaded' && Array.isArray(load.tokens) ? load.tokens : undefined;
  }

  /** A token created here: the API's answer to the create is all its row needs. */
  addToken(token: ApiToken): void {
    this.updateTokens((tokens) => [...tokens.filter((t) => t.id !== token.id), token]);
  }

  /** A revoked token: dropped without asking the API for the list again. */
  removeToken(tokenId: string): void {
    this.updateTokens((tokens) => tokens.filter((t) => t.id !== tokenId));
  }

  /** What is happening to a token ("Revoking…"); `undefined` clears it. */
  setBusy(tokenId: string, text: string | undefined): void {
    if (text === undefined) {
      this.busy.delete(tokenId);
    } else {
      this.busy.set(tokenId, text);
    }
    this.changeEmitter.fire({ tokenId });
  }

  busyText(tokenId: string): string | undefined {
    return this.busy.get(tokenId);
  }

  dispose(): void {
    this.loading?.abort();
    for (const d of this.disposables) {
      d.dispose();
    }
  }

  /** Changes the list locally; when there is no settled list to change, reloads instead. */
  private updateTokens(change: (tokens: readonly ApiToken[]) => ApiToken[]): void {
    const load = this.settled;
    const tokens = this.knownTokens();
    if (load?.kind !== 'loaded' || !tokens || this.loading) {
      this.refresh();
      return;
    }
    const updated: AccountLoad = { ...load, tokens: change(tokens) };
    this.settled = updated;
    this.current = Promise.resolve(updated);
    this.changeEmitter.fire(undefined);
  }

  private reset(change: SessionChange): void {
    if (change === 'settings') {
      this.primed = undefined;
    }
    if (!this.session.signedIn) {
      this.loadEmitter.fire({ kind: 'signedOut' });
    } else if (this.current && this.currentGeneration === this.session.generation) {
      // Already loading (or loaded) for this very credential and settings: the view asked for the
      // account as soon as the signed-in context changed, before this event arrived. Once that load
      // has reported, the views already show the new account.
      if (!this.settled) {
        this.credentialEmitter.fire();
      }
      return;
    }
    this.loading?.abort();
    this.loading = undefined;
    this.reloadQueued = false;
    this.current = undefined;
    this.settled = undefined;
    this.changeEmitter.fire(undefined);
    this.credentialEmitter.fire();
  }

  private start(): Promise<AccountLoad> {
    if (!this.current) {
      this.currentGeneration = this.session.generation;
      const controller = new AbortController();
      this.loading = controller;
      const load = this.fetch(controller.signal).finally(() => {
        if (this.loading !== controller) {
          return;
        }
        this.loading = undefined;
        if (this.reloadQueued) {
          this.reloadQueued = false;
          this.current = undefined;
          this.changeEmitter.fire(undefined);
        }
      });
      this.current = load;
      this.loadingEmitter.fire(load);
    }
    return this.current;
  }

  /** Sign-in's checks, once, when they are for the current credential and fresh. */
  private takePrimed(): PrimedLoad | undefined {
    const primed = this.primed;
    this.primed = undefined;
    return primed && this.session.isCurrent(primed.token) && Date.now() - primed.at < PRIMED_FRESH_MS ? primed.result : undefined;
  }

  private async fetch(signal: AbortSignal): Promise<AccountLoad> {
    try {
      const client = this.session.client();
      if (!client) {
        return { kind: 'failed', error: new Error(vscode.l10n.t('Not signed in')) };
      }
      const credentialId = this.session.credentialId;
      // Just signed in: sign-in fetched all three a moment ago, together.
      const primed = this.takePrimed();
      const [user, validation, tokens] = await Promise.allSettled([
        primed ? Promise.resolve(primed.user) : client.getCurrentUser({ signal }),
        primed ? Promise.resolve(primed.validation) : client.validateToken(undefined, { signal }),
        primed ? primed.tokens : client.listApiTokens({ signal }),
      ]);
      if (signal.aborted) {
        return { kind: 'failed', error: new Error('Superseded') };
      }
      // A 401 on any of them means the credential itself is gone: one "sign in again".
      for (const result of [validation, user, tokens]) {
        if (result.status === 'rejected' && isUnauthorized(result.reason)) {
          return this.failed(result.reason);
        }
      }
      if (user.status === 'rejected') {
        return this.failed(user.reason);
      }
      const checked = validation.status === 'fulfilled' ? validation.value : undefined;
      this.loadEmitter.fire({ kind: 'signedIn', user: user.value, validation: checked });
      if (tokens.status === 'rejected') {
        this.log.error('Loading API tokens failed', tokens.reason);
      }
      if (validation.status === 'rejected') {
        this.log.warn(`Validating the signed-in credential failed: ${errorMessage(validation.reason)}`);
      }
      return {
        kind: 'loaded',
        user: user.value,
        validation: checked,
        tokens: tokens.status === 'fulfilled' ? tokens.value : { error: tokens.reason },
        credentialId,
      };
    } catch (err) {
      // A superseded load is not shown; its cancellation is not an error worth reporting.
      return signal.aborted ? { kind: 'failed', error: err } : this.failed(err);
    }
  }

  private failed(error: unknown): AccountLoad {
    this.log.error('Loading the Turso account failed', error);
    this.loadEmitter.fire({ kind: 'error', error });
    return { kind: 'failed', error };
  }
}

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';
import { displayName, inertText } from '../util/text';
import { saveTokenToEnv, saveVarsToEnv, type EnvVar, type SaveEnvResult } from '../workspace/saveEnv';
import type { GitHubSaveOutcome, GitHubSaveRequest } from '../githubSecrets/saveFlow';
import { makeNonce, renderRevealHtml } from './revealHtml';
import { rescueToken, type RescueReason, type RescueUi } from './rescue';

export const REVEAL_VIEW_TYPE = 'turso.tokenReveal';

/** The token the panel is about, before its value is known. */
export interface PendingToken {
  name: string;
  /** e.g. "acme/default · read-only". */
  scopeLabel: string;
}

export interface RevealOptions {
  /** Make "Use for this extension" the primary, focused action (after creating a token while signed in with a 7-day login token). */
  preselectUse?: boolean;
  /**
   * A database or group token: not a Platform API token, so "Use for this extension" is not offered;
   * Save to .env writes it as TURSO_AUTH_TOKEN together with what `companions` gives (its database's
   * TURSO_DATABASE_URL), asked when Save to .env is chosen (undefined: the person cancelled).
   */
  database?: { companions(): Promise<EnvVar[] | undefined> };
}

/** The variable a database (or group) token is written to, as Turso's SDK examples read it. */
export const DATABASE_TOKEN_ENV_VAR = 'TURSO_AUTH_TOKEN';

export interface RevealDeps {
  extensionUri: vscode.Uri;
  /** Replaces the extension's credential with this token; resolves to a short success text, rejects with an Error whose message is shown. */
  useForExtension(value: string): Promise<string>;
  /** Never given the value. */
  log: { info(m: string): void; error(m: string, e?: unknown): void };
  /** Save as GitHub Actions Secret (src/githubSecrets/saveFlow.ts): asks where, writes; never rejects. */
  saveToGitHub?(request: GitHubSaveRequest): Promise<GitHubSaveOutcome>;
}

export type RevealOutcome = { delivered: boolean; via: ('copied' | 'env' | 'used' | 'modal-copy' | 'github')[] };

/** A reveal panel opened while its token is being created. */
export interface RevealHandle {
  /** The token was created: show its value (the first call counts). `tokenId`: a Platform API token's id (where it is saved is remembered under it). */
  deliver(value: string, tokenId?: string): void;
  /** The token was not created: close the panel without asking anything. */
  abandon(): void;
  /** Resolves once the panel is closed AND the value was delivered or explicitly discarded (or abandoned). Never rejects. */
  readonly outcome: Promise<RevealOutcome>;
}

/**
 * Opens the reveal panel of a token that is being created, saying so; its value follows with
 * `deliver`. Opening the page while the request is on the network overlaps the two waits. A panel
 * closed before the value arrives, or one that cannot be shown, falls back to the modal that offers
 * to copy the value: nothing is lost.
 */
export function openReveal(deps: RevealDeps, token: PendingToken, options: RevealOptions = {}): RevealHandle {
  const reveal = new TokenReveal(deps, token, options);
  return {
    deliver: (value, tokenId) => {
      reveal.tokenId ??= tokenId;
      reveal.arrive(value);
    },
    abandon: () => reveal.arrive(undefined),
    outcome: reveal.run(),
  };
}

/** What the page may ask for (media/reveal.js). It never sends the value: the host holds it. */
type Action = 'copy' | 'use' | 'save-env' | 'save-github';
type Delivery = RevealOutcome['via'][number];
export type StatusKind = 'info' | 'success' | 'error';
interface Status {
  /** Increases with each new status, so the page announces a repeated text ("Copied") again. */
  id: number;
  text: string;
  kind: StatusKind;
}

/** For tests in the extension host: a live panel, and a way to act as its page would. */
export interface RevealPanelProbe {
  readonly tokenName: string;
  readonly panel: vscode.WebviewPanel | undefined;
  /** The text last shown in `#status`. */
  readonly status: { text: string; kind: StatusKind } | undefined;
  /** The value arrived (the page has been sent it); before that the page says the token is being created. */
  readonly revealed: boolean;
  /** Handles a message as if the page had posted it (`{type: 'copy' | 'use' | 'save-env' | 'save-github' | 'ready'}`); resolves when its action is done. */
  receive(message: unknown): Promise<void>;
}

const live = new Set<TokenReveal>();

/** The reveal panels open now (in this copy of the module), oldest first. */
export function openRevealPanels(): readonly RevealPanelProbe[] {
  return [...live];
}

class TokenReveal implements RevealPanelProbe {
  /** Held from its arrival until the panel is closed (and while its rescue modal is open): a reloaded page asks for it again. */
  private value: string | undefined;
  /** Resolves with the value, or undefined when the token was not created. */
  private readonly arrival: Promise<string | undefined>;
  arrive: (value: string | undefined) => void = () => undefined;
  panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly via = new Set<Delivery>();
  private readonly busy = new Set<Action>();
  private readonly inFlight = new Set<Promise<void>>();
  private current: Status | undefined;
  private statusCount = 0;
  readonly tokenName: string;
  /** A Platform API token's id, once created (none for a database token). */
  tokenId: string | undefined;
  private readonly scopeLabel: string;

  constructor(
    private readonly deps: RevealDeps,
    token: PendingToken,
    private readonly options: RevealOptions,
  ) {
    // Copied field by field: keeping `token` would keep a value alive after it is dropped.
    this.tokenName = token.name;
    this.scopeLabel = token.scopeLabel;
    this.arrival = new Promise((resolve) => {
      this.arrive = resolve;
    });
  }

  get revealed(): boolean {
    return this.value !== undefined && this.panel !== undefined;
  }

  get status(): { text: string; kind: StatusKind } | undefined {
    return this.current && { text: this.current.text, kind: this.current.kind };
  }

  async run(): Promise<RevealOutcome> {
    const name = this.tokenName;
    // Opened at once: the page loads while the token is being created.
    const closed = this.show().then(
      (): RescueReason => 'closed',
      (err): RescueReason => {
        this.deps.log.error(`Couldn't show the new API token "${name}" in a panel`, this.scrub(err));
        return 'failed-to-show';
      },
    );
    const value = await this.arrival;
    if (value === undefined) {
      // Not created: there is nothing to show or keep.
      this.panel?.dispose();
      await closed;
      live.delete(this);
      return { delivered: false, via: [] };
    }
    this.value = value;
    this.postState(true);
    try {
      const reason = await closed;
      // A copy, save or "use" still running when the panel closed may yet deliver the value.
      await Promise.allSettled([...this.inFlight]);
      if (this.via.size === 0) {
        const result = await this.rescue(reason);
        if (result === 'discarded') {
          this.deps.log.info(`The value of the new API token "${name}" was discarded without being copied or saved`);
        } else {
          this.deps.log.info(`The new API token "${name}" was kept from the closing dialog (${result})`);
          this.via.add(result);
        }
      }
    } catch (err) {
      // Only a failing dialog gets here; the value is dropped below either way.
      this.deps.log.error(`Showing the new API token "${name}" failed`, this.scrub(err));
    } finally {
      this.value = undefined;
      live.delete(this);
    }
    return { delivered: this.via.size > 0, via: [...this.via] };
  }

  async receive(message: unknown): Promise<void> {
    if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') {
      return;
    }
    const type = (message as { type: string }).type;
    switch (type) {
      case 'ready':
        // The page (re)loaded, e.g. shown again after being hidden: give it the state (and the value) it lost.
        this.postState(true);
        return;
      case 'copied-by-hand':
        // The user selected the whole value and copied it with the keyboard or the context menu.
        if (this.value !== undefined) {
          this.markDelivered('copied', 'copied by hand');
        }
        return;
      case 'copy':
        return this.runAction('copy', () => this.copy());
      case 'use':
        // A database token is not a Platform API token: never the extension's credential.
        return this.options.database ? undefined : this.runAction('use', () => this.use());
      case 'save-env':
        // It may ask which folder, or before replacing a value: not marked busy, so a question left
        // open never disables the button (another click asks again).
        return this.runAction('save-env', () => this.saveEnv(), false);
      case 'save-github':
        // Asks several questions: not marked busy either (a question left open never disables the button).
        return this.runAction('save-github', () => this.saveGitHub(), false);
      default:
        return;
    }
  }

  /** Opens the panel; resolves when it is closed, rejects when it cannot be shown. */
  private show(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      try {
        const media = vscode.Uri.joinPath(this.deps.extensionUri, 'media');
        const panel = vscode.window.createWebviewPanel(
          REVEAL_VIEW_TYPE,
          this.options.database
            ? vscode.l10n.t('New database token: {0}', displayName(this.tokenName))
            : vscode.l10n.t('New API token: {0}', displayName(this.tokenName)),
          { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
          {
            enableScripts: true,
            enableCommandUris: false,
            enableForms: false,
            enableFindWidget: false,
            // The page loads nothing: its script and style are inline, with the nonce.
            localResourceRoots: [],
            // The page is rebuilt from its html when shown again, rather than kept alive hidden.
            retainContextWhenHidden: false,
          },
        );
        this.panel = panel;
        live.add(this);
        panel.iconPath = vscode.Uri.joinPath(media, 'turso.svg');
        this.disposables.push(
          panel.onDidDispose(() => {
            this.teardown();
            resolve();
          }),
          panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
        );
        panel.webview.html = this.render(media);
        this.deps.log.info(`Showing the new API token "${this.tokenName}" (${this.scopeLabel})`);
      } catch (err) {
        // Listeners go first, so closing the half-built panel does not count as the user closing it.
        const panel = this.panel;
        this.teardown();
        try {
          panel?.dispose();
        } catch {
          // Nothing left to close.
        }
        reject(err);
      }
    });
  }

  private render(media: vscode.Uri): string {
    return renderRevealHtml({
      nonce: makeNonce(),
      ...pageAssets(media),
      // Escaped by the page; made inert here so bidirectional controls can't disguise them.
      name: inertText(this.tokenName),
      scopeLabel: inertText(this.scopeLabel),
      preselectUse: this.options.preselectUse,
      database: this.options.database !== undefined,
      gitHub: this.deps.saveToGitHub !== undefined,
    });
  }

  /** The panel is gone: stop listening and let go of the page (and the value shown in it). */
  private teardown(): void {
    const panel = this.panel;
    this.panel = undefined;
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
    live.delete(this);
    if (panel) {
      try {
        panel.webview.html = '';
      } catch {
        // Already disposed: VS Code has dropped the page itself.
      }
    }
  }

  /**
   * Runs a button's action. `exclusive`: marked busy while it runs, and a second click meanwhile is
   * ignored; only for actions that never wait for the person (no lock is held across a question).
   */
  private runAction(action: Action, work: () => Promise<void>, exclusive = true): Promise<void> {
    if (this.busy.has(action) || this.value === undefined) {
      return Promise.resolve();
    }
    if (exclusive) {
      this.busy.add(action);
      this.postState();
    }
    const done = work()
      .catch((err) => this.deps.log.error(`"${action}" of the new API token "${this.tokenName}" failed`, this.scrub(err)))
      .finally(() => {
        this.busy.delete(action);
        this.inFlight.delete(done);
        this.postState();
      });
    this.inFlight.add(done);
    return done;
  }

  private async copy(): Promise<void> {
    try {
      await vscode.env.clipboard.writeText(this.value ?? '');
      this.markDelivered('copied', 'copied to the clipboard');
      this.setStatus(vscode.l10n.t('Copied to the clipboard.'), 'success');
    } catch (err) {
      this.setStatus(vscode.l10n.t("Couldn't copy: {0}", this.scrub(err)), 'error');
    }
  }

  private async use(): Promise<void> {
    try {
      const text = await this.deps.useForExtension(this.value ?? '');
      this.markDelivered('used', 'set as the credential of this extension');
      this.setStatus(this.scrub(text) || vscode.l10n.t('This extension now uses the new token.'), 'success');
    } catch (err) {
      this.deps.log.error(`Using the new API token "${this.tokenName}" for this extension failed`, this.scrub(err));
      this.setStatus(this.scrub(err) || vscode.l10n.t("Couldn't use the token for this extension."), 'error');
    }
  }

  /** Writes the value to `.env`: a Platform API token alone, a database token with its companions. */
  private async writeEnv(): Promise<SaveEnvResult> {
    const database = this.options.database;
    if (!database) {
      return saveTokenToEnv(this.value ?? '');
    }
    const companions = await database.companions();
    if (!companions) {
      return { status: 'cancelled', message: vscode.l10n.t('Not saved to .env.') };
    }
    return saveVarsToEnv([...companions, { name: DATABASE_TOKEN_ENV_VAR, value: this.value ?? '' }]);
  }

  private async saveEnv(): Promise<void> {
    const result = await this.writeEnv();
    if (result.status === 'saved') {
      this.markDelivered('env', 'saved to .env');
    } else {
      this.deps.log.info(`Saving the new API token "${this.tokenName}" to .env: ${result.status}`);
    }
    this.setStatus(this.scrub(result.message), statusKindOf(result));
  }

  private async saveGitHub(): Promise<void> {
    const save = this.deps.saveToGitHub;
    if (!save) {
      return;
    }
    const outcome = await save({
      value: this.value ?? '',
      kind: this.options.database ? 'database' : 'platformApi',
      tokenId: this.options.database ? undefined : this.tokenId,
      tokenName: this.tokenName,
    });
    if (outcome.status === 'saved') {
      this.markDelivered('github', 'saved as a GitHub Actions secret');
    }
    this.setStatus(this.scrub(outcome.message), outcome.status === 'saved' ? 'success' : outcome.status === 'failed' ? 'error' : 'info');
  }

  private markDelivered(via: Delivery, how: string): void {
    if (!this.via.has(via)) {
      this.deps.log.info(`The new API token "${this.tokenName}" was ${how}`);
    }
    this.via.add(via);
  }

  private setStatus(text: string, kind: StatusKind): void {
    this.current = { id: ++this.statusCount, text, kind };
    this.postState();
  }

  /** `withValue`: also the value, when the page has just loaded or the value has just arrived (never in the html). */
  private postState(withValue = false): void {
    // A hidden page drops messages; it asks again with 'ready' when shown.
    const value = withValue ? this.value : undefined;
    void this.panel?.webview
      .postMessage({ type: 'state', status: this.current, busy: [...this.busy], ...(value !== undefined ? { value } : {}) })
      .then(undefined, () => undefined);
  }

  private rescue(reason: RescueReason): Promise<'modal-copy' | 'env' | 'discarded'> {
    const ui: RescueUi = {
      warn: (message, detail, items) => showWarningMessage(message, { modal: true, detail }, ...items),
      copy: () => vscode.env.clipboard.writeText(this.value ?? ''),
      info: (message) => void showInformationMessage(message),
      error: (message) => void showErrorMessage(this.scrub(message)),
    };
    if (vscode.workspace.workspaceFolders?.length) {
      ui.saveToEnv = async () => {
        const result = await this.writeEnv();
        return { saved: result.status === 'saved', message: this.scrub(result.message) };
      };
    }
    return rescueToken(ui, displayName(this.tokenName), reason, this.options.database ? 'database' : 'api');
  }

  /** Error or text, with the value cut out in case anything echoed it back. */
  private scrub(what: unknown): string {
    const text = errorMessage(what);
    const value = this.value;
    return value !== undefined && value.length >= 8 ? text.split(value).join('[token]') : text;
  }
}

let assets: { script: string; style: string } | undefined;
/** The page's script and style, read once from media/ (a few KB; the extension runs where its files are). */
function pageAssets(media: vscode.Uri): { script: string; style: string } {
  assets ??= {
    script: readFileSync(vscode.Uri.joinPath(media, 'reveal.js').fsPath, 'utf8'),
    style: readFileSync(vscode.Uri.joinPath(media, 'reveal.css').fsPath, 'utf8'),
  };
  return assets;
}

function statusKindOf(result: SaveEnvResult): StatusKind {
  switch (result.status) {
    case 'saved':
      return 'success';
    case 'cancelled':
      return 'info';
    default:
      return 'error';
  }
}

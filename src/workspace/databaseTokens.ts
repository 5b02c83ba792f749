import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import type { AccountOrganizations } from '../accounts/accountOrganizations';
import { checkLibsqlToken, libsqlEndpoint, type LibsqlCheck } from '../platform/libsql';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../ui/notify';
import { errorMessage } from '../util/errors';
import {
  DatabaseIndex, databaseTokenProblems, describeDatabaseToken, homeLabel, lifetimeExpiration, lifetimeLabel, pairedUrl, readDatabaseToken, targetOf,
  type DatabaseTokenFile, type DatabaseTokenFinding, type DatabaseTokenProblem, type OrganizationDatabases, type TokenHome,
} from './databaseTokenRules';
import { fileState, replaceValueInFile, type FileOutcome } from './replaceToken';
import { DIAGNOSTIC_SOURCE } from './tokenDiagnostics';
import { findJwts, tokenValueHash } from './tokenFinder';
import type { WorkspaceTokens } from './workspaceTokens';

/** Where this editor's invalidations are kept (target id → epoch seconds; ids and times only). */
export const INVALIDATIONS_KEY = 'turso.databaseTokenInvalidations';
/** The command of the quick fix "Replace with a New Token" (given the place and the value's hash, never the value). */
export const REPLACE_DATABASE_TOKEN_COMMAND = '_turso.replaceDatabaseToken';

export interface ReplaceDatabaseTokenArgs {
  uri: string;
  line: number;
  valueHash: string;
}

export interface WorkspaceDatabaseTokensDeps {
  tokens: WorkspaceTokens;
  accounts: AccountModel;
  organizations: AccountOrganizations;
  /** Where invalidations are kept (`context.globalState`). */
  state: vscode.Memento;
  /** The API's base URL (the emulator's, when loopback: databases are asked there). */
  apiBaseUrl: () => string | undefined;
  /** Shows a minted value that could not be written, once (default: a modal offering to copy it). */
  showValueOnce?: (value: string, label: string) => Promise<void>;
  onError?: (message: string, err: unknown) => void;
  /** Epoch seconds. */
  now?: () => number;
}

type Located = DatabaseTokenFile & { uri: vscode.Uri };
type Check = { result: LibsqlCheck; database: string };

/**
 * Database and group tokens (libSQL) in the workspace's env files, from the same scan as the Platform
 * API tokens: which database or group each is for (matched by id against the signed-in accounts'
 * organizations: asked once, when a first such token is found, in one round trip for all), and the
 * Problems, hover and quick fix of each. Nothing here shows, logs or keeps a token's value: a value is
 * read from its file at the moment it is needed (to check it against its database) and dropped.
 */
export class WorkspaceDatabaseTokens implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('turso-database-tokens');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly invalidations: Map<string, number>;
  private lookup: { index: Promise<DatabaseIndex>; basis?: unknown[] } | undefined;
  private settled: DatabaseIndex | undefined;
  /** Value hash → what its database answered (this session). */
  private readonly checks = new Map<string, Check>();
  private updating: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: WorkspaceDatabaseTokensDeps) {
    this.now = deps.now ?? (() => Date.now() / 1000);
    const stored = deps.state.get<unknown>(INVALIDATIONS_KEY);
    this.invalidations = new Map(Object.entries(isRecord(stored) ? stored : {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
    this.disposables.push(
      deps.tokens.onDidChange(() => void this.update()),
      deps.organizations.onDidChange(() => void this.update()),
      deps.accounts.onDidChangeCredential(() => {
        this.lookup = undefined;
        void this.update();
      }),
      deps.accounts.onDidChange((change) => change === undefined && void this.update()),
      vscode.commands.registerCommand(REPLACE_DATABASE_TOKEN_COMMAND, (args: ReplaceDatabaseTokenArgs) => this.replace(args)),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, { provideCodeActions: (doc, range, context) => this.codeActions(doc, range, context) }, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
  }

  /** Resolves once the diagnostics follow the current findings (tests). */
  whenUpdated(): Promise<void> {
    return this.updating;
  }

  /** Recomputes the diagnostics; asks which databases the tokens are for when not known yet. */
  update(): Promise<void> {
    const run = this.updating.then(async () => {
      if (this.deps.tokens.databaseFiles().length === 0) {
        this.collection.clear();
        return;
      }
      this.publish();
      await this.index();
      this.publish();
    }).catch((err: unknown) => this.deps.onError?.('Checking the database tokens of the workspace failed', err));
    this.updating = run;
    return run;
  }

  /**
   * The databases and groups of every signed-in account's organizations: asked once (the
   * organizations, then per organization its databases and groups, all in parallel), and again only
   * when the accounts or their organization lists change (a refresh).
   */
  private async index(): Promise<DatabaseIndex> {
    if (this.lookup?.basis && !sameBasis(this.lookup.basis, this.basis())) {
      this.lookup = undefined;
    }
    if (!this.lookup) {
      const lookup: NonNullable<WorkspaceDatabaseTokens['lookup']> = { index: this.ask() };
      this.lookup = lookup;
      lookup.index.then((index) => {
        if (this.lookup === lookup) {
          lookup.basis = this.basis();
          this.settled = index;
        }
      }, () => undefined);
    }
    return this.lookup.index;
  }

  /** What the lookup depends on: the accounts, and the organization list each showed. */
  private basis(): unknown[] {
    return this.deps.accounts.accounts.flatMap((a) => [a, this.deps.organizations.existing(a.id)?.settledOrganizations]);
  }

  private async ask(): Promise<DatabaseIndex> {
    const { accounts, organizations } = this.deps;
    let complete = true;
    const lists = await Promise.all(accounts.accounts.map(async (account) => ({ accountId: account.id, load: await organizations.modelFor(account.id)?.organizations() })));
    const seen = new Set<string>();
    const wanted: { accountId: string; organization: string }[] = [];
    for (const { accountId, load } of lists) {
      if (load?.kind !== 'loaded') {
        complete = false;
        continue;
      }
      for (const org of load.organizations) {
        if (!seen.has(org.slug)) wanted.push({ accountId, organization: org.slug });
        seen.add(org.slug);
      }
    }
    const found = await Promise.all(wanted.map(async ({ accountId, organization }): Promise<OrganizationDatabases | undefined> => {
      const client = accounts.clientFor(accountId);
      try {
        if (!client) throw new Error('signed out');
        const [databases, groups] = await Promise.all([client.listDatabases(organization), client.listGroups(organization)]);
        return { accountId, organization, databases, groups };
      } catch (err) {
        complete = false;
        this.deps.onError?.(`Listing the databases of ${organization} failed`, err);
        return undefined;
      }
    }));
    return DatabaseIndex.build(found.filter((f): f is OrganizationDatabases => f !== undefined), complete);
  }

  /** The Problems of every file holding database tokens. */
  private publish(): void {
    this.collection.clear();
    for (const file of this.deps.tokens.databaseFiles()) {
      const list: vscode.Diagnostic[] = [];
      for (const token of file.tokens) {
        for (const problem of this.problemsOf(token, file)) {
          const diagnostic = new vscode.Diagnostic(rangeOf(token), problem.message, SEVERITY[problem.severity]);
          diagnostic.source = DIAGNOSTIC_SOURCE;
          diagnostic.code = problem.code;
          list.push(diagnostic);
        }
      }
      this.collection.set(file.uri, list);
    }
  }

  /** Everything wrong with a token: its claims, this editor's invalidations, the file's URL, its database's answer. */
  private problemsOf(token: DatabaseTokenFinding, file: Located): DatabaseTokenProblem[] {
    const problems = databaseTokenProblems(token, { index: this.settled, urls: file.urls, invalidations: this.invalidations, now: this.now() });
    const check = this.checks.get(token.valueHash);
    if (check?.result.kind === 'refused') {
      problems.push({ code: 'database-token-refused', severity: 'error', message: vscode.l10n.t('This token does not open {0}: {1}', check.database, check.result.status) });
    } else if (check?.result.kind === 'unreachable') {
      problems.push({ code: 'database-token-refused', severity: 'information', message: vscode.l10n.t('{0} could not be asked whether this token opens it: {1}', check.database, check.result.reason) });
    }
    return problems;
  }

  // ---------------------------------------------------------------------------------------------
  // The API of "Invalidate Database Tokens…"

  /** The env files whose database tokens are for any of `targetIds` (DbIds, group uuids), from the last scan. */
  filesHolding(targetIds: readonly string[]): readonly vscode.Uri[] {
    const ids = new Set(targetIds);
    return this.deps.tokens.databaseFiles()
      .filter((file) => file.tokens.some((t) => (this.settled?.invalidatingIds(t.claims) ?? [t.claims.targetId]).some((id) => ids.has(id))))
      .map((file) => file.uri);
  }

  /** Records that every token of `targetIds` issued before `atSeconds` stopped working (kept across sessions: ids and times only). */
  markInvalidated(targetIds: readonly string[], atSeconds: number): void {
    for (const id of targetIds) {
      this.invalidations.set(id, Math.max(this.invalidations.get(id) ?? 0, atSeconds));
    }
    this.deps.state.update(INVALIDATIONS_KEY, Object.fromEntries(this.invalidations))
      .then(undefined, (err: unknown) => this.deps.onError?.('Keeping the invalidated databases failed', err));
    this.publish();
  }

  // ---------------------------------------------------------------------------------------------
  // Hover and quick fix

  private at(uri: vscode.Uri, pos: vscode.Position): { token: DatabaseTokenFinding; file: Located } | undefined {
    const file = this.deps.tokens.databaseFiles().find((f) => f.uri.toString() === uri.toString());
    const token = file?.tokens.find((t) => t.line === pos.line && pos.character >= t.startColumn && pos.character <= t.endColumn);
    return file && token ? { token, file } : undefined;
  }

  /** Which database or group, access, created, expiry, and what is wrong; never the value. */
  hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const found = this.at(doc.uri, pos);
    if (!found) return undefined;
    const { token, file } = found;
    const home = this.settled?.homeOf(token.claims);
    const md = new vscode.MarkdownString('', false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**${token.claims.kind === 'group' ? vscode.l10n.t('Turso group token') : vscode.l10n.t('Turso database token')}**  \n`);
    const rows = describeDatabaseToken(token.claims, home);
    const check = this.checks.get(token.valueHash);
    if (check?.result.kind === 'opens') rows.push([vscode.l10n.t('Checked'), vscode.l10n.t('opens {0}', check.database)]);
    for (const problem of this.problemsOf(token, file)) rows.push([vscode.l10n.t('Problem'), problem.message]);
    rows.forEach(([label, value], i) => {
      md.appendMarkdown(`**${label}:** `);
      md.appendText(value.slice(0, 300));
      if (i < rows.length - 1) md.appendMarkdown('  \n');
    });
    return new vscode.Hover(md, rangeOf(token));
  }

  /**
   * "Replace with a New Token" on a line holding, now, a token of a known database or group that is
   * expired, about to expire, invalidated or refused by its database.
   */
  codeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const file = this.deps.tokens.databaseFiles().find((f) => f.uri.toString() === doc.uri.toString());
    if (!file || !this.settled) return [];
    const actions: vscode.CodeAction[] = [];
    const last = Math.min(range.end.line, doc.lineCount - 1, range.start.line + 200);
    for (let line = range.start.line; line <= last; line++) {
      for (const token of findJwts(doc.lineAt(line).text, readDatabaseToken)) {
        const home = this.settled.homeOf(token.claims);
        const placed = { ...token, line };
        if (!home || !this.problemsOf(placed, file).some((p) => REPLACEABLE.has(p.code) && p.severity !== 'information')) continue;
        const title = vscode.l10n.t('Replace with a New Token');
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        const args: ReplaceDatabaseTokenArgs = { uri: doc.uri.toString(), line, valueHash: token.valueHash };
        action.command = { command: REPLACE_DATABASE_TOKEN_COMMAND, title, arguments: [args] };
        const diagnostics = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.start.line === line && d.range.start.character === token.startColumn);
        if (diagnostics.length > 0) action.diagnostics = diagnostics;
        actions.push(action);
      }
    }
    return actions;
  }

  /**
   * The quick fix: mints a token for the same database or group with the same access and lifetime,
   * and writes it in place of the old value in its file (on disk, read back, as a rotation does).
   * Nothing is revoked: database tokens cannot be revoked one by one. Once minted, the value ends up
   * in the file or shown once.
   */
  async replace(args: ReplaceDatabaseTokenArgs): Promise<'replaced' | 'shown' | 'not-minted'> {
    const uri = vscode.Uri.parse(args.uri);
    const shown = vscode.workspace.asRelativePath(uri, true);
    const prepared = await this.prepareReplacement(uri, shown, args);
    if (!prepared) return 'not-minted';
    const { home, claims, state } = prepared;
    const expiration = lifetimeExpiration(claims);
    let value: string;
    try {
      value = await prepared.client.createDatabaseToken(home.home.organization, targetOf(home), {
        expiration, access: claims.access, readAttach: this.attachNames(home, claims.readAttach),
      });
    } catch (err) {
      void showErrorMessage(vscode.l10n.t('No new token was created for {0}: {1}', homeLabel(home), errorMessage(err)));
      return 'not-minted';
    }
    const newHash = tokenValueHash(value);
    let outcome: FileOutcome;
    try {
      outcome = await replaceValueInFile({ uri, shown, lines: [args.line], state }, value,
        (text) => findJwts(text, readDatabaseToken).filter((f) => f.valueHash === args.valueHash),
        (text) => {
          const after = findJwts(text, readDatabaseToken);
          return !after.some((f) => f.valueHash === args.valueHash) && after.some((f) => f.valueHash === newHash);
        });
    } catch (err) {
      outcome = { kind: 'failed', reason: errorMessage(err) };
    }
    if (outcome.kind === 'written') {
      void this.deps.tokens.rescan();
      void showInformationMessage(vscode.l10n.t({
        message: 'The token for {0} in {1} was replaced with a new one ({2}). The old token was not revoked: database tokens cannot be revoked one by one (Invalidate Database Tokens… stops all of them at once).',
        args: [homeLabel(home), shown, `${claims.access === 'read-only' ? vscode.l10n.t('read-only') : vscode.l10n.t('full access')}, ${lifetimeLabel(expiration)}`],
        comment: ['{0} is the database or group, {1} the file, {2} the access and lifetime of the new token.'],
      }));
      return 'replaced';
    }
    void showWarningMessage(vscode.l10n.t({
      message: 'The new token for {0} could not be written to {1} ({2}): its value is shown once now.',
      args: [homeLabel(home), shown, outcome.reason],
      comment: ['{0} is the database or group, {1} the file, {2} why it was not written.'],
    }));
    await (this.deps.showValueOnce ?? showValueOnce)(value, homeLabel(home));
    return 'shown';
  }

  /** Everything checked before a token is minted (nothing is minted when the file cannot take it). */
  private async prepareReplacement(uri: vscode.Uri, shown: string, args: ReplaceDatabaseTokenArgs) {
    let text: string;
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      void showWarningMessage(vscode.l10n.t('{0} could not be read: {1}. No token was created.', shown, errorMessage(err)));
      return undefined;
    }
    const claims = findJwts(text, readDatabaseToken).find((f) => f.valueHash === args.valueHash)?.claims;
    if (!claims) {
      void showWarningMessage(vscode.l10n.t('The token is no longer in {0}: no token was created.', shown));
      return undefined;
    }
    const home = (await this.index()).homeOf(claims);
    const client = home && this.deps.accounts.clientFor(home.home.accountId);
    if (!home || !client) {
      void showWarningMessage(vscode.l10n.t('None of the signed-in accounts has the database this token is for: no token was created.'));
      return undefined;
    }
    const state = await fileState(uri);
    if (state.kind !== 'writable') {
      const reason = 'reason' in state ? state.reason : vscode.l10n.t('git tracks it, so the new token would be in the next commit');
      void showWarningMessage(vscode.l10n.t('{0} cannot be written ({1}): no token was created.', shown, reason));
      return undefined;
    }
    return { home, claims, client, state };
  }

  /** The names of the databases a token may read through ATTACH (its claim holds names or ids). */
  private attachNames(home: TokenHome, namespaces: readonly string[]): string[] {
    return namespaces.map((ns) => this.settled?.homeOf({ kind: 'database', targetId: ns })?.home)
      .map((h, i) => (h && 'database' in h && h.organization === home.home.organization ? h.database.name : namespaces[i]));
  }

  // ---------------------------------------------------------------------------------------------
  // Check Database Tokens Against Their Databases

  /**
   * Asks each token's own database (libSQL over HTTP) whether the token opens it; the answers show in
   * Problems (and the hover). A token is sent only to its matched database (or to the local emulator).
   */
  async checkAgainstDatabases(): Promise<{ opens: number; refused: number; unreachable: number; unknown: number }> {
    const counts = { opens: 0, refused: 0, unreachable: 0, unknown: 0 };
    if (!vscode.workspace.isTrusted) {
      void showWarningMessage(vscode.l10n.t('Database tokens are checked only in a trusted workspace.'));
      return counts;
    }
    // Each token is one request to its database: the person sees how far it got, and can stop it.
    const stopped = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking database tokens…'), cancellable: true },
      async (progress, cancel) => {
        await this.deps.tokens.rescan();
        const index = await this.index();
        const files = this.deps.tokens.databaseFiles();
        const total = new Set(files.flatMap((f) => f.tokens.map((t) => t.valueHash))).size;
        const done = new Set<string>();
        for (const file of files) {
          const lines = await readLines(file.uri).catch(() => undefined);
          for (const token of file.tokens) {
            if (cancel.isCancellationRequested) return true;
            if (done.has(token.valueHash)) continue;
            done.add(token.valueHash);
            progress.report({ message: vscode.l10n.t('{0} of {1}', done.size, total), increment: 100 / Math.max(total, 1) });
            const target = this.checkTarget(token, file, index);
            const value = lines?.[token.line]?.slice(token.startColumn, token.endColumn);
            const endpoint = target && libsqlEndpoint(target.hostname, this.deps.apiBaseUrl());
            if (!target || !endpoint || !value || tokenValueHash(value) !== token.valueHash) {
              counts.unknown++;
              continue;
            }
            // Cancel stops the request under way too (its answer, if any, is not kept)
            const stop = new AbortController();
            const listener = cancel.onCancellationRequested(() => stop.abort());
            const result = await checkLibsqlToken(endpoint, value, { signal: stop.signal }).finally(() => listener.dispose());
            if (cancel.isCancellationRequested) return true;
            this.checks.set(token.valueHash, { result, database: target.label });
            counts[result.kind]++;
          }
        }
        return false;
      },
    );
    this.publish();
    if (stopped) {
      void showInformationMessage(vscode.l10n.t({
        message: 'Checking database tokens stopped: {0} open their database, {1} do not, {2} could not be asked so far.',
        args: [counts.opens, counts.refused, counts.unreachable],
        comment: ['{0}, {1} and {2} are numbers of tokens.'],
      }));
      return counts;
    }
    void showInformationMessage(vscode.l10n.t({
      message: 'Database tokens checked: {0} open their database, {1} do not, {2} could not be asked, {3} are for databases none of the signed-in accounts has.',
      args: [counts.opens, counts.refused, counts.unreachable, counts.unknown],
      comment: ['{0}, {1}, {2} and {3} are numbers of tokens.'],
    }));
    return counts;
  }

  /** The database a token is checked against: its own; a group token's, the file's URL's database of the group, else its first. */
  private checkTarget(token: DatabaseTokenFinding, file: Located, index: DatabaseIndex): { hostname: string; label: string } | undefined {
    const home = index.homeOf(token.claims);
    if (!home) return undefined;
    if (home.kind === 'database') return { hostname: home.home.database.hostname, label: homeLabel(home) };
    const url = pairedUrl(token, file.urls, (host) => index.databaseAt(host) !== undefined);
    const database = home.home.databases.find((d) => d.hostname.toLowerCase() === url?.host) ?? home.home.databases[0];
    return database && { hostname: database.hostname, label: vscode.l10n.t('database "{0}" of {1}', database.name, home.home.organization) };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
} as const;

const REPLACEABLE = new Set(['database-token-expired', 'database-token-expiring', 'database-token-invalidated', 'database-token-refused']);

function rangeOf(t: { line: number; startColumn: number; endColumn: number }): vscode.Range {
  return new vscode.Range(t.line, t.startColumn, t.line, t.endColumn);
}

async function readLines(uri: vscode.Uri): Promise<string[]> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)).split(/\r\n|\r|\n/);
}

function sameBasis(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A minted value that could not be put in its file: a modal offers to copy it, until copied or dismissed twice. */
async function showValueOnce(value: string, label: string): Promise<void> {
  const copy = vscode.l10n.t('Copy Token');
  for (let round = 0; round < 2; round++) {
    const choice = await showWarningMessage(
      vscode.l10n.t('The new token for {0} was not written to its file.', label),
      { modal: true, detail: vscode.l10n.t('Its value will not be shown again. Copy it now and put it where your app reads it. Never commit it.') },
      copy,
    );
    if (choice === copy) {
      await vscode.env.clipboard.writeText(value);
      void showInformationMessage(vscode.l10n.t('The new token for {0} was copied.', label));
      return;
    }
  }
}

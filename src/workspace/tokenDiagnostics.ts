import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { TursoApiError } from '../platform/errors';
import { tokenScopeLabel, type ApiToken, type TokenValidation } from '../platform/types';
import { TaskQueue } from '../util/taskQueue';
import { showWarningMessage } from '../ui/notify';
import { displayName } from '../util/text';
import { findTokens, tokenValueHash, type TokenFinding } from './tokenFinder';
import { readWorkspaceText, writeWorkspaceText } from './diskText';
import { withoutLine } from './envFile';
import { errorMessage } from '../util/errors';
import type { WorkspaceTokenFinding, WorkspaceTokens } from './workspaceTokens';

type Flagged = 'revoked' | 'expired' | 'invalid';
type Own = { token: ApiToken; accountId: string };

/** What "Remove the line" is given: the place and the value's hash (never the value). */
export interface RemoveLineArgs {
  uri: string;
  line: number;
  valueHash: string;
}

/**
 * Checks of workspace tokens on the network at once: one. Each check is a new connection to the API,
 * and VS Code adds the system's CA certificates to every new TLS connection of an extension, work
 * that blocks the extension host 8–18 ms per connection on a slow 2-core machine, run back to back
 * for connections started together: 25 checks at once blocked it for 160–280 ms, two at a time for
 * 36–61 ms (`npm run bench:scan -- --profile` names the functions). The answers show as they come.
 */
const PARALLEL_CHECKS = 1;

/**
 * Checks of one update (a scan's findings changed, an account changed), of one file in it: the rest
 * waits for the next update, and its file says how many were not checked. 4,000 tokens in one file
 * were 4,000 requests, the file read again and every diagnostic published again for each.
 */
export const MAX_CHECKS_PER_FILE = 20;
export const MAX_CHECKS_PER_UPDATE = 100;
/** Lines of a selection looked at for quick fixes. */
const MAX_ACTION_LINES = 200;
/** The command of "Remove the line": it reads the line again before removing it. */
export const REMOVE_LINE_COMMAND = '_turso.removeTokenLine';

/** The source of this extension's diagnostics in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'Turso';

/** What is known of a token found in a file. Never its value. */
export type TokenVerdict =
  | { kind: 'revoked' | 'expired' | 'invalid' }
  /** Valid, and not one of the signed-in accounts' tokens. */
  | { kind: 'otherAccount' }
  /** Not checked yet, or the check could not reach the API. */
  | { kind: 'unknown' };

export interface TokenDiagnosticsDeps {
  tokens: WorkspaceTokens;
  accounts: AccountModel;
  /** `GET /v1/auth/validate` with `value` as the bearer, against the configured API. */
  validate: (value: string) => Promise<TokenValidation>;
  onError?: (message: string, err: unknown) => void;
  now?: () => number;
}

/**
 * Diagnostics on the workspace's Turso tokens that no longer work, the hover on a token in an env
 * file, and the quick fixes of the diagnostics. A token not among any signed-in account's tokens is
 * checked once per session with `GET /v1/auth/validate`, that token as the bearer: its value is read
 * from the file at that moment, by the finding's range, and kept nowhere (not in the verdict, the
 * diagnostic, the hover or a log). What is known is keyed by the value's SHA-256, not by the token id:
 * a value with a copied `jti` is another value.
 */
export class TokenDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('turso');
  /** Value hash → the check of this session under way (once per value). */
  private readonly checks = new Map<string, Promise<void>>();
  /** Value hash → the answer. */
  private readonly verdicts = new Map<string, TokenVerdict>();
  /** File → findings of it left unchecked by the last update's caps. */
  private notChecked = new Map<string, number>();
  /** The findings by file, and the files of each value, for the findings array they were built from. */
  private index: { from: readonly WorkspaceTokenFinding[]; byFile: Map<string, WorkspaceTokenFinding[]>; filesOf: Map<string, Set<string>> } | undefined;
  private own: Map<string, Own> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly now: () => number;
  private updating: Promise<void> = Promise.resolve();
  private readonly queue = new TaskQueue(PARALLEL_CHECKS);

  constructor(private readonly deps: TokenDiagnosticsDeps) {
    this.now = deps.now ?? (() => Date.now() / 1000);
    this.disposables.push(
      deps.tokens.onDidChange(() => this.update()),
      deps.accounts.onDidChange(() => {
        this.own = undefined;
        void this.update();
      }),
      vscode.commands.registerCommand(REMOVE_LINE_COMMAND, (args: RemoveLineArgs) => this.removeLine(args)),
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

  /** Recomputes the diagnostics; checks the tokens not checked yet this session. */
  update(): Promise<void> {
    const run = this.updating.then(() => this.recompute()).catch((err: unknown) => this.deps.onError?.('Checking the workspace tokens failed', err));
    this.updating = run;
    return run;
  }

  private async recompute(): Promise<void> {
    const findings = this.deps.tokens.findings();
    this.own = undefined;
    // Until every account's tokens are listed, a token of theirs cannot be told from another's: the
    // lists first (the view asked for them already: it is visible once anything is found).
    if (findings.length > 0 && !this.deps.accounts.accounts.every((a) => a.settled)) {
      await this.deps.accounts.loadAll();
      this.own = undefined;
    }
    const { byFile, notChecked } = this.plan(findings);
    this.notChecked = notChecked;
    // What is known already is shown at once; each check's answer as it comes, in its files only.
    this.publish();
    await Promise.all([...byFile.values()].map(async ({ uri, toCheck }) => {
      const values = await this.readValues(uri, toCheck);
      await Promise.all([...values].map(([hash, value]) => this.check(hash, value)));
    }));
    this.publish();
  }

  /**
   * The values to check in this update, by file (each file's distinct values not answered nor under
   * way, in file order, up to the caps), and per file how many findings were left unchecked.
   */
  private plan(findings: readonly WorkspaceTokenFinding[]): { byFile: Map<string, { uri: vscode.Uri; toCheck: Map<string, WorkspaceTokenFinding> }>; notChecked: Map<string, number> } {
    const byFile = new Map<string, { uri: vscode.Uri; toCheck: Map<string, WorkspaceTokenFinding> }>();
    const notChecked = new Map<string, number>();
    const planned = new Set<string>();
    const own = this.ownIndex();
    for (const f of findings) {
      if (own.has(f.tokenId) || this.expiredByClaim(f) || this.verdicts.has(f.valueHash) || this.checks.has(f.valueHash) || planned.has(f.valueHash)) continue;
      const key = f.uri.toString();
      const entry = byFile.get(key) ?? { uri: f.uri, toCheck: new Map<string, WorkspaceTokenFinding>() };
      if (entry.toCheck.size >= MAX_CHECKS_PER_FILE || planned.size >= MAX_CHECKS_PER_UPDATE) {
        notChecked.set(key, (notChecked.get(key) ?? 0) + 1);
        continue;
      }
      entry.toCheck.set(f.valueHash, f);
      byFile.set(key, entry);
      planned.add(f.valueHash);
    }
    return { byFile, notChecked };
  }

  /** The values of `toCheck` (hash → value) as the file holds them now, from one read; a value no longer there is left out. */
  private async readValues(uri: vscode.Uri, toCheck: Map<string, WorkspaceTokenFinding>): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    let lines: string[];
    try {
      lines = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)).split(/\r\n|\r|\n/);
    } catch (err) {
      this.deps.onError?.('Reading an env file to check its tokens failed', err);
      return values;
    }
    for (const [hash, f] of toCheck) {
      const value = lines[f.line]?.slice(f.startColumn, f.endColumn);
      // The file changed since it was scanned: the next scan brings the token's new place.
      if (value && tokenValueHash(value) === hash) values.set(hash, value);
    }
    return values;
  }

  /** Checks one value (once per session), then publishes the files that hold it if it is flagged. */
  private check(hash: string, value: string): Promise<void> {
    let check = this.checks.get(hash);
    if (!check) {
      check = this.queue.run(() => this.validate(value)).then((verdict) => {
        this.verdicts.set(hash, verdict);
        this.checks.delete(hash);
        if (isFlagged(verdict.kind)) this.publish(this.indexOf().filesOf.get(hash));
      });
      this.checks.set(hash, check);
    }
    return check;
  }

  /** The findings by file and the files of each value, built once per findings array. */
  private indexOf(): NonNullable<TokenDiagnostics['index']> {
    const findings = this.deps.tokens.findings();
    if (this.index?.from !== findings) {
      const byFile = new Map<string, WorkspaceTokenFinding[]>();
      const filesOf = new Map<string, Set<string>>();
      for (const f of findings) {
        const key = f.uri.toString();
        const list = byFile.get(key);
        if (list) list.push(f);
        else byFile.set(key, [f]);
        const files = filesOf.get(f.valueHash);
        if (files) files.add(key);
        else filesOf.set(f.valueHash, new Set([key]));
      }
      this.index = { from: findings, byFile, filesOf };
    }
    return this.index;
  }

  /** The Problems panel of `files` (default: every file) from the current findings and what is known of them. */
  private publish(files?: Iterable<string>): void {
    const { byFile } = this.indexOf();
    if (!files) this.collection.clear();
    for (const key of files ?? byFile.keys()) {
      const findings = byFile.get(key);
      if (!findings) continue;
      const list: vscode.Diagnostic[] = [];
      let firstUnchecked: WorkspaceTokenFinding | undefined;
      for (const f of findings) {
        const kind = this.verdictOf(f).kind;
        if (!isFlagged(kind)) {
          firstUnchecked ??= kind === 'unknown' && !this.checks.has(f.valueHash) && !this.verdicts.has(f.valueHash) && !this.ownIndex().has(f.tokenId) ? f : undefined;
          continue;
        }
        const diagnostic = new vscode.Diagnostic(rangeOf(f), verdictMessage(kind), vscode.DiagnosticSeverity.Warning);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = `token-${kind}`;
        list.push(diagnostic);
      }
      const unchecked = this.notChecked.get(key) ?? 0;
      if (unchecked > 0 && firstUnchecked) {
        const note = new vscode.Diagnostic(rangeOf(firstUnchecked), vscode.l10n.t({
          message: '{0} more Turso API tokens in this file were not checked (at most {1} a file, {2} at a time); they are checked when tokens in the workspace change again',
          args: [unchecked, MAX_CHECKS_PER_FILE, MAX_CHECKS_PER_UPDATE],
          comment: ['{0} is the number of tokens of this file not checked, {1} the most tokens checked in one file, {2} the most checked in one update.'],
        }), vscode.DiagnosticSeverity.Information);
        note.source = DIAGNOSTIC_SOURCE;
        note.code = 'tokens-not-checked';
        list.push(note);
      }
      this.collection.set(findings[0].uri, list);
    }
  }

  /** What is known of a found token: expired by its claim, one of the accounts', or the check's answer. */
  verdictOf(f: WorkspaceTokenFinding | TokenFinding): TokenVerdict {
    if (this.expiredByClaim(f)) return { kind: 'expired' };
    if (this.ownIndex().has(f.tokenId)) return { kind: 'unknown' };
    return this.verdicts.get(f.valueHash) ?? { kind: 'unknown' };
  }

  private expiredByClaim(f: TokenFinding): boolean {
    return f.claims.exp !== undefined && f.claims.exp > 0 && f.claims.exp <= this.now();
  }

  /** The signed-in accounts' tokens by id (built again when an account changes). */
  private ownIndex(): Map<string, Own> {
    if (!this.own) {
      const own = new Map<string, Own>();
      for (const account of this.deps.accounts.accounts) {
        for (const token of account.knownTokens() ?? []) if (!own.has(token.id)) own.set(token.id, { token, accountId: account.id });
      }
      this.own = own;
    }
    return this.own;
  }

  private ownToken(tokenId: string): Own | undefined {
    return this.ownIndex().get(tokenId);
  }

  private async validate(value: string): Promise<TokenVerdict> {
    try {
      await this.deps.validate(value);
      return { kind: 'otherAccount' };
    } catch (err) {
      if (err instanceof TursoApiError && err.kind === 'unauthorized') {
        const reason = err.serverMessage ?? '';
        return { kind: /revoked/i.test(reason) ? 'revoked' : /expired/i.test(reason) ? 'expired' : 'invalid' };
      }
      // Offline, a timeout, a server error: not a verdict on the token; checked again next session.
      this.deps.onError?.('Checking a workspace token failed', err);
      return { kind: 'unknown' };
    }
  }

  /** Name, scope, created date and account of the token under the cursor; never its value. */
  hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    this.own = undefined;
    const f = (this.indexOf().byFile.get(doc.uri.toString()) ?? []).find((x) => x.uri.toString() === doc.uri.toString() && x.line === pos.line && pos.character >= x.startColumn && pos.character <= x.endColumn);
    if (!f) return undefined;
    const md = new vscode.MarkdownString('', false);
    md.isTrusted = false;
    md.supportHtml = false;
    const rows: [string, string][] = [];
    const own = this.ownToken(f.tokenId);
    if (own) {
      rows.push([vscode.l10n.t('Name'), own.token.name]);
      rows.push([vscode.l10n.t('Scope'), tokenScopeLabel(own.token)]);
      rows.push([vscode.l10n.t('Created'), own.token.createdAt ?? vscode.l10n.t('unknown')]);
      rows.push([vscode.l10n.t('Account'), this.deps.accounts.account(own.accountId)?.username ?? vscode.l10n.t('unknown')]);
    } else {
      rows.push([vscode.l10n.t('ID'), f.tokenId]);
      rows.push([vscode.l10n.t('Account'), vscode.l10n.t('not one of the signed-in accounts')]);
    }
    const verdict = this.verdictOf(f).kind;
    if (verdict !== 'unknown') rows.push([vscode.l10n.t('Status'), verdictLabel(verdict)]);
    md.appendMarkdown(`**${vscode.l10n.t('Turso API token')}**  \n`);
    rows.forEach(([label, value], i) => {
      md.appendMarkdown(`**${label}:** `);
      md.appendText(value.slice(0, 200));
      if (i < rows.length - 1) md.appendMarkdown('  \n');
    });
    return new vscode.Hover(md, new vscode.Range(f.line, f.startColumn, f.line, f.endColumn));
  }

  /**
   * Quick fixes (remove the line, open the view) on a line that holds, now, a token known to be
   * revoked, expired or not valid, and "Rotate" on any line that holds one of the signed-in accounts'
   * tokens, diagnosed or not. The lines are read from the document as it is (edited, unsaved): a
   * diagnostic's range is where the token was when the file was scanned. The commands get the token
   * and its account, or the place and the value's hash; never the value.
   */
  codeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    this.own = undefined;
    if (!this.indexOf().byFile.has(doc.uri.toString())) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string' && d.code.startsWith('token-'));
    const rotations: vscode.CodeAction[] = [];
    const fixes: vscode.CodeAction[] = [];
    const rotated = new Set<string>();
    const last = Math.min(range.end.line, doc.lineCount - 1, range.start.line + MAX_ACTION_LINES - 1);
    for (let line = range.start.line; line <= last; line++) {
      let removable: TokenFinding | undefined;
      for (const f of findTokens(doc.lineAt(line).text)) {
        const flagged = ours.filter((d) => d.range.start.line === line && d.range.start.character === f.startColumn);
        const own = this.ownToken(f.tokenId);
        if (own && !rotated.has(f.tokenId)) {
          rotated.add(f.tokenId);
          const title = vscode.l10n.t('Rotate API Token "{0}"…', displayName(own.token.name));
          const rotate = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
          if (flagged.length) rotate.diagnostics = flagged;
          rotate.command = { command: 'turso.rotateToken', title, arguments: [{ kind: 'token', token: own.token, accountId: own.accountId }] };
          rotations.push(rotate);
        }
        if (!removable && isFlagged(this.verdictOf(f).kind)) removable = f;
      }
      if (removable) fixes.push(...this.lineFixes(doc, line, removable, ours.filter((d) => d.range.start.line === line)));
    }
    return [...rotations, ...fixes];
  }

  private lineFixes(doc: vscode.TextDocument, line: number, f: TokenFinding, diagnostics: vscode.Diagnostic[]): vscode.CodeAction[] {
    const remove = new vscode.CodeAction(vscode.l10n.t('Remove the line'), vscode.CodeActionKind.QuickFix);
    const args: RemoveLineArgs = { uri: doc.uri.toString(), line, valueHash: f.valueHash };
    remove.command = { command: REMOVE_LINE_COMMAND, title: remove.title, arguments: [args] };
    const open = new vscode.CodeAction(vscode.l10n.t('Open the Turso view'), vscode.CodeActionKind.QuickFix);
    open.command = { command: 'workbench.view.extension.turso', title: vscode.l10n.t('Open the Turso view') };
    if (diagnostics.length) remove.diagnostics = open.diagnostics = diagnostics;
    return [remove, open];
  }

  /**
   * "Remove the line": removes the line that holds the value now — the given line if it still does,
   * else the one line of the file holding it (it moved); none or several: nothing is removed and a
   * message says why. A file open with unsaved changes loses the line in its editor, which stays
   * unsaved (VS Code saves after an edit only the files that had none). Any other file is written on
   * disk by this extension (src/workspace/diskText.ts): VS Code saves a file it edits that had no
   * unsaved changes, and its local history would keep a copy of every other token the file holds.
   */
  async removeLine(args: RemoveLineArgs): Promise<boolean> {
    const uri = vscode.Uri.parse(args.uri);
    const shown = vscode.workspace.asRelativePath(uri);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) {
      return this.removeInEditor(open, args);
    }
    try {
      const text = await readWorkspaceText(uri);
      const line = text === undefined ? undefined : this.lineToRemove(text, args, shown);
      if (text === undefined || line === undefined) {
        if (text === undefined) void showWarningMessage(vscode.l10n.t('The token is no longer in {0}: nothing was removed.', shown));
        return false;
      }
      await writeWorkspaceText(uri, withoutLine(text, line));
      return true;
    } catch (err) {
      void showWarningMessage(vscode.l10n.t('The line could not be removed from {0}: {1}', shown, errorMessage(err)));
      return false;
    }
  }

  /** The line of `text` holding the value (see `removeLine`), or undefined after saying why there is none to remove. */
  private lineToRemove(text: string, args: RemoveLineArgs, shown: string): number | undefined {
    const lines = [...new Set(findTokens(text).filter((f) => f.valueHash === args.valueHash).map((f) => f.line))];
    if (lines.includes(args.line)) {
      return args.line;
    }
    if (lines.length === 1) {
      return lines[0];
    }
    void showWarningMessage(lines.length === 0
      ? vscode.l10n.t('The token is no longer in {0}: nothing was removed.', shown)
      : vscode.l10n.t('The token moved and is on several lines of {0} now: nothing was removed. Remove the line from its new place.', shown));
    return undefined;
  }

  /** `removeLine` in an editor with unsaved changes. The edit is refused by VS Code if the document changes after it was read. */
  private async removeInEditor(doc: vscode.TextDocument, args: RemoveLineArgs): Promise<boolean> {
    const shown = vscode.workspace.asRelativePath(doc.uri);
    const line = this.lineToRemove(doc.getText(), args, shown);
    if (line === undefined) {
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, line + 1 < doc.lineCount ? new vscode.Range(line, 0, line + 1, 0) : doc.lineAt(line).rangeIncludingLineBreak);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) void showWarningMessage(vscode.l10n.t('{0} changed while the line was being removed: nothing was removed. Try again.', shown));
    return applied;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function verdictMessage(kind: 'revoked' | 'expired' | 'invalid'): string {
  switch (kind) {
    case 'revoked':
      return vscode.l10n.t('This Turso API token was revoked');
    case 'expired':
      return vscode.l10n.t('This Turso API token expired');
    default:
      return vscode.l10n.t('This Turso API token is not valid');
  }
}

function isFlagged(kind: TokenVerdict['kind']): kind is Flagged {
  return kind === 'revoked' || kind === 'expired' || kind === 'invalid';
}

function rangeOf(f: TokenFinding): vscode.Range {
  return new vscode.Range(f.line, f.startColumn, f.line, f.endColumn);
}

function verdictLabel(kind: 'revoked' | 'expired' | 'invalid' | 'otherAccount'): string {
  return kind === 'otherAccount' ? vscode.l10n.t('valid, of another account') : verdictMessage(kind);
}

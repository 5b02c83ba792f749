import * as vscode from 'vscode';
import type { AccountModel } from '../accounts/accountModel';
import { TursoApiError } from '../platform/errors';
import { tokenScopeLabel, type ApiToken, type TokenValidation } from '../platform/types';
import { TaskQueue } from '../util/taskQueue';
import { displayName } from '../util/text';
import { readPlatformToken } from './tokenFinder';
import type { WorkspaceTokenFinding, WorkspaceTokens } from './workspaceTokens';

/**
 * Checks of workspace tokens on the network at once: one. Each check is a new connection to the API,
 * and VS Code adds the system's CA certificates to every new TLS connection of an extension, work
 * that blocks the extension host 8–18 ms per connection on a slow 2-core machine, run back to back
 * for connections started together: 25 checks at once blocked it for 160–280 ms, two at a time for
 * 36–61 ms (`npm run bench:scan -- --profile` names the functions). The answers show as they come.
 */
const PARALLEL_CHECKS = 1;

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
 * diagnostic, the hover or a log).
 */
export class TokenDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('turso');
  /** Token id → the check of this session (once per token id). */
  private readonly checks = new Map<string, Promise<TokenVerdict>>();
  private readonly verdicts = new Map<string, TokenVerdict>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly now: () => number;
  private updating: Promise<void> = Promise.resolve();
  private readonly queue = new TaskQueue(PARALLEL_CHECKS);

  constructor(private readonly deps: TokenDiagnosticsDeps) {
    this.now = deps.now ?? (() => Date.now() / 1000);
    this.disposables.push(
      deps.tokens.onDidChange(() => this.update()),
      deps.accounts.onDidChange(() => this.update()),
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
    // Until every account's tokens are listed, a token of theirs cannot be told from another's: the
    // lists first (the view asked for them already: it is visible once anything is found).
    if (findings.length > 0 && !this.deps.accounts.accounts.every((a) => a.settled)) {
      await this.deps.accounts.loadAll();
    }
    const toCheck = findings.filter((f) => !this.ownToken(f.tokenId) && !this.expiredByClaim(f));
    /** Not answered yet this session (a check that could not read its file is asked again). */
    const open = (f: WorkspaceTokenFinding): boolean => !this.checks.has(f.tokenId) || !this.verdicts.has(f.tokenId);
    if (toCheck.some(open)) {
      // What is known already is shown at once; each check's answer as it comes.
      this.publish();
    }
    await Promise.all(toCheck.map(async (f) => {
      const asked = open(f);
      await this.check(f);
      if (asked) this.publish();
    }));
    this.publish();
  }

  /** The Problems panel from the current findings and what is known of them. */
  private publish(): void {
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const f of this.deps.tokens.findings()) {
      const kind = this.verdictOf(f).kind;
      if (kind !== 'revoked' && kind !== 'expired' && kind !== 'invalid') continue;
      const range = new vscode.Range(f.line, f.startColumn, f.line, f.endColumn);
      const diagnostic = new vscode.Diagnostic(range, verdictMessage(kind), vscode.DiagnosticSeverity.Warning);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = `token-${kind}`;
      const entry = byFile.get(f.uri.toString()) ?? { uri: f.uri, list: [] };
      entry.list.push(diagnostic);
      byFile.set(f.uri.toString(), entry);
    }
    this.collection.clear();
    for (const { uri, list } of byFile.values()) this.collection.set(uri, list);
  }

  /** What is known of a found token: expired by its claim, one of the accounts', or the check's answer. */
  verdictOf(f: WorkspaceTokenFinding): TokenVerdict {
    if (this.expiredByClaim(f)) return { kind: 'expired' };
    if (this.ownToken(f.tokenId)) return { kind: 'unknown' };
    return this.verdicts.get(f.tokenId) ?? { kind: 'unknown' };
  }

  private expiredByClaim(f: WorkspaceTokenFinding): boolean {
    return f.claims.exp !== undefined && f.claims.exp > 0 && f.claims.exp <= this.now();
  }

  private ownToken(tokenId: string): { token: ApiToken; accountId: string } | undefined {
    for (const account of this.deps.accounts.accounts) {
      const token = account.knownTokens()?.find((t) => t.id === tokenId);
      if (token) return { token, accountId: account.id };
    }
    return undefined;
  }

  private check(f: WorkspaceTokenFinding): Promise<TokenVerdict> {
    let check = this.checks.get(f.tokenId);
    if (!check) {
      check = this.queue.run(() => this.validate(f)).then((verdict) => {
        this.verdicts.set(f.tokenId, verdict);
        return verdict;
      });
      this.checks.set(f.tokenId, check);
    }
    return check;
  }

  private async validate(f: WorkspaceTokenFinding): Promise<TokenVerdict> {
    let value: string | undefined;
    try {
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(f.uri));
      value = text.split(/\r\n|\r|\n/)[f.line]?.slice(f.startColumn, f.endColumn);
    } catch (err) {
      this.deps.onError?.('Reading an env file to check its token failed', err);
      this.checks.delete(f.tokenId);
      return { kind: 'unknown' };
    }
    // The file changed since it was scanned: the next scan brings the token's new place.
    if (!value || readPlatformToken(value)?.tokenId !== f.tokenId) {
      this.checks.delete(f.tokenId);
      return { kind: 'unknown' };
    }
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
    const f = this.deps.tokens.findings().find((x) => x.uri.toString() === doc.uri.toString() && x.line === pos.line && pos.character >= x.startColumn && pos.character <= x.endColumn);
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
   * Quick fixes of our diagnostics (remove the line, open the view), and "Rotate" on any line that
   * holds one of the signed-in accounts' tokens, diagnosed or not. The command gets the token and its
   * account, never the value.
   */
  codeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const rotations = this.deps.tokens.findings()
      .filter((f) => f.uri.toString() === doc.uri.toString() && f.line >= range.start.line && f.line <= range.end.line)
      .flatMap((f) => {
        const own = this.ownToken(f.tokenId);
        return own ? [{ f, own }] : [];
      })
      .filter(({ f }, i, all) => all.findIndex((x) => x.f.tokenId === f.tokenId) === i)
      .map(({ f, own }) => {
        const title = vscode.l10n.t('Rotate API Token "{0}"…', displayName(own.token.name));
        const rotate = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        const flagged = ours.filter((d) => d.range.start.line === f.line && d.range.start.character === f.startColumn);
        if (flagged.length) rotate.diagnostics = flagged;
        rotate.command = { command: 'turso.rotateToken', title, arguments: [{ kind: 'token', token: own.token, accountId: own.accountId }] };
        return rotate;
      });
    return [...rotations, ...ours.flatMap((d) => {
      const remove = new vscode.CodeAction(vscode.l10n.t('Remove the line'), vscode.CodeActionKind.QuickFix);
      remove.diagnostics = [d];
      remove.edit = new vscode.WorkspaceEdit();
      const line = d.range.start.line;
      remove.edit.delete(doc.uri, line + 1 < doc.lineCount ? new vscode.Range(line, 0, line + 1, 0) : doc.lineAt(line).rangeIncludingLineBreak);
      const open = new vscode.CodeAction(vscode.l10n.t('Open the Turso view'), vscode.CodeActionKind.QuickFix);
      open.diagnostics = [d];
      open.command = { command: 'workbench.view.extension.turso', title: vscode.l10n.t('Open the Turso view') };
      return [remove, open];
    })];
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

function verdictLabel(kind: 'revoked' | 'expired' | 'invalid' | 'otherAccount'): string {
  return kind === 'otherAccount' ? vscode.l10n.t('valid, of another account') : verdictMessage(kind);
}

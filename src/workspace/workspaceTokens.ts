import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { combineGlobs, enabledPatterns, GlobSet, MAX_PATTERN_LENGTH, MAX_SET_LENGTH } from './globs';
import { findDatabaseTokens, type DatabaseTokenFile } from './databaseTokenRules';
import { findTokens, type TokenFinding } from './tokenFinder';

/** The setting (under `turso.`) that lists the env files to look in, as globs relative to each workspace folder. */
export const TOKEN_FILES_SETTING = 'workspaceTokenFiles';
export const DEFAULT_TOKEN_FILES = ['**/.env', '**/.env.*', '**/*.env'];
/** Never looked in, whatever the settings say: dependencies and git's own folder. */
export const ALWAYS_EXCLUDED = ['**/node_modules', '**/.git'];
/** A bigger file is not an env file: it is not read. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** A token found in a workspace file. Like every finding, it holds no part of the token's value. */
export interface WorkspaceTokenFinding extends TokenFinding {
  uri: vscode.Uri;
}

/** Where a token is used: enough to say "used in api/.env" and open the line. */
export interface TokenUsage {
  uri: vscode.Uri;
  line: number;
  key?: string;
  commented: boolean;
}

/** What the last full scan cost (for the benchmark and the log). */
export interface ScanStats {
  /** Env files the search returned (and that were read). */
  envFiles: number;
  /** Files among them holding at least one token. */
  filesWithTokens: number;
  findings: number;
  /** From the start of the scan to its result. */
  durationMs: number;
  /** Of which the file search (`workspace.findFiles`). */
  searchMs: number;
}

export interface WorkspaceTokensOptions {
  /** Quiet time after the last file event before the changed files are read again (default 300 ms). */
  debounceMs?: number;
  /** Reading a file or searching failed (never called with a token value). */
  onError?: (message: string, err: unknown) => void;
}

/** One workspace folder's rules: which files to look in, and what is excluded. */
interface FolderRules {
  folder: vscode.WorkspaceFolder;
  /** The include globs as one pattern, or undefined when the setting is an empty list (search off). */
  include?: string;
  includes: GlobSet;
  exclude: string;
  excludes: GlobSet;
}

interface FileEntry {
  uri: vscode.Uri;
  findings: TokenFinding[];
  /** Its database and group tokens (libSQL) and `*_URL` values, read from the same text. */
  database?: DatabaseTokenFile;
  /** The findings without the uri, to tell whether a new read changed anything. */
  signature: string;
}

const READ_CONCURRENCY = 8;
/** More paths created in one batch than this (a checkout, an unpacked archive): search everything again. */
const MAX_CREATED_PATHS = 200;
/** Drops a byte order mark, as the editor does, so columns match the document's. */
const UTF8 = new TextDecoder('utf-8');

/**
 * The Turso Platform API tokens in the workspace's env files, found without sending anything
 * anywhere: `start()` (called once the view is visible) searches `turso.workspaceTokenFiles` in every
 * workspace folder, honouring `files.exclude` and skipping `node_modules` and `.git`, reads the files
 * found (read only; bigger than 1 MiB or binary: skipped), and then follows changes with file
 * watchers, reading again only the files that changed, after a short quiet time. `onDidChange` fires
 * when what is found changes. Nothing here logs, shows or keeps a token's value: a finding holds the
 * file, line, columns, key and the token's id and claims.
 *
 * VS Code's file watcher on Linux does not see inside a folder created together with its content
 * (`mkdir -p` and a write at once, a folder moved in: parcel-bundler/watcher#97). Such a folder is
 * searched when its own creation is reported, but later edits in it are not: a caller about to act on
 * the findings (replacing a token in the files) calls `rescan()` first.
 */
export class WorkspaceTokens implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the findings change (a file gained, lost or moved a token; a rescan found something else). */
  readonly onDidChange = this.changeEmitter.event;

  private readonly debounceMs: number;
  private readonly onError: (message: string, err: unknown) => void;
  private files = new Map<string, FileEntry>();
  private folders: FolderRules[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  /** Serialises full scans and batches of re-reads: one runs at a time. */
  private queue: Promise<void> = Promise.resolve();
  private firstScan: Promise<void> | undefined;
  private latestScan: Promise<void> = Promise.resolve();
  private scanCancellation: vscode.CancellationTokenSource | undefined;
  /** Bumped by every full scan: a batch queued before it has nothing left to do. */
  private generation = 0;
  private readonly changed = new Map<string, vscode.Uri>();
  /** Paths created that no file pattern matches: a folder moved in reports only itself. */
  private readonly created = new Map<string, { uri: vscode.Uri; rules: FolderRules }>();
  private timer: NodeJS.Timeout | undefined;
  private timerFired: Promise<void> = Promise.resolve();
  private resolveTimer: (() => void) | undefined;
  private flat: WorkspaceTokenFinding[] | undefined;
  private byId: Map<string, TokenUsage[]> | undefined;
  private databaseFlat: (DatabaseTokenFile & { uri: vscode.Uri })[] | undefined;
  private disposed = false;
  private stats: ScanStats | undefined;

  constructor(options: WorkspaceTokensOptions = {}) {
    this.debounceMs = options.debounceMs ?? 300;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Whether `start()` was called. */
  get started(): boolean {
    return this.firstScan !== undefined;
  }

  /** What the last full scan cost, once one finished. */
  get lastScan(): ScanStats | undefined {
    return this.stats;
  }

  /**
   * Starts the search (once; later calls return the same promise): resolves when the first scan is
   * done, then keeps following the files. Never rejects: a failure is reported to `onError`.
   */
  start(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    if (!this.firstScan) {
      this.subscriptions.push(
        vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration(`turso.${TOKEN_FILES_SETTING}`) || e.affectsConfiguration('files.exclude')) {
            void this.scanFromScratch();
          }
        }),
        vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scanFromScratch()),
      );
      this.firstScan = this.scanFromScratch();
    }
    return this.firstScan;
  }

  /**
   * Searches every folder again from scratch (settings or folders changed, or a caller about to act
   * on the findings wants them current). Starts the scanner if it was not. Resolves when done.
   */
  rescan(): Promise<void> {
    return this.firstScan ? this.scanFromScratch() : this.start();
  }

  private scanFromScratch(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    const generation = ++this.generation;
    // A scan still running is out of date: stop its search.
    this.scanCancellation?.cancel();
    const cancellation = new vscode.CancellationTokenSource();
    this.scanCancellation = cancellation;
    // The full scan reads every file: what the watchers queued so far is covered.
    this.changed.clear();
    this.created.clear();
    const done = this.enqueue(async () => {
      if (generation !== this.generation || this.disposed) {
        return;
      }
      try {
        await this.scanAll(cancellation.token, generation);
      } finally {
        cancellation.dispose();
        if (this.scanCancellation === cancellation) this.scanCancellation = undefined;
      }
    });
    // Overtaken by a newer scan: resolve with that one, so callers see a current result.
    const result = done.then(() => (generation === this.generation ? undefined : this.latestScan));
    this.latestScan = result;
    return result;
  }

  /** Every finding, ordered by file, line and column. */
  findings(): readonly WorkspaceTokenFinding[] {
    if (!this.flat) {
      this.flat = [...this.files.values()]
        .sort((a, b) => compareStrings(a.uri.toString(), b.uri.toString()))
        .flatMap((entry) => entry.findings.map((f) => ({ ...f, uri: entry.uri })));
    }
    return this.flat;
  }

  /** The files holding database or group tokens (with their `*_URL` values), in file order. */
  databaseFiles(): readonly (DatabaseTokenFile & { uri: vscode.Uri })[] {
    this.databaseFlat ??= [...this.files.values()]
      .sort((a, b) => compareStrings(a.uri.toString(), b.uri.toString()))
      .flatMap((entry) => (entry.database ? [{ ...entry.database, uri: entry.uri }] : []));
    return this.databaseFlat;
  }

  /** Token id → where it is used, in file order. */
  usagesById(): ReadonlyMap<string, readonly TokenUsage[]> {
    if (!this.byId) {
      const byId = new Map<string, TokenUsage[]>();
      for (const f of this.findings()) {
        const usage: TokenUsage = { uri: f.uri, line: f.line, commented: f.commented, ...(f.key !== undefined ? { key: f.key } : {}) };
        const list = byId.get(f.tokenId);
        if (list) list.push(usage);
        else byId.set(f.tokenId, [usage]);
      }
      this.byId = byId;
    }
    return this.byId;
  }

  /** Where the token with this id is used (empty when nowhere). */
  usages(tokenId: string): readonly TokenUsage[] {
    return this.usagesById().get(tokenId) ?? [];
  }

  /** Resolves once no scan or re-read is running or waiting (tests, the benchmark). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const queue = this.queue;
      await this.timerFired;
      await queue;
      if (queue === this.queue && !this.timer) {
        return;
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.scanCancellation?.cancel();
    this.clearTimer();
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
    this.watchers = [];
    this.subscriptions.length = 0;
    this.changeEmitter.dispose();
  }

  // ---------------------------------------------------------------------------------------------

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op).catch((err: unknown) => this.onError('Looking for Turso tokens in the workspace failed', err));
    this.queue = next;
    return next;
  }

  private async scanAll(token: vscode.CancellationToken, generation: number): Promise<void> {
    const t0 = Date.now();
    this.folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => this.rulesOf(folder));
    this.watch();
    const found = await Promise.all(this.folders.map((rules) => this.search(rules, token)));
    const uris = found.flat();
    const searchMs = Date.now() - t0;
    if (token.isCancellationRequested || generation !== this.generation) {
      return;
    }
    const files = new Map<string, FileEntry>();
    await forEachLimited(uris, READ_CONCURRENCY, async (uri) => {
      const entry = await this.read(uri);
      if (entry) files.set(uri.toString(), entry);
    });
    if (token.isCancellationRequested || generation !== this.generation || this.disposed) {
      return;
    }
    const changed = !sameEntries(this.files, files);
    this.files = files;
    this.stats = {
      envFiles: uris.length,
      filesWithTokens: files.size,
      findings: [...files.values()].reduce((n, e) => n + e.findings.length, 0),
      durationMs: Date.now() - t0,
      searchMs,
    };
    if (changed) this.fireChange();
  }

  private rulesOf(folder: vscode.WorkspaceFolder): FolderRules {
    const configured = vscode.workspace.getConfiguration('turso', folder.uri).get<unknown>(TOKEN_FILES_SETTING, DEFAULT_TOKEN_FILES);
    const list = Array.isArray(configured) ? configured.filter((p): p is string => typeof p === 'string') : DEFAULT_TOKEN_FILES;
    const excludes = [...ALWAYS_EXCLUDED, ...enabledPatterns(vscode.workspace.getConfiguration('files', folder.uri).get<unknown>('exclude'))];
    const includeSet = new GlobSet(list);
    const excludeSet = new GlobSet(excludes);
    for (const [setting, leftOut] of [[`turso.${TOKEN_FILES_SETTING}`, includeSet.leftOut], ['files.exclude', excludeSet.leftOut]] as const) {
      if (leftOut.length > 0) this.onError(`${setting} of ${folder.name}: ${leftOut.length} pattern(s) longer than ${MAX_PATTERN_LENGTH} characters (or than ${MAX_SET_LENGTH} together) left out`, new Error(leftOut.map((p) => p.slice(0, 80)).join(', ')));
    }
    const include = combineGlobs(list);
    return {
      folder,
      // A pattern VS Code's search is not given (its alternatives spelled out would be too many): the
      // search looks at every file not excluded and the set picks the env files.
      include: includeSet.isEmpty ? undefined : include.leftOut.length > 0 ? '**' : include.glob,
      includes: includeSet,
      // An explicit exclude replaces files.exclude in findFiles: both go into it (the set filters
      // after the search whatever it was not given).
      exclude: combineGlobs(excludes).glob ?? ALWAYS_EXCLUDED[0],
      excludes: excludeSet,
    };
  }

  private async search(rules: FolderRules, token: vscode.CancellationToken): Promise<vscode.Uri[]> {
    if (!rules.include) {
      return [];
    }
    try {
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(rules.folder, rules.include), rules.exclude, undefined, token);
      // The search already left the excluded folders out; this keeps it so whatever the search does.
      return uris.filter((uri) => rules.includes.matches(relativePath(rules.folder, uri)) && !rules.excludes.matchesOrContains(relativePath(rules.folder, uri)));
    } catch (err) {
      if (!token.isCancellationRequested) this.onError(`Searching ${rules.folder.name} for env files failed`, err);
      return [];
    }
  }

  /**
   * A watcher per folder for every path in it (the settings' globs are matched here, by the set, not
   * by VS Code's own matcher): env files changed, created or deleted, and every path created or
   * deleted (a folder moved in or out reports itself, not the files in it).
   */
  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const rules of this.folders) {
      if (!rules.include) continue;
      const paths = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(rules.folder, '**'));
      this.watchers.push(
        paths,
        paths.onDidCreate((uri) => (rules.includes.matches(relativePath(rules.folder, uri)) ? this.fileEvent(rules, uri) : this.pathCreated(rules, uri))),
        paths.onDidChange((uri) => this.fileEvent(rules, uri)),
        paths.onDidDelete((uri) => {
          this.fileEvent(rules, uri);
          this.deleted(uri);
        }),
      );
    }
  }

  private fileEvent(rules: FolderRules, uri: vscode.Uri): void {
    const key = uri.toString();
    const path = relativePath(rules.folder, uri);
    if (this.files.has(key) || (rules.includes.matches(path) && !rules.excludes.matchesOrContains(path))) {
      this.changed.set(key, uri);
      this.schedule();
    }
  }

  private pathCreated(rules: FolderRules, uri: vscode.Uri): void {
    const path = relativePath(rules.folder, uri);
    // A matching file is a file event (`watch`); nothing under an excluded folder is looked at.
    if (!rules.includes.matches(path) && !rules.excludes.matchesOrContains(path)) {
      this.created.set(uri.toString(), { uri, rules });
      this.schedule();
    }
  }

  private deleted(uri: vscode.Uri): void {
    const prefix = `${uri.toString()}/`;
    for (const [key, entry] of this.files) {
      if (key === uri.toString() || key.startsWith(prefix)) {
        this.changed.set(key, entry.uri);
      }
    }
    if (this.changed.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (!this.timer) {
      this.timerFired = new Promise<void>((resolve) => (this.resolveTimer = resolve));
    } else {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.changed.values()];
      const created = [...this.created.values()];
      this.changed.clear();
      this.created.clear();
      const generation = this.generation;
      if (created.length > MAX_CREATED_PATHS) {
        void this.scanFromScratch(); // a checkout or an unpacked archive: one search costs less than many stats
      } else {
        void this.enqueue(async () => this.reread([...batch, ...(await this.envFilesIn(created, generation))], generation));
      }
      this.resolveTimer?.();
    }, this.debounceMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.resolveTimer?.();
  }

  /** The env files inside those of `created` that are folders (each searched like the workspace). */
  private async envFilesIn(created: { uri: vscode.Uri; rules: FolderRules }[], generation: number): Promise<vscode.Uri[]> {
    const found: vscode.Uri[] = [];
    await forEachLimited(created, READ_CONCURRENCY, async ({ uri, rules }) => {
      if (generation !== this.generation || this.disposed || !rules.include) return;
      try {
        if (!((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory)) return;
      } catch {
        return; // gone already
      }
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, rules.include), rules.exclude);
      found.push(...uris.filter((u) => rules.includes.matches(relativePath(rules.folder, u)) && !rules.excludes.matchesOrContains(relativePath(rules.folder, u))));
    });
    return found;
  }

  /** Reads again the files that changed (a deleted or unreadable file drops out). */
  private async reread(uris: vscode.Uri[], generation: number): Promise<void> {
    if (generation !== this.generation || this.disposed) {
      return;
    }
    const results = new Map<string, FileEntry | undefined>();
    await forEachLimited(uris, READ_CONCURRENCY, async (uri) => {
      results.set(uri.toString(), await this.read(uri));
    });
    if (generation !== this.generation || this.disposed) {
      return; // a full scan started meanwhile and read them all
    }
    let changed = false;
    for (const [key, entry] of results) {
      const before = this.files.get(key);
      if (entry) {
        this.files.set(key, entry);
        changed ||= before?.signature !== entry.signature;
      } else if (before) {
        this.files.delete(key);
        changed = true;
      }
    }
    if (changed) this.fireChange();
  }

  /** The tokens in one file; undefined when it has none, is gone, too big, binary or unreadable. */
  private async read(uri: vscode.Uri): Promise<FileEntry | undefined> {
    try {
      const bytes = await readSmallFile(uri);
      if (!bytes || bytes.includes(0)) {
        return undefined;
      }
      const text = UTF8.decode(bytes);
      const findings = findTokens(text);
      const database = findDatabaseTokens(text);
      if (database) return { uri, findings, database, signature: JSON.stringify([findings, database]) };
      return findings.length > 0 ? { uri, findings, signature: JSON.stringify(findings) } : undefined;
    } catch (err) {
      if (!isNotFound(err)) {
        this.onError(`Reading ${vscode.workspace.asRelativePath(uri)} failed`, err);
      }
      return undefined;
    }
  }

  private fireChange(): void {
    this.flat = undefined;
    this.byId = undefined;
    this.databaseFlat = undefined;
    this.changeEmitter.fire();
  }
}

/**
 * The bytes of a file of at most MAX_ENV_FILE_BYTES (undefined for a bigger one or a folder). A local
 * file is read in this process (one open, a stat of the handle, one read); any other scheme through
 * `workspace.fs`.
 */
async function readSmallFile(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  if (uri.scheme !== 'file') {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory || stat.size > MAX_ENV_FILE_BYTES) {
      return undefined;
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    return bytes.length > MAX_ENV_FILE_BYTES ? undefined : bytes;
  }
  const handle = await fsp.open(uri.fsPath, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_ENV_FILE_BYTES) {
      return undefined;
    }
    const bytes = await handle.readFile();
    return bytes.length > MAX_ENV_FILE_BYTES ? undefined : bytes;
  } finally {
    await handle.close();
  }
}

function isNotFound(err: unknown): boolean {
  return (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') || (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}

function sameEntries(a: Map<string, FileEntry>, b: Map<string, FileEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) {
    if (b.get(key)?.signature !== entry.signature) return false;
  }
  return true;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      await fn(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// Loads a CommonJS file the way Node's require() does, with V8's code cache kept in a folder of the
// extension's own (its global storage): the next start skips most of V8's parsing and compiling of
// the file (loading the core in plain Node: 3.3 ms instead of 6.1). No `vscode` import: tested in plain Node.
//
// V8 checks a code cache against the source by its length only (and against its own version and flags),
// so the cache file is named by a hash of the source and of V8's version: another build of the file never
// reads a cache made for this one. A cache V8 rejects, or none, costs nothing but the normal compile; the
// file is then written anew when the caller says (saveCache(): src/boot.ts calls it right after activate()
// returns, so it holds the top level and what activate() compiled). Writing never follows a symbolic link:
// a fresh file (O_EXCL) renamed over the name; reading never follows one either (O_NOFOLLOW). The cache holds compiled code and the source's own constants, never a value
// made at run time.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** The cache files' names: `<prefix><hash>.bin`; others with the prefix are older builds' (removed on save). */
export const CACHE_PREFIX = 'code-cache-';

/** How the cache served this load. */
export type CacheUse = 'used' | 'none' | 'rejected' | 'unreadable';

export interface LoadedModule {
  /** What the file's `module.exports` ended as. */
  readonly exports: unknown;
  /** `used`: V8 took the cache; `none`: there was none yet; `rejected`: V8 refused it (another V8 or flags). */
  readonly cache: CacheUse;
  /** The cache file for this source (in `cacheDir`). */
  readonly cacheFile: string;
  /**
   * Writes the cache for the next start, unless V8 took this one. Never throws: the cache is only a
   * speed-up. Returns what happened (`written`, `kept` when it was used, or the reason it was not written).
   */
  saveCache(): string;
}

/** Lines before the file's first line: positions in stack traces stay the file's own (lineOffset -1). */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

/** The cache file for `source` in `cacheDir`: named by a hash of the source and of V8's version. */
export function cacheFileFor(cacheDir: string, source: string): string {
  const hash = createHash('sha256').update(process.versions.v8).update('\0').update(source).digest('hex').slice(0, 40);
  return path.join(cacheDir, `${CACHE_PREFIX}${hash}.bin`);
}

/** O_NOFOLLOW where the platform has it (not on Windows, where the lstat below stands in). */
const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function readCache(file: string): { data?: Buffer; use: CacheUse } {
  let fd: number | undefined;
  try {
    // only a plain file of ours: a link (ELOOP with O_NOFOLLOW) or anything else is not read (and is replaced on save)
    if (!NO_FOLLOW && !fs.lstatSync(file).isFile()) return { use: 'unreadable' };
    fd = fs.openSync(file, fs.constants.O_RDONLY | NO_FOLLOW);
    if (!fs.fstatSync(fd).isFile()) return { use: 'unreadable' };
    return { data: fs.readFileSync(fd), use: 'none' };
  } catch (err) {
    return { use: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : 'unreadable' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Loads `file` (CommonJS) as require() would — `require` is the caller's (so relative requires resolve
 * from the caller's folder, which must be the file's) — with V8's code cache from `cacheDir`.
 */
export function loadWithCodeCache(file: string, cacheDir: string, req: NodeJS.Require): LoadedModule {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = cacheFileFor(cacheDir, source);
  const cached = readCache(cacheFile);
  const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: file, lineOffset: -1, cachedData: cached.data });
  const cache: CacheUse = cached.data === undefined ? cached.use : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  fn.call(module.exports, module.exports, req, module, file, path.dirname(file));
  let saved: string | undefined;
  return {
    exports: module.exports,
    cache,
    cacheFile,
    saveCache: () => (saved ??= cache === 'used' ? 'kept' : writeCache(cacheFile, script)),
  };
}

function writeCache(cacheFile: string, script: vm.Script): string {
  const dir = path.dirname(cacheFile);
  const tmp = `${cacheFile}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const data = script.createCachedData();
    fs.mkdirSync(dir, { recursive: true });
    // 'wx': O_CREAT | O_EXCL, which fails on any existing name, a symbolic link included
    fs.writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    // rename replaces the name itself (a link there is replaced, never written through)
    fs.renameSync(tmp, cacheFile);
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* not made */ }
    return `not written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  removeOthers(dir, path.basename(cacheFile));
  return 'written';
}

/** A write left by a process that stopped midway is removed after this long (another window's may be under way). */
const STALE_TMP_MS = 60_000;

/** Removes older builds' cache files and stale writes (unlink removes a link itself, never what it points to). */
function removeOthers(dir: string, keep: string): void {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const name of names) {
    if (name === keep || !name.startsWith(CACHE_PREFIX)) continue;
    const file = path.join(dir, name);
    try {
      if (name.endsWith('.bin') || (name.endsWith('.tmp') && Date.now() - fs.lstatSync(file).mtimeMs > STALE_TMP_MS)) fs.unlinkSync(file);
    } catch { /* gone meanwhile */ }
  }
}

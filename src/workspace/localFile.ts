/**
 * Reading and writing a file on this machine's disk without ever following a symbolic link: a
 * workspace whose `.env` links elsewhere must not make the extension write a token there. No
 * `vscode` import: it runs (and is tested) in plain Node.
 *
 * Where the system has `O_NOFOLLOW` (Linux, macOS), the check and the open are one step, so nothing
 * can swap a link in between; elsewhere (Windows) the link is looked for right before opening.
 *
 * A writer given the workspace folder (`within`) also refuses a file whose folders are not, by their
 * real path, where its path says they are under that folder (a folder on the way that is a link):
 * - checked right before the open (the real path of the file's folder, every link resolved);
 * - and, on Linux, checked again on the opened file itself (the kernel's path of the descriptor,
 *   `/proc/self/fd`) before a byte is written: a folder swapped for a link between the check and the
 *   open is caught, and nothing is written (a file created there stays empty, and is removed).
 *   Elsewhere the opened file is compared (device and inode) with what is at its expected real path,
 *   which leaves a swap-and-swap-back within microseconds uncaught.
 * Links above the workspace folder itself (its own path leading through one) are allowed, and the
 * folder itself being replaced is not looked for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
// A FIFO in place of the file must not block the open.
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

export type LocalFileKind = 'missing' | 'file' | 'symlink' | 'other';

/** The path is not a regular file: a symbolic link (`target` says where it points), a folder, a device… */
export class NotRegularFileError extends Error {
  constructor(readonly path: string, readonly kind: 'symlink' | 'other', readonly target?: string) {
    super(kind === 'symlink' ? `${path} is a symbolic link to ${target ?? '?'}` : `${path} is not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/** The file appeared between looking and creating it. */
export class AppearedError extends Error {
  constructor(readonly path: string) {
    super(`${path} appeared while it was being created`);
    this.name = 'AppearedError';
  }
}

/** A folder on the way to the file is a link (or the file is not under the folder): `realPath` says where it really is. */
export class OutsideFolderError extends Error {
  constructor(readonly path: string, readonly realPath: string) {
    super(`${path} is reached through a symbolic link: it is ${realPath}`);
    this.name = 'OutsideFolderError';
  }
}

/** What is at `file`, the link itself rather than what it points to. */
export async function localFileKind(file: string): Promise<LocalFileKind> {
  try {
    const stat = await fs.promises.lstat(file);
    return stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'missing';
    }
    throw err;
  }
}

/** Where a link points, as an absolute path (the link may dangle: nothing is resolved further). */
export async function linkTarget(file: string): Promise<string | undefined> {
  try {
    return path.resolve(path.dirname(file), await fs.promises.readlink(file));
  } catch {
    return undefined;
  }
}

async function notRegular(file: string): Promise<NotRegularFileError> {
  const kind = await localFileKind(file).catch(() => 'other' as const);
  return kind === 'symlink' ? new NotRegularFileError(file, 'symlink', await linkTarget(file)) : new NotRegularFileError(file, 'other');
}

/** Throws a `NotRegularFileError` when `file` is a link or not a regular file; does nothing when it is missing. */
export async function assertRegularOrMissing(file: string): Promise<void> {
  const kind = await localFileKind(file);
  if (kind === 'symlink' || kind === 'other') {
    throw await notRegular(file);
  }
}

/** Opens without following a final link; a link fails with ELOOP (EMLINK on some BSDs). */
async function openNoFollow(file: string, flags: number, mode?: number): Promise<fs.promises.FileHandle> {
  if (!O_NOFOLLOW) {
    await assertRegularOrMissing(file);
  }
  try {
    return await fs.promises.open(file, flags | O_NOFOLLOW, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw await notRegular(file);
    }
    if (code === 'EEXIST' && flags & O_EXCL) {
      throw new AppearedError(file);
    }
    throw err;
  }
}

async function assertRegular(handle: fs.promises.FileHandle, file: string): Promise<void> {
  if (!(await handle.stat()).isFile()) {
    throw new NotRegularFileError(file, 'other');
  }
}

/** The file's text (a byte order mark kept), or undefined when there is no such file. Refuses links. */
export async function readLocalText(file: string): Promise<string | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await openNoFollow(file, O_RDONLY | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
  try {
    await assertRegular(handle, file);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Where `file` must really be when it is written within `root`: `root`'s real path joined with the
 * rest of `file`'s path. Throws an `OutsideFolderError` when the real path of `file`'s folder is not
 * that (a folder on the way is a link) or `file` is not under `root`.
 */
async function expectedRealPath(root: string, file: string): Promise<string> {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new OutsideFolderError(file, path.resolve(file));
  }
  const expected = path.join(await fs.promises.realpath(root), rel);
  const realFolder = await fs.promises.realpath(path.dirname(file));
  if (realFolder !== path.dirname(expected)) {
    throw new OutsideFolderError(file, realFolder);
  }
  return expected;
}

/** Whether the opened file is the one at `expected` (see the module comment); throws an `OutsideFolderError` if not. */
async function assertOpenedAt(handle: fs.promises.FileHandle, file: string, expected: string): Promise<void> {
  let actual: string | undefined;
  try {
    actual = await fs.promises.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    actual = undefined;
  }
  if (actual !== undefined) {
    if (actual !== expected) {
      throw new OutsideFolderError(file, path.dirname(actual.replace(/ \(deleted\)$/, '')));
    }
    return;
  }
  const [opened, there] = await Promise.all([handle.stat(), fs.promises.lstat(expected).catch(() => undefined)]);
  if (!there || opened.dev !== there.dev || opened.ino !== there.ino) {
    throw new OutsideFolderError(file, path.dirname(expected));
  }
}

/**
 * Replaces the text of an existing regular file, never through a link (nor, given `within`, through
 * a folder that is one: see the module comment). The file keeps its mode and owner (it is written in place).
 */
export async function rewriteLocalText(file: string, text: string, within?: string): Promise<void> {
  const expected = within === undefined ? undefined : await expectedRealPath(within, file);
  const handle = await openNoFollow(file, O_WRONLY | O_NONBLOCK);
  try {
    await assertRegular(handle, file);
    if (expected !== undefined) {
      await assertOpenedAt(handle, file, expected);
    }
    const bytes = new TextEncoder().encode(text);
    // Emptied and written back to back, with no turn of the event loop between them: a reader woken
    // by the first change (VS Code reloading an open editor) would otherwise find the file empty, and
    // may not read it again.
    fs.ftruncateSync(handle.fd, 0);
    for (let done = 0; done < bytes.length;) {
      done += fs.writeSync(handle.fd, bytes, done, bytes.length - done, done);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Creates `file` with `text`, failing with an `AppearedError` if anything (a file, a link, even a
 * dangling one) is already there: `O_CREAT | O_EXCL` never follows a link. `mode` applies (less the
 * umask) from the first byte on. Given `within`, never through a folder that is a link (see the module comment).
 */
export async function createLocalText(file: string, text: string, mode: number, within?: string): Promise<void> {
  const expected = within === undefined ? undefined : await expectedRealPath(within, file);
  const handle = await openNoFollow(file, O_WRONLY | O_CREAT | O_EXCL, mode);
  try {
    if (expected !== undefined) {
      try {
        await assertOpenedAt(handle, file, expected);
      } catch (err) {
        // Created empty where it must not be: taken back (by the descriptor's own path when known).
        const where = err instanceof OutsideFolderError ? path.join(err.realPath, path.basename(file)) : file;
        await fs.promises.unlink(where).catch(() => undefined);
        throw err;
      }
    }
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

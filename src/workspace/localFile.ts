/**
 * Reading and writing a file on this machine's disk without ever following a symbolic link: a
 * workspace whose `.env` links elsewhere must not make the extension write a token there. No
 * `vscode` import: it runs (and is tested) in plain Node.
 *
 * Where the system has `O_NOFOLLOW` (Linux, macOS), the check and the open are one step, so nothing
 * can swap a link in between; elsewhere (Windows) the link is looked for right before opening.
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
 * Replaces the text of an existing regular file, never through a link. The file keeps its mode and
 * owner (it is written in place).
 */
export async function rewriteLocalText(file: string, text: string): Promise<void> {
  const handle = await openNoFollow(file, O_WRONLY | O_NONBLOCK);
  try {
    await assertRegular(handle, file);
    const bytes = new TextEncoder().encode(text);
    await handle.truncate(0);
    await handle.write(bytes, 0, bytes.length, 0);
  } finally {
    await handle.close();
  }
}

/**
 * Creates `file` with `text`, failing with an `AppearedError` if anything (a file, a link, even a
 * dangling one) is already there: `O_CREAT | O_EXCL` never follows a link. `mode` applies (less the
 * umask) from the first byte on.
 */
export async function createLocalText(file: string, text: string, mode: number): Promise<void> {
  const handle = await openNoFollow(file, O_WRONLY | O_CREAT | O_EXCL, mode);
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AppearedError, assertRegularOrMissing, createLocalText, localFileKind, NotRegularFileError, OutsideFolderError, readLocalText, rewriteLocalText,
} from '../../../src/workspace/localFile';

// Real files in a temp folder: a link in place of `.env` must never be read or written through.

describe('localFile: no link followed', function () {
  let dir: string;
  let outside: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-localfile-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-outside-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const rejectsAsLink = (promise: Promise<unknown>, target: string) =>
    assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof NotRegularFileError, `a NotRegularFileError, not ${String(err)}`);
      assert.equal(err.kind, 'symlink');
      assert.equal(err.target, target);
      return true;
    });

  it('a link to a file elsewhere: not read, not rewritten, and its target unchanged', async () => {
    const target = path.join(outside, 'secrets.txt');
    fs.writeFileSync(target, 'KEEP=1\n');
    const env = path.join(dir, '.env');
    fs.symlinkSync(target, env);
    assert.equal(await localFileKind(env), 'symlink');
    await rejectsAsLink(assertRegularOrMissing(env), target);
    await rejectsAsLink(readLocalText(env), target);
    await rejectsAsLink(rewriteLocalText(env, 'TOKEN=x\n'), target);
    assert.equal(fs.readFileSync(target, 'utf8'), 'KEEP=1\n');
  });

  it('a relative link is named by the absolute path it points to', async () => {
    fs.writeFileSync(path.join(dir, 'real.env'), '');
    fs.symlinkSync('real.env', path.join(dir, '.env'));
    await rejectsAsLink(readLocalText(path.join(dir, '.env')), path.join(dir, 'real.env'));
  });

  it('a dangling link: creating the file fails and nothing appears at the target', async () => {
    const target = path.join(outside, 'new.env');
    const env = path.join(dir, '.env');
    fs.symlinkSync(target, env);
    assert.equal(await readLocalText(env).catch((e: unknown) => e instanceof NotRegularFileError), true);
    await assert.rejects(createLocalText(env, 'TOKEN=x\n', 0o600), (err: unknown) => err instanceof AppearedError || err instanceof NotRegularFileError);
    assert.equal(fs.existsSync(target), false, 'the link target was not created');
  });

  it('a new file is created with the mode asked for (0600), whatever the umask allows', async () => {
    if (process.platform === 'win32') {
      return;
    }
    const env = path.join(dir, '.env');
    await createLocalText(env, 'TOKEN=x\n', 0o600);
    assert.equal(fs.statSync(env).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(env, 'utf8'), 'TOKEN=x\n');
  });

  it('creating over an existing file fails (O_EXCL) and leaves it as it was', async () => {
    const env = path.join(dir, '.env');
    fs.writeFileSync(env, 'A=1\n');
    await assert.rejects(createLocalText(env, 'TOKEN=x\n', 0o600), AppearedError);
    assert.equal(fs.readFileSync(env, 'utf8'), 'A=1\n');
  });

  it('rewriting a regular file replaces its text (shorter too) and keeps its mode', async () => {
    const env = path.join(dir, '.env');
    fs.writeFileSync(env, 'A=1\nB=a much longer line than the new text\n', { mode: 0o640 });
    fs.chmodSync(env, 0o640);
    await rewriteLocalText(env, '\uFEFFA=2\n');
    assert.equal(fs.readFileSync(env, 'utf8'), '\uFEFFA=2\n');
    assert.equal(await readLocalText(env), '\uFEFFA=2\n', 'a byte order mark is read back as it is');
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(env).mode & 0o777, 0o640);
    }
  });

  it('a missing file reads as undefined; a folder or a FIFO in its place is refused without blocking', async () => {
    assert.equal(await readLocalText(path.join(dir, '.env')), undefined);
    await assertRegularOrMissing(path.join(dir, '.env'));
    fs.mkdirSync(path.join(dir, 'folder'));
    await assert.rejects(readLocalText(path.join(dir, 'folder')), (e: unknown) => e instanceof NotRegularFileError || (e as NodeJS.ErrnoException).code === 'EISDIR');
    await assert.rejects(assertRegularOrMissing(path.join(dir, 'folder')), NotRegularFileError);
    if (process.platform !== 'win32') {
      const fifo = path.join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      await assert.rejects(readLocalText(fifo), NotRegularFileError);
      await assert.rejects(rewriteLocalText(fifo, 'x'), (e: unknown) => e instanceof NotRegularFileError || (e as NodeJS.ErrnoException).code === 'ENXIO');
    }
  });

  describe('within a folder: a folder on the way that is (or becomes) a link is never written through', () => {
    const linkedFolder = () => {
      fs.writeFileSync(path.join(outside, '.env'), 'KEEP=1\n');
      fs.symlinkSync(outside, path.join(dir, 'sub'));
      return path.join(dir, 'sub', '.env');
    };
    const rejectsAsOutside = (promise: Promise<unknown>) =>
      assert.rejects(promise, (err: unknown) => {
        assert.ok(err instanceof OutsideFolderError, `an OutsideFolderError, not ${String(err)}`);
        assert.equal(err.realPath, fs.realpathSync(outside));
        return true;
      });

    it('rewriting through a linked folder is refused and the file there keeps its text', async () => {
      const env = linkedFolder();
      await rejectsAsOutside(rewriteLocalText(env, 'TOKEN=x\n', dir));
      assert.equal(fs.readFileSync(path.join(outside, '.env'), 'utf8'), 'KEEP=1\n');
    });

    it('creating through a linked folder is refused and nothing appears there', async () => {
      fs.symlinkSync(outside, path.join(dir, 'sub'));
      await rejectsAsOutside(createLocalText(path.join(dir, 'sub', 'new.env'), 'TOKEN=x\n', 0o600, dir));
      assert.equal(fs.existsSync(path.join(outside, 'new.env')), false);
    });

    it('a path outside the folder is refused', async () => {
      fs.writeFileSync(path.join(outside, 'x.env'), 'KEEP=1\n');
      await assert.rejects(rewriteLocalText(path.join(outside, 'x.env'), 'TOKEN=x\n', dir), OutsideFolderError);
      assert.equal(fs.readFileSync(path.join(outside, 'x.env'), 'utf8'), 'KEEP=1\n');
    });

    it('a regular chain (folders made on the way) is written, and a link above the folder itself is allowed', async () => {
      fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a', 'b', '.env'), 'A=1\n');
      const viaLink = path.join(outside, 'ws-link');
      fs.symlinkSync(dir, viaLink);
      await rewriteLocalText(path.join(viaLink, 'a', 'b', '.env'), 'A=2\n', viaLink);
      await createLocalText(path.join(viaLink, 'a', 'new.env'), 'B=1\n', 0o600, viaLink);
      assert.equal(fs.readFileSync(path.join(dir, 'a', 'b', '.env'), 'utf8'), 'A=2\n');
      assert.equal(fs.readFileSync(path.join(dir, 'a', 'new.env'), 'utf8'), 'B=1\n');
    });

    it('a folder swapped for a link after the check and before the open: the opened file is checked again (Linux), nothing written', async function () {
      if (process.platform !== 'linux') {
        this.skip();
      }
      const env = linkedFolder();
      // the check before the open sees the folder as it was (real path as expected)
      const realpath = fs.promises.realpath;
      const sub = path.join(dir, 'sub');
      (fs.promises as { realpath: unknown }).realpath = async (p: string) =>
        (p === sub ? path.join(await realpath(dir), 'sub') : realpath(p));
      try {
        await rejectsAsOutside(rewriteLocalText(env, 'TOKEN=x\n', dir));
        await rejectsAsOutside(createLocalText(path.join(sub, 'new.env'), 'TOKEN=x\n', 0o600, dir));
      } finally {
        (fs.promises as { realpath: unknown }).realpath = realpath;
      }
      assert.equal(fs.readFileSync(path.join(outside, '.env'), 'utf8'), 'KEEP=1\n');
      const created = path.join(outside, 'new.env');
      assert.ok(!fs.existsSync(created) || fs.readFileSync(created, 'utf8') === '', 'no byte written outside');
    });
  });
});

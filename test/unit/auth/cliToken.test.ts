import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cliConfigFolder, cliSettingsFile, discoverCliTokens, displayPath, parseCliSettings, readEnv, type CliTokenEnvironment,
} from '../../../src/auth/cliToken';

/** A JWT-shaped value (never sent anywhere here). */
function jwt(payload: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(payload)}.${'s'.repeat(43)}`;
}
const FILE_TOKEN = jwt({ jti: 'from-the-file', exp: 1_900_000_000 });
const ENV_TOKEN = jwt({ jti: 'from-the-env' });

const realRead = (file: string) => fs.readFile(file, 'utf8');

describe("auth/cliToken: finding the Turso CLI's token", () => {
  let home: string;
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'turso-cli-home-'));
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  async function writeSettings(relativeFolder: string, content: unknown): Promise<string> {
    const folder = path.join(home, relativeFolder);
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'settings.json');
    await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
    return file;
  }
  function posixEnv(platform: NodeJS.Platform, env: Record<string, string> = {}): CliTokenEnvironment {
    return { env, homeDir: home, platform, readFile: realRead };
  }

  describe('each OS layout, with a fake home folder', () => {
    it('Linux: ~/.config/turso/settings.json', async () => {
      const file = await writeSettings('.config/turso', { token: FILE_TOKEN, username: 'demo' });
      const found = await discoverCliTokens(posixEnv('linux'));
      assert.equal(found.settingsFile, file);
      assert.deepEqual(found.tokens, [{
        token: FILE_TOKEN, source: { kind: 'settings', file }, where: '~/.config/turso/settings.json', username: 'demo',
      }]);
      assert.deepEqual(found.problems, []);
    });

    it('Linux: $XDG_CONFIG_HOME/turso/settings.json, not ~/.config', async () => {
      await writeSettings('.config/turso', { token: ENV_TOKEN });
      const file = await writeSettings('xdg/turso', { token: FILE_TOKEN });
      const found = await discoverCliTokens(posixEnv('linux', { XDG_CONFIG_HOME: path.join(home, 'xdg') }));
      assert.equal(found.tokens.length, 1);
      assert.equal(found.tokens[0].token, FILE_TOKEN);
      assert.equal(found.tokens[0].where, '~/xdg/turso/settings.json');
      assert.equal(found.settingsFile, file);
    });

    it('other Unixes (FreeBSD) use the XDG layout too', async () => {
      await writeSettings('.config/turso', { token: FILE_TOKEN });
      assert.equal((await discoverCliTokens(posixEnv('freebsd'))).tokens[0]?.token, FILE_TOKEN);
    });

    it('macOS: ~/Library/Application Support/turso/settings.json (XDG_CONFIG_HOME ignored)', async () => {
      await writeSettings('Library/Application Support/turso', { token: FILE_TOKEN });
      const found = await discoverCliTokens(posixEnv('darwin', { XDG_CONFIG_HOME: path.join(home, 'xdg') }));
      assert.equal(found.tokens[0]?.token, FILE_TOKEN);
      assert.equal(found.tokens[0]?.where, '~/Library/Application Support/turso/settings.json');
    });

    it('Windows: %APPDATA%\\turso\\settings.json (env names case-insensitive)', async () => {
      await writeSettings('AppData/Roaming/turso', { Token: FILE_TOKEN });
      // The fake home stands for C:\Users\me; Windows paths map onto it for reading.
      const winHome = 'C:\\Users\\me';
      const read = (file: string) => realRead(path.join(home, ...file.slice(winHome.length + 1).split('\\')));
      const found = await discoverCliTokens({
        env: { AppData: `${winHome}\\AppData\\Roaming` }, homeDir: winHome, platform: 'win32', readFile: read,
      });
      assert.equal(found.settingsFile, 'C:\\Users\\me\\AppData\\Roaming\\turso\\settings.json');
      assert.equal(found.tokens[0]?.token, FILE_TOKEN);
      assert.equal(found.tokens[0]?.where, 'C:\\Users\\me\\AppData\\Roaming\\turso\\settings.json');
      // Without APPDATA: the usual place under the profile.
      assert.equal(cliSettingsFile({}, winHome, 'win32'), 'C:\\Users\\me\\AppData\\Roaming\\turso\\settings.json');
    });

    it('TURSO_CONFIG_FOLDER overrides the folder on every OS', async () => {
      const file = await writeSettings('custom/place', { token: FILE_TOKEN });
      for (const platform of ['linux', 'darwin'] as const) {
        const found = await discoverCliTokens(posixEnv(platform, { TURSO_CONFIG_FOLDER: path.join(home, 'custom/place') }));
        assert.equal(found.settingsFile, file, platform);
        assert.equal(found.tokens[0]?.token, FILE_TOKEN, platform);
      }
      assert.equal(cliConfigFolder({ TURSO_CONFIG_FOLDER: 'D:\\turso' }, 'C:\\Users\\me', 'win32'), 'D:\\turso');
      assert.equal(cliConfigFolder({ turso_config_folder: 'D:\\turso' }, 'C:\\Users\\me', 'win32'), 'D:\\turso');
      assert.equal(cliConfigFolder({ turso_config_folder: '/x' }, '/home/me', 'linux'), '/home/me/.config/turso',
        'names are case-sensitive outside Windows');
    });

    it('finds nothing, quietly, when there is no settings file', async () => {
      const found = await discoverCliTokens(posixEnv('linux'));
      assert.deepEqual(found.tokens, []);
      assert.deepEqual(found.problems, []);
    });
  });

  describe('the environment and the file', () => {
    it('TURSO_API_TOKEN comes first (the CLI gives it precedence); the file token is still offered', async () => {
      await writeSettings('.config/turso', { token: FILE_TOKEN });
      const found = await discoverCliTokens(posixEnv('linux', { TURSO_API_TOKEN: `  ${ENV_TOKEN}\n` }));
      assert.deepEqual(found.tokens.map((t) => [t.token, t.where]), [
        [ENV_TOKEN, 'TURSO_API_TOKEN'],
        [FILE_TOKEN, '~/.config/turso/settings.json'],
      ]);
      assert.deepEqual(found.tokens[0].source, { kind: 'env', variable: 'TURSO_API_TOKEN' });
    });

    it('lists the same token once (from the environment)', async () => {
      await writeSettings('.config/turso', { token: ENV_TOKEN, username: 'demo' });
      const found = await discoverCliTokens(posixEnv('linux', { TURSO_API_TOKEN: ENV_TOKEN }));
      assert.equal(found.tokens.length, 1);
      assert.equal(found.tokens[0].where, 'TURSO_API_TOKEN');
      assert.equal(found.tokens[0].username, 'demo');
    });

    it('ignores an empty TURSO_API_TOKEN, and reports one that is not a JWT (without its value)', async () => {
      assert.deepEqual((await discoverCliTokens(posixEnv('linux', { TURSO_API_TOKEN: '  ' }))).tokens, []);
      const bad = await discoverCliTokens(posixEnv('linux', { TURSO_API_TOKEN: 'not-a-token-value' }));
      assert.deepEqual(bad.tokens, []);
      assert.equal(bad.problems.length, 1);
      assert.ok(!bad.problems[0].includes('not-a-token-value'));
    });

    it('reads keys case-insensitively, as viper does', () => {
      assert.deepEqual(parseCliSettings(JSON.stringify({ TOKEN: FILE_TOKEN, UserName: 'demo' })), { token: FILE_TOKEN, username: 'demo' });
      assert.deepEqual(parseCliSettings(JSON.stringify({ Token: 'x', token: FILE_TOKEN })), { token: FILE_TOKEN, username: undefined },
        'the exact key wins');
      assert.deepEqual(parseCliSettings('\uFEFF{"token":" t.o.k ","cache":{"token_valid":{}}}'), { token: 't.o.k', username: undefined });
      assert.deepEqual(parseCliSettings('{"token":42}'), { token: undefined, username: undefined });
      assert.throws(() => parseCliSettings('[1]'), TypeError);
    });

    it('reports a malformed settings file without quoting it (it may hold the token)', async () => {
      await writeSettings('.config/turso', `{"token": "${FILE_TOKEN}",`);
      const found = await discoverCliTokens(posixEnv('linux'));
      assert.deepEqual(found.tokens, []);
      assert.equal(found.problems.length, 1);
      assert.match(found.problems[0], /not valid JSON/);
      for (const part of FILE_TOKEN.split('.')) assert.ok(!found.problems[0].includes(part));
    });

    it('reports an unreadable settings file, and a token that is not a JWT', async () => {
      const unreadable = await discoverCliTokens({
        env: {}, homeDir: home, platform: 'linux',
        readFile: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })),
      });
      assert.match(unreadable.problems[0], /Couldn't read .*permission denied/);
      await writeSettings('.config/turso', { token: 'nope' });
      const notJwt = await discoverCliTokens(posixEnv('linux'));
      assert.deepEqual(notJwt.tokens, []);
      assert.match(notJwt.problems[0], /not a Turso Platform API token/);
    });

    it('never writes the CLI file', async () => {
      const file = await writeSettings('.config/turso', { token: FILE_TOKEN });
      const before = await fs.stat(file);
      await discoverCliTokens(posixEnv('linux', { TURSO_API_TOKEN: ENV_TOKEN }));
      const after = await fs.stat(file);
      assert.equal(after.mtimeMs, before.mtimeMs);
      assert.equal(after.mode & 0o777, 0o600);
    });
  });

  it('shows paths under the home folder with ~ (not on Windows)', () => {
    assert.equal(displayPath('/home/me/.config/turso/settings.json', '/home/me', 'linux'), '~/.config/turso/settings.json');
    assert.equal(displayPath('/home/me/.config/turso/settings.json', '/home/me/', 'linux'), '~/.config/turso/settings.json');
    assert.equal(displayPath('/home/meow/settings.json', '/home/me', 'linux'), '/home/meow/settings.json');
    assert.equal(displayPath('C:\\Users\\me\\x.json', 'C:\\Users\\me', 'win32'), 'C:\\Users\\me\\x.json');
    assert.equal(readEnv({ Path: 'x' }, 'PATH', 'win32'), 'x');
    assert.equal(readEnv({ Path: 'x' }, 'PATH', 'linux'), undefined);
  });
});

// test/e2e/leaks.mjs: the e2e leak search finds a secret value wherever it was written — in the instance's
// files and in the browser's profile, as UTF-8 or UTF-16 (either byte alignment), whole or as a JWT's
// payload or signature alone — names the value by what it is, never by itself, and lets through only
// the hits the caller allows (a file the person chose to write).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Leaks {
  searchForValues(values: Map<string, string>, options?: { allowed?: (file: string, what: string) => boolean }): { files: number; hits: string[] };
  browserProfileDir(): string;
}
interface Context { e2e: { base: string; instanceRoot: string } }

// A native import() (tsc would turn a plain one into require(), which cannot load an ES module).
const importModule = new Function('url', 'return import(url)') as <T>(url: string) => Promise<T>;
const E2E = path.resolve(__dirname, '../../../../test/e2e');

const b64url = (text: string): string => Buffer.from(text).toString('base64url');
const JWT = `${b64url('{"alg":"EdDSA","typ":"JWT"}')}.${b64url('{"jti":"leak-check-1234","username":"demo"}')}.${b64url('s'.repeat(64))}`;
const [, PAYLOAD, SIGNATURE] = JWT.split('.');
const OTHER = `${b64url('{"alg":"EdDSA","typ":"JWT"}')}.${b64url('{"jti":"never-written-5678"}')}.${b64url('t'.repeat(64))}`;
const GITHUB = 'gho_0123456789abcdefABCDEF0123456789abcd';

describe('e2e leak search (test/e2e/leaks.mjs)', () => {
  let leaks: Leaks;
  let base: string;
  const write = (rel: string, data: string | Buffer): string => {
    const file = path.join(base, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    return file;
  };
  const values = new Map([['the signed-in credential', JWT], ['a token never written', OTHER], ['the GitHub session token', GITHUB]]);

  before(async () => {
    leaks = await importModule<Leaks>(pathToFileURL(path.join(E2E, 'leaks.mjs')).href);
    const { e2e } = await importModule<Context>(pathToFileURL(path.join(E2E, 'context.mjs')).href);
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'turso-leaks-'));
    e2e.base = base;
    e2e.instanceRoot = path.join(base, 'instance');
    fs.mkdirSync(e2e.instanceRoot, { recursive: true });
    fs.mkdirSync(leaks.browserProfileDir(), { recursive: true });
  });
  after(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const dir of ['instance', 'chromium']) {
      fs.rmSync(path.join(base, dir), { recursive: true, force: true });
      fs.mkdirSync(path.join(base, dir), { recursive: true });
    }
  });

  it('finds nothing where nothing was written, and says how many files it read', () => {
    write('instance/data/User/settings.json', '{"turso.apiBaseUrl":"http://127.0.0.1:1"}');
    write('chromium/profile/Default/Preferences', '{}');
    assert.deepEqual(leaks.searchForValues(values), { files: 2, hits: [] });
  });

  it('finds a value whole, or its payload or signature alone, in the instance (UTF-8)', () => {
    write('instance/data/logs/a.log', `token=${JWT}\n`);
    write('instance/data/User/History/x/entries.json', `{"p":"${PAYLOAD}"}`);
    write('instance/data/User/globalStorage/state.json', `sig ${SIGNATURE} end`);
    const { hits } = leaks.searchForValues(values);
    assert.deepEqual(hits.sort(), [
      'the signed-in credential in instance/data/User/History/x/entries.json',
      'the signed-in credential in instance/data/User/globalStorage/state.json',
      'the signed-in credential in instance/data/logs/a.log',
    ]);
    assert.ok(hits.every((h) => !h.includes(PAYLOAD) && !h.includes(SIGNATURE)), 'a hit names the value, never shows it');
  });

  it('finds a value the browser stored as UTF-16, at either byte alignment, and in leveldb logs', () => {
    write('chromium/profile/Default/Local Storage/leveldb/000003.log', Buffer.concat([Buffer.from([0x01, 0x00, 0x7f]), Buffer.from(`{"v":"${JWT}"}`, 'utf16le')]));
    write('chromium/profile/Default/IndexedDB/db/000005.log', Buffer.concat([Buffer.from([0x00, 0x09]), Buffer.from(GITHUB, 'utf16le')]));
    const { hits } = leaks.searchForValues(values);
    assert.deepEqual(hits.sort(), [
      'the GitHub session token in chromium/profile/Default/IndexedDB/db/000005.log',
      'the signed-in credential in chromium/profile/Default/Local Storage/leveldb/000003.log',
    ]);
  });

  it('finds a token that is not a JWT inside other text (URL-encoded after "%20")', () => {
    write('instance/data/a.txt', `Authorization%3A%20token%20${GITHUB}%0A`);
    assert.deepEqual(leaks.searchForValues(values).hits, ['the GitHub session token in instance/data/a.txt']);
  });

  it('takes a JWT part only as a whole run of token characters (another value that merely contains it is not a copy)', () => {
    write('instance/data/b.txt', `x${SIGNATURE} ${PAYLOAD}y`);
    assert.deepEqual(leaks.searchForValues(values).hits, []);
  });

  it('lets through only the hits the caller allows (a file the person chose to write)', () => {
    const env = write('instance/ws/.env', `TURSO_API_TOKEN=${JWT}\n`);
    write('instance/data/User/History/y/1.env', `TURSO_API_TOKEN=${JWT}\n`);
    const { hits } = leaks.searchForValues(values, { allowed: (file) => file === env });
    assert.deepEqual(hits, ['the signed-in credential in instance/data/User/History/y/1.env']);
  });
});

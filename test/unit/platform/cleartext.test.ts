import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLoopbackHost, normalizeBaseUrl, TursoClient } from '../../../src/platform/client';

// The token is sent in every request's Authorization header: http:// is allowed only to this computer.
// The runtime rule (normalizeBaseUrl) and the settings UI's pattern (package.json) must agree.

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { pattern?: string; patternErrorMessage?: string }> } };
};
const setting = manifest.contributes.configuration.properties['turso.apiBaseUrl'];

const ALLOWED = [
  '', 'https://api.turso.tech', 'https://proxy.example/turso/', 'https://10.0.0.1:8443', 'http://127.0.0.1:8787',
  'http://127.0.0.1:8787/', 'http://127.1.2.3', 'http://localhost:8080/', 'http://localhost', 'http://[::1]:8787',
  'http://localhost.:8787', '  http://127.0.0.1:8787  ',
];
const REFUSED = [
  'http://api.turso.tech', 'http://example.com:8787', 'http://10.0.0.1:8787', 'http://192.168.1.2', 'http://0.0.0.0:8787',
  'http://[::]:8787', 'http://[::2]:8787', 'http://[::ffff:127.0.0.1]:8787', 'http://localhost.example.com', 'http://127.0.0.1.nip.io',
  'http://128.0.0.1', 'http://localhost@evil.example', 'http://evil.example#@localhost', 'ftp://localhost', 'localhost:8787',
];

describe('platform: no bearer token over cleartext http except to a loopback address', () => {
  it('the loopback rule: localhost, 127.0.0.0/8, [::1] and nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.255.0.9', '[::1]', '::1']) {
      assert.equal(isLoopbackHost(host), true, host);
    }
    for (const host of ['0.0.0.0', '128.0.0.1', '10.0.0.1', '[::]', '[::ffff:7f00:1]', 'localhost.example.com', 'mylocalhost', '127.0.0.1.nip.io']) {
      assert.equal(isLoopbackHost(host), false, host);
    }
  });

  for (const url of ALLOWED) {
    it(`allowed: ${JSON.stringify(url)}`, () => {
      assert.doesNotThrow(() => normalizeBaseUrl(url));
    });
  }
  for (const url of REFUSED) {
    it(`refused: ${JSON.stringify(url)}`, () => {
      assert.throws(() => normalizeBaseUrl(url), TypeError);
    });
  }

  it('says why: unencrypted, and what is allowed', () => {
    assert.throws(() => normalizeBaseUrl('http://api.turso.tech'), /would send the token unencrypted: use https:\/\/\. http:\/\/ is allowed only for this computer/);
  });

  it('IPv4 written another way is judged after the URL parser normalised it', () => {
    assert.equal(normalizeBaseUrl('http://127.1:8787'), 'http://127.0.0.1:8787');
    assert.equal(normalizeBaseUrl('http://0x7f000001:8787'), 'http://127.0.0.1:8787');
    assert.throws(() => normalizeBaseUrl('http://0x0a000001:8787'), TypeError, '10.0.0.1');
  });

  it('the client refuses to be built with such a URL, so no request carries the token', () => {
    let calls = 0;
    const fetchImpl = () => {
      calls++;
      return Promise.reject(new Error('no request may be made'));
    };
    assert.throws(() => new TursoClient({ baseUrl: 'http://api.turso.tech', token: 'secret', userAgent: 't', fetchImpl }), TypeError);
    assert.equal(calls, 0);
  });

  describe('the settings UI says the same (package.json pattern)', () => {
    it('has a pattern and a translated error message', () => {
      assert.ok(setting.pattern, 'turso.apiBaseUrl has a pattern');
      assert.equal(setting.patternErrorMessage, '%config.apiBaseUrl.patternErrorMessage%');
      const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.nls.json'), 'utf8')) as Record<string, string>;
      assert.match(nls['config.apiBaseUrl.patternErrorMessage'], /https:\/\//);
    });
    const pattern = new RegExp(setting.pattern ?? '(?!)', 'u');
    for (const url of ALLOWED) {
      it(`pattern accepts ${JSON.stringify(url)}`, () => assert.equal(pattern.test(url), true));
    }
    for (const url of REFUSED) {
      it(`pattern refuses ${JSON.stringify(url)}`, () => assert.equal(pattern.test(url), false));
    }
  });
});

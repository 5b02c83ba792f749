// src/github/remotes.ts: which GitHub repository a git remote names, and the API base of its host.
import * as assert from 'node:assert/strict';
import { apiBaseFor, isGitHubDotCom, parseRemoteUrl, repositoryName, sameRepository } from '../../../src/github/remotes';

describe('github/remotes: parseRemoteUrl', () => {
  const cases: [string, string | undefined][] = [
    // https, with and without .git and a trailing slash
    ['https://github.com/octo-org/app.git', 'github.com octo-org/app'],
    ['https://github.com/octo-org/app', 'github.com octo-org/app'],
    ['https://github.com/octo-org/app/', 'github.com octo-org/app'],
    ['https://github.com/octo-org/app.git/', 'github.com octo-org/app'],
    ['  https://GitHub.COM/Octo-Org/App.GIT  ', 'github.com Octo-Org/App'],
    ['https://www.github.com/o/r', 'github.com o/r'],
    ['https://github.com./o/r', 'github.com o/r'],
    // credentials are dropped
    ['https://x-access-token:ghp_SECRET123@github.com/o/r.git', 'github.com o/r'],
    ['https://user@github.com/o/r', 'github.com o/r'],
    ['https://us%40er:p%2Fss@github.com/o/r', 'github.com o/r'],
    // ssh, scp-like and ssh://
    ['git@github.com:octo-org/app.git', 'github.com octo-org/app'],
    ['git@github.com:octo-org/app', 'github.com octo-org/app'],
    ['git@github.com:/octo-org/app.git', 'github.com octo-org/app'],
    ['github.com:o/r.git', 'github.com o/r'],
    ['org-123@github.com:o/r.git', 'github.com o/r'],
    ['ssh://git@github.com/o/r.git', 'github.com o/r'],
    ['ssh://git@github.com:22/o/r.git', 'github.com o/r'],
    ['ssh://git@ssh.github.com:443/o/r.git', 'github.com o/r'],
    ['git+ssh://git@github.com/o/r.git', 'github.com o/r'],
    ['git://github.com/o/r.git', 'github.com o/r'],
    // GitHub Enterprise Server: the port stays for http(s) only (it is the web port), not for ssh
    ['https://ghe.example.com/team/service.git', 'ghe.example.com team/service'],
    ['https://ghe.example.com:8443/team/service', 'ghe.example.com:8443 team/service'],
    ['ssh://git@ghe.example.com:7999/team/service.git', 'ghe.example.com team/service'],
    ['git@ghe.example.com:team/service.git', 'ghe.example.com team/service'],
    // loopback (the tests' emulator)
    ['http://127.0.0.1:4567/octo-org/app.git', '127.0.0.1:4567 octo-org/app'],
    ['http://localhost:4567/o/r', 'localhost:4567 o/r'],
    ['http://[::1]:4567/o/r', '[::1]:4567 o/r'],
    ['git@[::1]:o/r.git', '[::1] o/r'],
    // names with dots, dashes, underscores
    ['https://github.com/a_b/x.y-z_.git', 'github.com a_b/x.y-z_'],
    ['https://github.com/o/.github', 'github.com o/.github'],
    // not a repository
    ['', undefined],
    ['   ', undefined],
    ['/home/me/repos/app', undefined],
    ['../app', undefined],
    ['file:///home/me/app.git', undefined],
    ['C:/repos/app', undefined],
    ['C:\\repos\\app', undefined],
    ['https://github.com/octo-org', undefined],
    ['https://github.com/', undefined],
    ['https://github.com/o/r/tree/main', undefined],
    ['https://github.com/o/r.git?x=1', undefined],
    ['https://github.com/o/r#frag', undefined],
    ['https://github.com/o/%2e%2e', undefined],
    ['https://github.com/o/..', undefined],
    ['https://github.com/o/.', undefined],
    ['https://github.com/../r', undefined],
    ['https://github.com/o/r%0a', undefined],
    ['https://github.com/o/r\nx', undefined],
    ['https://github.com/o/r x', undefined],
    ['https://github.com/o/\u202er', undefined],
    ['https://github.com/-o/r', undefined],
    ['https://gi thub.com/o/r', undefined],
    ['https://github.com\\@evil.com/o/r', undefined],
    ['javascript:alert(1)//github.com/o/r', undefined],
    ['ftp://github.com/o/r', undefined],
    ['https://github.com/o/' + 'r'.repeat(101), undefined],
    ['https://github.com/' + 'o/'.repeat(2000) + 'r', undefined],
    ['git@:o/r', undefined],
    ['@github.com:o/r', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)} → ${expected ?? 'none'}`, () => {
      const got = parseRemoteUrl(input);
      assert.equal(got ? `${got.host} ${repositoryName(got)}` : undefined, expected);
      if (got) {
        assert.deepEqual(Object.keys(got).sort(), ['host', 'owner', 'repo'], 'a result holds the host, the owner and the repository only');
      }
    });
  }

  it('keeps no credential anywhere in its result', () => {
    const got = parseRemoteUrl('https://x-access-token:ghp_SECRET123@github.com/o/r.git');
    assert.ok(got);
    assert.doesNotMatch(JSON.stringify(got), /SECRET|access-token/);
  });

  it('a non-string gives none', () => {
    assert.equal(parseRemoteUrl(undefined as unknown as string), undefined);
    assert.equal(parseRemoteUrl(42 as unknown as string), undefined);
  });

  it('a very long remote is refused quickly', () => {
    const started = Date.now();
    assert.equal(parseRemoteUrl(`git@${'a'.repeat(100_000)}:o/r`), undefined);
    assert.equal(parseRemoteUrl(`${'a@'.repeat(1000)}github.com:o/r`), undefined);
    assert.ok(Date.now() - started < 200, `took ${Date.now() - started} ms`);
  });

  it('sameRepository ignores the case of owner and repository, not the host', () => {
    const a = parseRemoteUrl('git@github.com:Octo-Org/App.git')!;
    assert.ok(sameRepository(a, parseRemoteUrl('https://github.com/octo-org/app')!));
    assert.ok(!sameRepository(a, parseRemoteUrl('https://ghe.example.com/octo-org/app')!));
  });
});

describe('github/remotes: apiBaseFor', () => {
  const cases: [string, string][] = [
    ['github.com', 'https://api.github.com'],
    ['GitHub.com', 'https://api.github.com'],
    ['www.github.com', 'https://api.github.com'],
    ['github.com.', 'https://api.github.com'],
    ['ghe.example.com', 'https://ghe.example.com/api/v3'],
    ['ghe.example.com:8443', 'https://ghe.example.com:8443/api/v3'],
    ['github.com:8443', 'https://github.com:8443/api/v3'],
    ['127.0.0.1:4567', 'http://127.0.0.1:4567/api/v3'],
    ['127.0.0.1', 'http://127.0.0.1/api/v3'],
    ['localhost:4567', 'http://localhost:4567/api/v3'],
    ['[::1]:4567', 'http://[::1]:4567/api/v3'],
    ['::1', 'http://[::1]/api/v3'],
    ['10.0.0.5:8080', 'https://10.0.0.5:8080/api/v3'],
    ['localhost.evil.com', 'https://localhost.evil.com/api/v3'],
    ['127.0.0.1.evil.com', 'https://127.0.0.1.evil.com/api/v3'],
  ];
  for (const [host, expected] of cases) {
    it(`${host} → ${expected}`, () => assert.equal(apiBaseFor(host), expected));
  }

  for (const bad of ['', ' ', 'https://github.com', 'github.com/o', 'user@github.com', 'ghe.example.com:0', 'ghe.example.com:99999', 'a b', 'ghe.example.com:x', '[::1', 'gh\u202ee.com']) {
    it(`${JSON.stringify(bad)} is not a host: TypeError`, () => assert.throws(() => apiBaseFor(bad), TypeError));
  }

  it('every host parseRemoteUrl gives has an API base', () => {
    for (const remote of ['git@github.com:o/r', 'https://ghe.example.com:8443/o/r', 'http://[::1]:9/o/r', 'git@[::1]:o/r']) {
      assert.doesNotThrow(() => apiBaseFor(parseRemoteUrl(remote)!.host), remote);
    }
  });

  it('isGitHubDotCom', () => {
    assert.ok(isGitHubDotCom('github.com') && isGitHubDotCom('WWW.github.com'));
    assert.ok(!isGitHubDotCom('ghe.example.com') && !isGitHubDotCom('github.com.evil.com'));
  });
});

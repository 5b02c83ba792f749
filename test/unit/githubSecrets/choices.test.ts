// src/githubSecrets/choices.ts and prefetch.ts: the save flow's decisions without VS Code.
import * as assert from 'node:assert/strict';
import {
  apiBaseForSession, enterpriseNames, failedMessage, nameItems, parseGitConfigRemotes, parseTypedRepository, repositoryChoices, repositoryLabel, savedMessage,
} from '../../../src/githubSecrets/choices';
import { Prefetch } from '../../../src/githubSecrets/prefetch';
import { GitHubApiError } from '../../../src/github/errors';

describe('githubSecrets/choices: the workspace\'s repositories from git remotes', () => {
  it('one item per repository (case ignored), origin\'s first, remote names collected, non-GitHub remotes left out', () => {
    const choices = repositoryChoices([
      { name: 'upstream', fetchUrl: 'git@github.com:turso/app.git', pushUrl: 'git@github.com:turso/app.git' },
      { name: 'local', fetchUrl: '/home/me/app' },
      { name: 'origin', fetchUrl: 'https://github.com/me/app.git', pushUrl: 'https://github.com/ME/App' },
      { name: 'mirror', fetchUrl: 'https://github.com/me/app' },
      { name: 'ghe', fetchUrl: 'http://127.0.0.1:4312/acme/app.git' },
    ]);
    assert.deepEqual(choices.map((c) => [repositoryLabel(c.repository), c.remotes.join(',')]), [
      ['me/app', 'origin,mirror'],
      ['turso/app', 'upstream'],
      ['127.0.0.1:4312/acme/app', 'ghe'],
    ]);
  });

  it('no remotes, or none naming a repository: an empty list', () => {
    assert.deepEqual(repositoryChoices([]), []);
    assert.deepEqual(repositoryChoices([{ name: 'origin', fetchUrl: 'file:///tmp/x' }, { name: 'o' }]), []);
  });

  it('git config --get-regexp output: remote names and URLs', () => {
    assert.deepEqual(parseGitConfigRemotes('remote.origin.url https://github.com/a/b.git\nremote.my.fork.url git@github.com:c/d\r\nbranch.main.remote origin\n\n'), [
      { name: 'origin', fetchUrl: 'https://github.com/a/b.git' },
      { name: 'my.fork', fetchUrl: 'git@github.com:c/d' },
    ]);
  });

  it('a typed repository: owner/repo on github.com, host/owner/repo elsewhere; anything else refused', () => {
    assert.deepEqual(parseTypedRepository(' acme/app '), { host: 'github.com', owner: 'acme', repo: 'app' });
    assert.deepEqual(parseTypedRepository('127.0.0.1:4312/acme/app'), { host: '127.0.0.1:4312', owner: 'acme', repo: 'app' });
    assert.deepEqual(parseTypedRepository('https://ghe.example.com/acme/app.git'), { host: 'ghe.example.com', owner: 'acme', repo: 'app' });
    for (const bad of ['', 'acme', 'acme/app/x/y', 'a b/c', '../x', 'acme/..']) {
      assert.equal(parseTypedRepository(bad), undefined, bad);
    }
  });
});

describe('githubSecrets/choices: a GitHub session\'s token goes to its own provider\'s API host only', () => {
  it('github: api.github.com, and only for github.com repositories', () => {
    assert.equal(apiBaseForSession('github', 'github.com', undefined), 'https://api.github.com');
    assert.throws(() => apiBaseForSession('github', 'evil.com', undefined), /github\.com only, not for evil\.com/);
    // https://github.com@evil.com/o/r parses as evil.com: never the github.com token there
    assert.throws(() => apiBaseForSession('github', 'evil.com', 'https://evil.com'));
    assert.throws(() => apiBaseForSession('github', 'ghe.example.com', 'https://ghe.example.com'));
  });

  it('github-enterprise: only the server github-enterprise.uri names (scheme, host and port), never github.com', () => {
    assert.equal(apiBaseForSession('github-enterprise', 'ghe.example.com', 'https://ghe.example.com/'), 'https://ghe.example.com/api/v3');
    assert.equal(apiBaseForSession('github-enterprise', '127.0.0.1:4312', 'http://127.0.0.1:4312'), 'http://127.0.0.1:4312/api/v3');
    for (const [host, setting] of [
      ['evil.com', 'https://ghe.example.com'],
      ['127.0.0.1:4313', 'http://127.0.0.1:4312'],
      ['ghe.example.com', 'http://ghe.example.com'],
      ['ghe.example.com', undefined],
      ['ghe.example.com', 'not a url'],
      ['github.com', 'https://github.com'],
    ] as [string, string | undefined][]) {
      assert.throws(() => apiBaseForSession('github-enterprise', host, setting), /GitHub Enterprise sign-in is for/, `${host} with ${setting}`);
      assert.equal(enterpriseNames(setting, host), false);
    }
  });
});

describe('githubSecrets/choices: the name picker', () => {
  it('the default first ("new secret"), then the existing names ("replaces its value")', () => {
    assert.deepEqual(nameItems('', 'TURSO_API_TOKEN', ['OTHER', 'DEPLOY_KEY']), [
      { label: 'TURSO_API_TOKEN', description: 'new secret' },
      { label: 'OTHER', description: 'replaces its value' },
      { label: 'DEPLOY_KEY', description: 'replaces its value' },
    ]);
    assert.deepEqual(nameItems('', 'TURSO_AUTH_TOKEN', ['TURSO_AUTH_TOKEN']), [{ label: 'TURSO_AUTH_TOKEN', description: 'replaces its value' }]);
  });

  it('a typed name comes first (in capitals, as GitHub keeps it); one already listed is not repeated', () => {
    assert.deepEqual(nameItems('my_token', 'TURSO_API_TOKEN', ['OTHER'])[0], { label: 'MY_TOKEN', description: 'new secret' });
    assert.deepEqual(nameItems('other', 'TURSO_API_TOKEN', ['OTHER']).map((i) => i.label), ['TURSO_API_TOKEN', 'OTHER']);
  });

  it('a name GitHub refuses carries the hint (the picker stays open on it)', () => {
    const [first] = nameItems('MY-TOKEN', 'TURSO_API_TOKEN', []);
    assert.equal(first.label, 'MY-TOKEN');
    assert.match(first.hint ?? '', /only letters, digits and _/);
    assert.match(nameItems('GITHUB_X', 'TURSO_API_TOKEN', [])[0].hint ?? '', /GITHUB_/);
  });
});

describe('githubSecrets/choices: what is said at the end', () => {
  const place = { host: 'github.com', owner: 'acme', repo: 'app', name: 'TURSO_API_TOKEN' };
  it('created, updated, an environment', () => {
    assert.equal(savedMessage('created', place), 'Saved as GitHub Actions secret TURSO_API_TOKEN of acme/app.');
    assert.equal(savedMessage('updated', place), 'Replaced GitHub Actions secret TURSO_API_TOKEN of acme/app.');
    assert.equal(savedMessage('created', { ...place, environment: 'production' }), 'Saved as GitHub Actions secret TURSO_API_TOKEN of acme/app, environment "production".');
  });
  it('a failure: what went wrong, what to do, and that the value is still in its panel', () => {
    const err = new GitHubApiError({ kind: 'forbidden', operation: 'saving secret X to acme/app', subject: 'acme/app', status: 403 });
    assert.match(failedMessage(err), /admin rights.*The value is still in its panel\.$/);
    assert.match(failedMessage(new Error('no sign-in')), /^Not saved to GitHub: no sign-in The value is still in its panel\.$/);
  });
});

describe('githubSecrets/prefetch: asked while the person chooses, each once', () => {
  const repo = { host: 'github.com', owner: 'acme', repo: 'app' };
  function fakeClient(fail?: string) {
    const asked: string[] = [];
    const answer = <T>(what: string, value: T): Promise<T> => {
      asked.push(what);
      return fail === what ? Promise.reject(new Error(`${what} failed`)) : Promise.resolve(value);
    };
    return {
      asked,
      repositoryPublicKey: () => answer('repo key', { keyId: '1', key: 'k' }),
      environmentPublicKey: (_r: unknown, env: string) => answer(`${env} key`, { keyId: '2', key: 'k' }),
      listSecretNames: (_r: unknown, env?: string) => answer(env ? `${env} names` : 'repo names', ['A']),
      listEnvironments: () => answer('environments', ['production']),
    };
  }

  it('the repository\'s key, names and environments at once; an environment\'s key and names when it is chosen, once', async () => {
    const client = fakeClient();
    const prefetch = new Prefetch(client, repo);
    assert.deepEqual(client.asked, ['repo key', 'repo names', 'environments']);
    assert.deepEqual(await prefetch.environments, ['production']);
    const env = prefetch.place('production');
    assert.equal(prefetch.place('production'), env);
    assert.equal(prefetch.place(undefined), prefetch.place(undefined));
    assert.deepEqual(await env.key, { keyId: '2', key: 'k' });
    assert.deepEqual(client.asked, ['repo key', 'repo names', 'environments', 'production key', 'production names']);
  });

  it('a failure nobody waits for raises no unhandled rejection; firstFailure rejects with it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prefetch = new Prefetch(fakeClient('repo key'), repo);
      await assert.rejects(Prefetch.firstFailure(prefetch.environments, prefetch.place(undefined).key), /repo key failed/);
      Prefetch.firstFailure(prefetch.place(undefined).key);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

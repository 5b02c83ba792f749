// The whole browser sign-in against the emulator, in process: the listener, the emulator's
// authorization page, its Authorize button (the form, submitted as a browser would), the redirect
// back to http://localhost:<port>, and the token, which then works against the API.
import * as assert from 'node:assert/strict';
import { LoopbackLoginError, startLoopbackLogin } from '../../../src/auth/loopbackLogin';
import { TursoClient } from '../../../src/platform/client';
import type { TursoEmulator } from '../../emulator/server';
import { call, formOf, submitForm, useEmulator } from '../emulator/http';

describe('auth: browser sign-in end to end against the emulator', () => {
  let emu: TursoEmulator;
  useEmulator((started) => (emu = started));

  /** What the browser does between `openExternal` and the listener: page, Authorize, redirect. */
  async function authorizeInBrowser(authorizeUrl: string): Promise<{ location: URL; landing: { status: number; text: string } }> {
    const url = new URL(authorizeUrl);
    const page = await call(emu.url, 'GET', `${url.pathname}${url.search}`);
    assert.equal(page.status, 200, 'the authorization page shows');
    assert.match(page.text, /Authorize/);
    const form = formOf(page.text);
    assert.ok(form, 'the page has the Authorize form');
    const answer = await submitForm(emu.url, form);
    assert.equal(answer.status, 302, 'Authorize redirects');
    const location = new URL(answer.headers.location as string);
    // Follow the redirect exactly as given: http://localhost:<port>/?jwt=…&state=…
    const landing = await call(`${location.protocol}//${location.host}`, 'GET', `${location.pathname}${location.search}`);
    return { location, landing };
  }

  it('signs in: the token comes back with the state, works, and the listener closes', async () => {
    const login = await startLoopbackLogin({ timeoutMs: 5000 });
    const authorizeUrl = login.authorizeUrl(emu.url);
    assert.equal(authorizeUrl, `${emu.url}/?port=${login.port}&redirect=true&state=${login.state}&type=cli`);

    const { location, landing } = await authorizeInBrowser(authorizeUrl);
    assert.equal(location.hostname, 'localhost');
    assert.equal(Number(location.port), login.port);
    assert.equal(location.searchParams.get('state'), login.state);
    assert.equal(landing.status, 200);
    assert.match(landing.text, /You can close this tab/);

    const token = await login.token;
    assert.equal(token, location.searchParams.get('jwt'));
    await login.closed;

    const client = new TursoClient({ baseUrl: emu.url, token, userAgent: 'browser-flow-test' });
    assert.equal((await client.getCurrentUser()).username, 'demo');
    const { expiresAt } = await client.validateToken();
    assert.ok(expiresAt !== undefined && expiresAt > Date.now() / 1000 + 6.9 * 24 * 3600, 'a 7-day login token');
    assert.ok(!emu.requests.some((r) => r.query.includes(token) || JSON.stringify(r.body ?? '').includes(token)),
      'the emulator never records the token');
  });

  it('a redirect for another sign-in (wrong state) is refused with 400 and the wait goes on', async () => {
    const login = await startLoopbackLogin({ timeoutMs: 5000 });
    const forged = `${emu.url}/?port=${login.port}&redirect=true&state=someone-else&type=cli`;
    const { landing } = await authorizeInBrowser(forged);
    assert.equal(landing.status, 400);
    // The real one still works afterwards.
    const { landing: real } = await authorizeInBrowser(login.authorizeUrl(emu.url));
    assert.equal(real.status, 200);
    assert.ok(await login.token);
    await login.closed;
  });

  it('nobody authorizes: it times out and the browser then finds nothing listening', async () => {
    const login = await startLoopbackLogin({ timeoutMs: 40 });
    const page = await call(emu.url, 'GET', new URL(login.authorizeUrl(emu.url)).search.replace(/^/, '/'));
    assert.equal(page.status, 200);
    await assert.rejects(login.token, (err: unknown) => err instanceof LoopbackLoginError && err.reason === 'timeout');
    await login.closed;
    const form = formOf(page.text);
    assert.ok(form);
    const location = new URL((await submitForm(emu.url, form)).headers.location as string);
    await assert.rejects(call(`http://127.0.0.1:${location.port}`, 'GET', `/${location.search}`), /ECONNREFUSED/);
  });
});

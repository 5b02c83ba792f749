// The client's waits between tries (backoff, Retry-After) on a fake clock (@sinonjs/fake-timers:
// setTimeout, clearTimeout and Date): each try is checked a millisecond before and at its moment,
// counted when the client starts it. The requests are real (the emulator in this process); only
// time is fake.
import * as assert from 'node:assert/strict';
import * as FakeTimers from '@sinonjs/fake-timers';
import fetch from 'node-fetch';
import { TursoClient, type RequestEvent, type TursoClientOptions } from '../../../src/platform/client';
import { TursoApiError } from '../../../src/platform/errors';
import { startEmulator, type TursoEmulator } from '../../emulator/server';

/** Native timers (the faked ones stand still): they bound the waits for real events. */
const real = FakeTimers.timers as unknown as { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };

async function bounded<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = real.setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))),
    ]);
  } finally {
    real.clearTimeout(timer);
  }
}

describe('TursoClient: time between tries (fake clock)', () => {
  let emu: TursoEmulator;
  let clock: FakeTimers.Clock;
  let events: RequestEvent[];
  let waiters: { attempt: number; resolve: () => void }[];
  /** Tries the client has started (counted as it calls fetch, before anything reaches the emulator). */
  let started: number;

  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => {
    emu.reset();
    events = [];
    waiters = [];
    started = 0;
    // Date at a whole second: an HTTP-date Retry-After (second resolution) is then exact.
    clock = FakeTimers.install({ now: Date.UTC(2026, 5, 1, 9, 30, 0), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  /** The default policy (3 tries, 400 ms then 800 ms), against the emulator; records each try. */
  function client(options: Partial<TursoClientOptions> = {}): TursoClient {
    return new TursoClient({
      baseUrl: emu.url, token: emu.demoToken, userAgent: 'test', ...options,
      fetchImpl: (url, init) => {
        started++;
        return fetch(url, init);
      },
      onRequest: (e) => {
        events.push(e);
        for (const w of waiters.filter((x) => x.attempt === e.attempt)) w.resolve();
      },
    });
  }

  /** Resolves once try `attempt` has ended; the client has then scheduled its next wait, if any. */
  function tried(attempt: number): Promise<void> {
    if (events.some((e) => e.attempt === attempt)) return Promise.resolve();
    return bounded(new Promise<void>((resolve) => waiters.push({ attempt, resolve })), `try ${attempt} of the request`);
  }


  it('backs off 400 ms, then 800 ms, then gives up (3 tries)', async () => {
    emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 503, error: 'busy' });
    const result = client().listApiTokens().then(() => undefined, (err: unknown) => err);
    await tried(1);
    await clock.tickAsync(399);
    assert.equal(started, 1, 'no second try a millisecond early');
    await clock.tickAsync(1);
    assert.equal(started, 2, 'the second try at 400 ms');
    await tried(2);
    await clock.tickAsync(799);
    assert.equal(started, 2, 'no third try a millisecond early');
    await clock.tickAsync(1);
    assert.equal(started, 3, 'the third try 800 ms later');
    await tried(3);
    const err = await bounded(result, 'the request to fail');
    assert.ok(err instanceof TursoApiError && err.kind === 'server', String(err));
    assert.equal(started, 3);
    assert.equal(emu.requests.length, 3, 'three reached the emulator');
    assert.equal(clock.countTimers(), 0, 'no fourth try pending');
  });

  it('honours Retry-After in seconds instead of the backoff', async () => {
    emu.injectFault({ path: '/v1/auth/api-tokens', kind: 'status', status: 429, error: 'slow down', headers: { 'Retry-After': '2' }, times: 1 });
    const result = client().listApiTokens();
    await tried(1);
    await clock.tickAsync(1999);
    assert.equal(started, 1, 'not a millisecond before Retry-After');
    await clock.tickAsync(1);
    assert.equal(started, 2, 'at Retry-After');
    assert.ok((await bounded(result, 'the retried request')).some((t) => t.name === 'ci-bot'), 'the list, on the second try');
    assert.deepEqual(events.map((e) => e.status ?? 'ok'), [429, 200]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    emu.injectFault({ path: '/v1/user', kind: 'status', status: 503, error: 'maintenance', headers: { 'Retry-After': at }, times: 1 });
    const result = client().getCurrentUser();
    await tried(1);
    await clock.tickAsync(2999);
    assert.equal(started, 1, `not before ${at}`);
    await clock.tickAsync(1);
    assert.equal(started, 2, `at ${at}`);
    assert.equal((await bounded(result, 'the retried request')).username, 'demo');
  });

  it('a cancel during the wait ends the request at once, with no further try', async () => {
    emu.injectFault({ path: '/v1/user', kind: 'status', status: 502, error: 'bad gateway' });
    const controller = new AbortController();
    const result = client().getCurrentUser({ signal: controller.signal }).then(() => undefined, (err: unknown) => err);
    await tried(1);
    controller.abort();
    const err = await bounded(result, 'the cancelled request');
    assert.ok(err instanceof TursoApiError && err.kind === 'cancelled', String(err));
    assert.equal(clock.countTimers(), 0, 'the wait is cleared');
    await clock.tickAsync(10_000);
    assert.equal(started, 1);
  });
});

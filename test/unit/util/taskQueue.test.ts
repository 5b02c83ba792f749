import * as assert from 'node:assert/strict';
import { TaskQueue } from '../../../src/util/taskQueue';

/** A task that finishes when told to, recording when it started. */
function gate(started: string[], name: string): { task: () => Promise<string>; finish: () => void; fail: (err: Error) => void } {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve(name);
    fail = reject;
  });
  return { task: () => { started.push(name); return done; }, finish, fail };
}

/** Lets every promise callback queued so far run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('TaskQueue', () => {
  it('runs at most `max` tasks at once, the rest in the order they were queued', async () => {
    const q = new TaskQueue(2);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd', 'e'].map((n) => gate(started, n));
    const results = gates.map((g) => q.run(g.task));
    await settle();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(q.active, 2);
    assert.equal(q.queued, 3);
    gates[1].finish();
    await settle();
    assert.deepEqual(started, ['a', 'b', 'c'], 'the next in line takes the freed place');
    assert.equal(q.active, 2);
    gates[0].finish();
    gates[2].finish();
    await settle();
    assert.deepEqual(started, ['a', 'b', 'c', 'd', 'e']);
    gates[3].finish();
    gates[4].finish();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(q.active, 0);
    assert.equal(q.queued, 0);
  });

  it('a task that fails gives its place to the next, and its caller gets the error', async () => {
    const q = new TaskQueue(1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const second = gate(started, 'second');
    const failed = q.run(first.task);
    const next = q.run(second.task);
    await settle();
    assert.deepEqual(started, ['first']);
    first.fail(new Error('no network'));
    await assert.rejects(failed, /no network/);
    await settle();
    assert.deepEqual(started, ['first', 'second']);
    second.finish();
    assert.equal(await next, 'second');
    assert.equal(q.active, 0);
  });

  it('a task that throws before returning a promise frees its place too', async () => {
    const q = new TaskQueue(1);
    await assert.rejects(q.run(() => { throw new Error('bad'); }), /bad/);
    assert.equal(q.active, 0);
    assert.equal(await q.run(() => Promise.resolve(7)), 7);
  });

  it('refuses a size that runs nothing', () => {
    assert.throws(() => new TaskQueue(0), RangeError);
    assert.throws(() => new TaskQueue(1.5), RangeError);
  });
});

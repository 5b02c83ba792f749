// The databases model (src/accounts/databasesModel.ts): nothing asked before it is wanted, one
// request per expand (concurrent asks share it), a refresh reloads the expanded ones only, a reset
// drops everything. A fake client counts the requests.
import * as assert from 'node:assert/strict';
import { DatabasesModel } from '../../../src/accounts/databasesModel';
import type { TursoClient } from '../../../src/platform/client';
import type { Database } from '../../../src/platform/databases';

function fakeClient(fail = false): { client: TursoClient; calls: string[] } {
  const calls: string[] = [];
  const client = {
    listDatabases: async (organization: string): Promise<Database[]> => {
      calls.push(organization);
      await new Promise((r) => setTimeout(r, 5));
      if (fail) {
        throw new Error('boom');
      }
      return [{ name: `${organization}-db`, id: 'x', hostname: 'h' }];
    },
  } as unknown as TursoClient;
  return { client, calls };
}

describe('accounts/databasesModel', () => {
  it('asks nothing until wanted; concurrent asks share one request', async () => {
    const { client, calls } = fakeClient();
    const model = new DatabasesModel({ client: () => client });
    assert.deepEqual(calls, []);
    const [a, b] = await Promise.all([model.databases('acme'), model.databases('acme')]);
    assert.deepEqual(calls, ['acme']);
    assert.equal(a, b);
    assert.equal(a.kind, 'loaded');
    assert.equal(model.settled('acme'), a);
    await model.databases('acme');
    assert.deepEqual(calls, ['acme'], 'the second expand reuses the load');
  });

  it('a refresh reloads the expanded organizations only, and forgets the collapsed', async () => {
    const { client, calls } = fakeClient();
    const model = new DatabasesModel({ client: () => client });
    await Promise.all([model.databases('acme'), model.databases('studio')]);
    model.collapse('studio');
    model.refresh();
    await Promise.all(model.running());
    assert.deepEqual(calls, ['acme', 'studio', 'acme']);
    assert.equal(model.settled('studio'), undefined);
    await model.databases('studio');
    assert.deepEqual(calls, ['acme', 'studio', 'acme', 'studio']);
  });

  it('a failure is a load that says so (and is logged); a reset drops everything', async () => {
    const { client } = fakeClient(true);
    const errors: string[] = [];
    const model = new DatabasesModel({ client: () => client, onError: (m) => errors.push(m) });
    const load = await model.databases('acme');
    assert.equal(load.kind, 'failed');
    assert.deepEqual(errors, ['Listing the databases of "acme" failed']);
    model.reset();
    assert.equal(model.settled('acme'), undefined);
    const none = new DatabasesModel({ client: () => undefined });
    assert.equal((await none.databases('acme')).kind, 'failed');
  });
});

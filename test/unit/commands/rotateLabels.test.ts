import * as assert from 'node:assert/strict';
import { fileLabels, ownerShown } from '../../../src/commands/rotate/labels';

describe('Rotate API Token: the labels of the files to check', () => {
  it('the shared folders are said once; a long rest keeps its first folder and the folders where the paths differ', () => {
    const paths = ['production-eu-west-1', 'staging-us-east-2'].flatMap((env) => ['payments-gateway-reconciliation', 'identity-federation-bridge']
      .map((svc) => `ws/monorepo/services/${svc}/deploy/environments/${env}/.env`));
    const { prefix, labels } = fileLabels(paths);
    assert.equal(prefix, 'ws/monorepo/services/');
    assert.deepEqual(labels, [
      'payments-gateway-reconciliation/…/production-eu-west-1/.env',
      'identity-federation-bridge/…/production-eu-west-1/.env',
      'payments-gateway-reconciliation/…/staging-us-east-2/.env',
      'identity-federation-bridge/…/staging-us-east-2/.env',
    ]);
    assert.ok(labels.every((l) => l.length <= 60), labels.join('\n'));
  });

  it('short paths are kept whole; one file keeps its whole path', () => {
    assert.deepEqual(fileLabels(['ws/a/.env', 'ws/b/.env']), { prefix: 'ws/', labels: ['a/.env', 'b/.env'] });
    assert.deepEqual(fileLabels(['ws/a/.env']), { prefix: '', labels: ['ws/a/.env'] });
  });

  it('labels that eliding would make alike are kept whole', () => {
    const long = 'x'.repeat(40);
    const paths = [`${long}/one/${long}/prod/.env`, `${long}/two/${long}/prod/.env`];
    const { labels } = fileLabels(['ws/p/.env', ...paths.map((p) => `other/${p}`)]);
    assert.equal(new Set(labels).size, 3);
    assert.ok(labels[1].includes('/one/') && labels[2].includes('/two/'), labels.join('\n'));
  });

  it('an organization token\'s owner: its name made inert, or who it is when Turso gave no username (never an empty "of")', () => {
    assert.equal(ownerShown('alice'), 'alice');
    assert.equal(ownerShown('$(alert) bob'), ownerShown('$(alert) bob').replace(/\$\(/g, ''));
    assert.equal(ownerShown(''), 'a member Turso did not name');
  });
});

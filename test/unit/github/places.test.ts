// src/github/places.ts: what went where, by token id, names only.
import * as assert from 'node:assert/strict';
import { cleanPlace, MAX_PLACES_PER_TOKEN, MAX_TOKENS, placeLabel, samePlace, SECRET_PLACES_KEY, SecretPlaces, type SecretPlace } from '../../../src/github/places';

class Memento {
  data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    // globalState keeps JSON: what comes back is a copy.
    this.data.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

const repoPlace: SecretPlace = { host: 'github.com', owner: 'acme', repo: 'app', name: 'TURSO_API_TOKEN' };
const envPlace: SecretPlace = { host: '127.0.0.1:4312', owner: 'acme', repo: 'app', environment: 'production', name: 'TURSO_API_TOKEN' };

describe('github/places', () => {
  it('labels: owner/repo · NAME, the environment in brackets, another host first', () => {
    assert.equal(placeLabel(repoPlace), 'acme/app · TURSO_API_TOKEN');
    assert.equal(placeLabel(envPlace), '127.0.0.1:4312/acme/app (production) · TURSO_API_TOKEN');
  });

  it('remembers by token id, once per place (case-insensitive as GitHub), and tells listeners', async () => {
    const memento = new Memento();
    const places = new SecretPlaces(memento);
    let changes = 0;
    places.onDidChange(() => changes++);
    await places.add('tok1', repoPlace);
    await places.add('tok1', { ...repoPlace, owner: 'ACME', name: 'turso_api_token' });
    await places.add('tok1', envPlace);
    assert.deepEqual(places.of('tok1').map(placeLabel), ['ACME/app · TURSO_API_TOKEN', '127.0.0.1:4312/acme/app (production) · TURSO_API_TOKEN']);
    assert.deepEqual(places.of('other'), []);
    assert.equal(changes, 3);
    assert.equal(new SecretPlaces(memento).of('tok1').length, 2, 'read back by a new window');
  });

  it('keeps names only: nothing but host, owner, repo, environment and name is stored', async () => {
    const memento = new Memento();
    await new SecretPlaces(memento).add('tok1', { ...repoPlace, value: 'eyJsecret', token: 'gho_x' } as unknown as SecretPlace);
    const stored = JSON.stringify(memento.get(SECRET_PLACES_KEY));
    assert.doesNotMatch(stored, /eyJsecret|gho_x/);
    assert.deepEqual(Object.keys((memento.get(SECRET_PLACES_KEY) as Record<string, object[]>).tok1[0]).sort(), ['host', 'name', 'owner', 'repo']);
  });

  it('move: after a rotation the places belong to the new id; places not moved stay with the old', async () => {
    const places = new SecretPlaces(new Memento());
    await places.add('old', repoPlace);
    await places.add('old', envPlace);
    await places.move('old', 'new', [repoPlace]);
    assert.deepEqual(places.of('old'), [envPlace]);
    assert.deepEqual(places.of('new'), [repoPlace]);
    await places.move('old', 'new', [envPlace]);
    assert.deepEqual(places.of('old'), []);
    assert.deepEqual(places.of('new'), [repoPlace, envPlace]);
    await places.forget('new');
    assert.deepEqual(places.of('new'), []);
  });

  it('drops what does not fit when read back (globalState can be written by anyone)', () => {
    const memento = new Memento();
    memento.data.set(SECRET_PLACES_KEY, {
      good: [repoPlace, { ...repoPlace, name: 'GITHUB_TOKEN' }, { ...repoPlace, owner: '../x' }, { ...repoPlace, host: 'a b' }, 7, null],
      bad: 'not a list',
      env: [{ ...envPlace, environment: 'a\u0007b' }],
    });
    const places = new SecretPlaces(memento);
    assert.deepEqual(places.of('good'), [repoPlace]);
    assert.deepEqual(places.of('bad'), []);
    assert.deepEqual(places.of('env'), []);
    memento.data.set(SECRET_PLACES_KEY, ['x']);
    assert.deepEqual(new SecretPlaces(memento).of('0'), []);
    assert.equal(cleanPlace({ ...repoPlace, repo: 'x'.repeat(300) }), undefined);
  });

  it('bounded: at most MAX_PLACES_PER_TOKEN a token, MAX_TOKENS tokens (the oldest go)', async () => {
    const memento = new Memento();
    const places = new SecretPlaces(memento);
    for (let i = 0; i < MAX_PLACES_PER_TOKEN + 3; i++) await places.add('t', { ...repoPlace, name: `N${i}` });
    assert.equal(places.of('t').length, MAX_PLACES_PER_TOKEN);
    assert.equal(places.of('t')[0].name, 'N3');
    const many: Record<string, SecretPlace[]> = {};
    for (let i = 0; i < MAX_TOKENS; i++) many[`id-${i}`] = [repoPlace];
    memento.data.set(SECRET_PLACES_KEY, many);
    await places.add('newest', repoPlace);
    assert.equal(Object.keys(memento.get(SECRET_PLACES_KEY) as object).length, MAX_TOKENS);
    assert.deepEqual(places.of('id-0'), []);
    assert.equal(places.of('newest').length, 1);
  });

  it('samePlace: an environment secret is not the repository secret of the same name', () => {
    assert.equal(samePlace(repoPlace, { ...repoPlace, environment: 'production' }), false);
    assert.equal(samePlace(repoPlace, { ...repoPlace, host: 'ghe.example.com' }), false);
  });

  it('a change VS Code\'s global state lost (an older echo replacing it) is read back and made again', async () => {
    // before: the move was lost for good when the echo of the accounts' cache came back after it
    class LosingMemento extends Memento {
      losses = 1;
      override update(key: string, value: unknown): Promise<void> {
        const before = this.data.get(key);
        void super.update(key, value);
        if (this.losses-- > 0) this.data.set(key, before);
        return Promise.resolve();
      }
    }
    const memento = new LosingMemento();
    const places = new SecretPlaces(memento);
    await places.add('tok1', repoPlace);
    assert.deepEqual(places.of('tok1'), [repoPlace]);
    memento.losses = 2;
    await places.move('tok1', 'tok2', [repoPlace]);
    assert.deepEqual(places.of('tok2'), [repoPlace]);
    assert.deepEqual(places.of('tok1'), []);
    memento.losses = 99;
    await assert.rejects(places.forget('tok2'), /did not keep the change after 3 tries/);
    memento.losses = 0;
    await places.forget('tok2');
    assert.deepEqual(places.of('tok2'), []);
  });

  it('changes are made one after another: two at once both stay', async () => {
    class SlowMemento extends Memento {
      override async update(key: string, value: unknown): Promise<void> {
        await new Promise((r) => setTimeout(r, 5));
        return super.update(key, value);
      }
    }
    const places = new SecretPlaces(new SlowMemento());
    await Promise.all([places.add('a', repoPlace), places.add('b', envPlace)]);
    assert.deepEqual([places.of('a'), places.of('b')], [[repoPlace], [envPlace]]);
  });

  it('checks what is stored once per stored value, not once per row asking (the tree asks for each of its rows)', async () => {
    // before: every of() walked and checked every stored place again (5,000 rows × every place)
    const memento = new Memento();
    const many: Record<string, SecretPlace[]> = {};
    for (let i = 0; i < 500; i++) many[`id-${i}`] = [repoPlace, envPlace];
    let walks = 0;
    memento.data.set(SECRET_PLACES_KEY, new Proxy(many, { ownKeys: (t) => { walks++; return Reflect.ownKeys(t); } }));
    const places = new SecretPlaces(memento);
    for (let i = 0; i < 5000; i++) places.of(`id-${i % 600}`);
    assert.equal(walks, 1, 'the stored value was walked once');
    assert.deepEqual(places.of('id-7'), [repoPlace, envPlace]);
    places.of('id-7').push(repoPlace);
    assert.equal(places.of('id-7').length, 2, 'a caller changing its copy changes nothing kept');
    await places.add('new', repoPlace);
    assert.deepEqual(places.of('new'), [repoPlace], 'a new stored value is checked again');
  });
});

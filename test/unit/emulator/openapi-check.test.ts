import * as assert from 'node:assert/strict';
import { checkSchema, loadSpec, resolvePointer, responseSchema, Schema } from './openapi-check';

describe('emulator: OpenAPI schema checker', () => {
  const spec = loadSpec();

  it('loads the fixture spec and resolves deep $ref pointers', () => {
    assert.equal(spec.openapi, '3.0.1');
    const idSchema = resolvePointer(spec, '#/components/schemas/APIToken/properties/id') as Schema;
    assert.equal(idSchema.type, 'string');
    assert.throws(() => resolvePointer(spec, '#/components/schemas/Nope'), /unresolvable/);
  });

  it('finds documented response schemas and nothing for undocumented statuses', () => {
    assert.ok(responseSchema(spec, '/v1/auth/api-tokens', 'GET', 200));
    assert.equal(responseSchema(spec, '/v1/auth/api-tokens', 'GET', 404), undefined);
    assert.ok(responseSchema(spec, '/v1/organizations/{organizationSlug}', 'get', 404));
  });

  it('accepts a conforming token list and rejects wrong shapes', () => {
    const schema = responseSchema(spec, '/v1/auth/api-tokens', 'get', 200)!;
    const good = { tokens: [{ name: 'a', id: 'clGFZ4STEe6fljpFzIum8A', created_at: '2026-01-01', scopes: ['read'] }] };
    assert.deepEqual(checkSchema(spec, schema, good), []);
    assert.match(checkSchema(spec, schema, { tokens: 'nope' }).join('\n'), /\$\.tokens: expected array, got string/);
    assert.match(checkSchema(spec, schema, { tokens: [{ name: 42 }] }).join('\n'), /\$\.tokens\[0\]\.name: expected string/);
    assert.match(checkSchema(spec, schema, { tokens: [{ scopes: [1] }] }).join('\n'), /scopes\[0\]: expected string/);
    assert.match(checkSchema(spec, schema, []).join('\n'), /expected object, got array/);
    assert.match(checkSchema(spec, schema, null).join('\n'), /null is not allowed/);
  });

  it('strict mode rejects undeclared properties; non-strict allows them', () => {
    const schema = responseSchema(spec, '/v1/user', 'get', 200)!;
    const body = { user: { username: 'x', last_used: 'never' } };
    assert.match(checkSchema(spec, schema, body).join('\n'), /"last_used" is not declared/);
    assert.deepEqual(checkSchema(spec, schema, body, { strict: false }), []);
  });

  it('treats a schema with only `properties` as an object (the create-token response)', () => {
    const schema = responseSchema(spec, '/v1/auth/api-tokens/{tokenName}', 'post', 200)!;
    assert.deepEqual(checkSchema(spec, schema, { name: 'n', id: 'i', token: 'a.b.c' }), []);
    assert.notDeepEqual(checkSchema(spec, schema, 'a.b.c'), []);
    assert.notDeepEqual(checkSchema(spec, schema, { token: { name: 'n', id: 'i', value: 'v' } }), []);
  });

  it('checks enum, integer, nullable, required, additionalProperties', () => {
    const doc = {};
    const s: Schema = {
      type: 'object',
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['personal', 'team'] },
        n: { type: 'integer' },
        parent: { type: 'object', nullable: true, properties: { id: { type: 'string' } } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        closed: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
      },
    };
    assert.deepEqual(checkSchema(doc, s, { kind: 'team', n: 3, parent: null, map: { a: 'b' }, closed: { a: 'x' } }), []);
    const errs = checkSchema(doc, s, { kind: 'solo', n: 1.5, parent: 'x', map: { a: 1 }, closed: { b: 'x' } }).join('\n');
    assert.match(errs, /"solo" is not one of/);
    assert.match(errs, /\$\.n: expected integer, got number/);
    assert.match(errs, /\$\.parent: expected object, got string/);
    assert.match(errs, /\$\.map\.a: expected string/);
    assert.match(errs, /property "b" is not allowed/);
    assert.match(checkSchema(doc, s, {}).join('\n'), /missing required property "kind"/);
  });

  it('checks allOf (the spec\'s Group) and oneOf (the spec\'s Extensions)', () => {
    const group = { $ref: '#/components/schemas/Group' };
    assert.deepEqual(checkSchema(spec, group, { name: 'default', uuid: 'u', locations: ['aws-us-east-1'], delete_protection: false }), []);
    assert.match(checkSchema(spec, group, { name: 1 }).join('\n'), /\$\.name: expected string/);
    assert.match(checkSchema(spec, group, { name: 'x', archived: true }).join('\n'), /"archived" is not declared/);
    const ext = { $ref: '#/components/schemas/Extensions' };
    assert.deepEqual(checkSchema(spec, ext, 'all'), []);
    assert.deepEqual(checkSchema(spec, ext, ['vector', 'uuid']), []);
    assert.match(checkSchema(spec, ext, 'some').join('\n'), /matches 0 of the oneOf/);
    assert.match(checkSchema(spec, ext, ['nope']).join('\n'), /matches 0 of the oneOf/);
  });
});

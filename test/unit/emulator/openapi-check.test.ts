import * as assert from 'node:assert/strict';
import { checkResponse, checkSchema, ERROR_SCHEMA, loadSpec, resolvePointer, responseSchema, Schema } from './openapi-check';

describe('emulator: OpenAPI response checker (Ajv over the spec)', () => {
  const spec = loadSpec();
  const errors = (list: string[]) => list.join('\n');

  it('loads the fixture spec; finds documented response schemas and nothing for undocumented statuses', () => {
    assert.equal(spec.openapi, '3.0.1');
    assert.equal((resolvePointer(spec, '#/components/schemas/APIToken/properties/id') as Schema).type, 'string');
    assert.throws(() => resolvePointer(spec, '#/components/schemas/Nope'), /unresolvable/);
    assert.ok(responseSchema(spec, '/v1/auth/api-tokens', 'GET', 200));
    assert.equal(responseSchema(spec, '/v1/auth/api-tokens', 'GET', 404), undefined);
    assert.ok(responseSchema(spec, '/v1/organizations/{organizationSlug}', 'get', 404), 'a response given by $ref');
  });

  it('compiles every response schema of the spec in strict mode, both readings', () => {
    let compiled = 0;
    for (const [p, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const status of Object.keys((op as { responses?: object }).responses ?? {})) {
          const schema = responseSchema(spec, p, method, Number(status));
          if (!schema) continue;
          checkSchema(spec, schema, {});
          checkSchema(spec, schema, {}, { strict: false });
          compiled++;
        }
      }
    }
    assert.ok(compiled >= 60, `${compiled} response schemas`);
  });

  it('accepts a conforming token list; rejects wrong types, with where and why', () => {
    const good = { tokens: [{ name: 'a', id: 'clGFZ4STEe6fljpFzIum8A', created_at: '2026-01-01', organization: 'acme', group: 'g', scopes: ['read'] }] };
    assert.deepEqual(checkResponse('GET', '/v1/auth/api-tokens', 200, good), []);
    assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, { tokens: 'nope' })), /^\$\.tokens: must be array/);
    assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, { tokens: [{ name: 42 }] })), /\$\.tokens\[0\]\.name: must be string/);
    assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, { tokens: [{ scopes: [1] }] })), /\$\.tokens\[0\]\.scopes\[0\]: must be string/);
    assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, [])), /^\$: must be object/);
    assert.match(errors(checkResponse('GET', '/v1/auth/validate', 200, { exp: '-1' })), /\$\.exp: must be integer/);
    assert.match(errors(checkResponse('GET', '/v1/auth/validate', 200, { exp: 1.5 })), /\$\.exp: must be integer/);
  });

  it('rejects a missing required property (the global error shape, and a spec schema with required)', () => {
    // POST /v1/auth/api-tokens/{tokenName} documents no 409: the global {"error": string} applies.
    assert.deepEqual(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 409, { error: 'exists' }), []);
    assert.match(errors(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 409, {})), /^\$: missing required property "error"/);
    assert.match(errors(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 409, { error: 409 })), /\$\.error: must be string/);
    const newGroup = { $ref: '#/components/schemas/NewGroup' };
    assert.deepEqual(checkSchema(spec, newGroup, { name: 'g', location: 'aws-us-east-1' }), []);
    assert.match(errors(checkSchema(spec, newGroup, { name: 'g' })), /missing required property "location"/);
    assert.match(errors(checkSchema(spec, newGroup, { name: 'g' }, { strict: false })), /missing required property "location"/);
  });

  it('null only where the spec says nullable (OpenAPI 3.0)', () => {
    const database = { $ref: '#/components/schemas/Database' };
    assert.deepEqual(checkSchema(spec, database, { Name: 'db', parent: null }), []);
    assert.match(errors(checkSchema(spec, database, { Name: null })), /\$\.Name: must be string/);
    const quotas = { $ref: '#/components/schemas/PlanQuotas' };
    assert.deepEqual(checkSchema(spec, quotas, { databases: null }), []);
    assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, null)), /must be object/);
  });

  describe('extra properties', () => {
    const user = { username: 'x', name: 'X', email: 'x@example.com', plan: 'developer', last_used: 'never' };

    it('as the spec dictates: allowed where additionalProperties is unsaid, checked where it is a schema', () => {
      assert.deepEqual(checkResponse('GET', '/v1/user', 200, { user }, { strict: false }), [], 'JSON Schema: unsaid means allowed');
      const locations = { locations: { 'aws-us-east-1': 'AWS US East (Virginia)' } };
      assert.deepEqual(checkResponse('GET', '/v1/locations', 200, locations, { strict: false }), []);
      assert.deepEqual(checkResponse('GET', '/v1/locations', 200, locations), [], 'a schema for additionalProperties admits any name');
      assert.match(errors(checkResponse('GET', '/v1/locations', 200, { locations: { 'aws-us-east-1': 1 } }, { strict: false })),
        /\$\.locations\.aws-us-east-1: must be string/);
    });

    it('declared only (the default): an undeclared property is an error, at any depth', () => {
      assert.match(errors(checkResponse('GET', '/v1/user', 200, { user })), /^\$\.user: property "last_used" is not declared in the spec/);
      assert.match(errors(checkResponse('GET', '/v1/user', 200, { user: { username: 'x' }, extra: true })), /^\$: property "extra" is not declared/);
      assert.match(errors(checkResponse('GET', '/v1/auth/api-tokens', 200, { tokens: [{ name: 'a', value: 'secret' }] })),
        /^\$\.tokens\[0\]: property "value" is not declared/);
      assert.match(errors(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 404, { error: 'x', code: 1 })), /property "code" is not declared/);
    });

    it('declared only: a schema with `properties` but no type describes an object (the create-token response)', () => {
      assert.deepEqual(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 200, { name: 'n', id: 'i', token: 'a.b.c' }), []);
      assert.deepEqual(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 200, 'a.b.c', { strict: false }), [], 'as written, a string passes');
      assert.match(errors(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 200, 'a.b.c')), /^\$: must be object/);
      assert.match(errors(checkResponse('POST', '/v1/auth/api-tokens/{tokenName}', 200, { token: { name: 'n', id: 'i', value: 'v' } })),
        /\$\.token: must be string/);
    });

    it('declared only: what allOf members declare counts (the spec\'s Group); oneOf alternatives (Extensions)', () => {
      const group = { $ref: '#/components/schemas/Group' };
      assert.deepEqual(checkSchema(spec, group, { name: 'default', uuid: 'u', locations: ['aws-us-east-1'], delete_protection: false }), []);
      assert.match(errors(checkSchema(spec, group, { name: 1 })), /\$\.name: must be string/);
      assert.match(errors(checkSchema(spec, group, { name: 'x', archived: true })), /property "archived" is not declared/);
      assert.deepEqual(checkSchema(spec, group, { name: 'x', archived: true }, { strict: false }), []);
      const ext = { $ref: '#/components/schemas/Extensions' };
      assert.deepEqual(checkSchema(spec, ext, 'all'), []);
      assert.deepEqual(checkSchema(spec, ext, ['vector', 'uuid']), []);
      assert.match(errors(checkSchema(spec, ext, 'some')), /must match exactly one schema in oneOf/);
      assert.match(errors(checkSchema(spec, ext, ['nope'])), /\$\[0\]: "nope" is not one of/);
    });
  });

  it('checks enum, integer, additionalProperties: false in schemas of its own', () => {
    const s: Schema = {
      type: 'object',
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: ['personal', 'team'] },
        n: { type: 'integer' },
        closed: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
        at: { type: 'string', format: 'date-time' },
      },
    };
    assert.deepEqual(checkSchema(spec, s, { kind: 'team', n: 3, closed: { a: 'x' }, at: '2026-01-01T10:00:00Z' }), []);
    const errs = errors(checkSchema(spec, s, { kind: 'solo', n: 1.5, closed: { b: 'x' }, at: 'yesterday' }));
    assert.match(errs, /\$\.kind: "solo" is not one of \["personal","team"\]/);
    assert.match(errs, /\$\.n: must be integer/);
    assert.match(errs, /\$\.closed: property "b" is not allowed/);
    assert.match(errs, /\$\.at: must match format "date-time"/);
    assert.match(errors(checkSchema(spec, ERROR_SCHEMA, {})), /missing required property "error"/);
  });

  it('refuses operations the spec does not have, and 2xx bodies it does not document', () => {
    assert.throws(() => checkResponse('GET', '/v1/nope', 200, {}), /not in the spec/);
    assert.throws(() => checkResponse('PUT', '/v1/user', 200, {}), /not in the spec/);
    assert.throws(() => checkResponse('GET', '/v1/user', 201, {}), /documents no JSON body/);
  });
});

// The emulator's answers against Turso's OpenAPI 3.0.1 spec, checked by Ajv (JSON Schema draft
// 2019-09, with `nullable` from OpenAPI 3.0 and formats from ajv-formats). `$ref`s into
// #/components resolve against the spec; OpenAPI's annotations (`example`, …) are known keywords, so
// Ajv's strict mode stays on for everything else (a typo in a schema keyword fails the compile).
//
// Two readings of the spec:
// - as written (`strict: false`): what JSON Schema says: objects admit properties they do not
//   declare unless `additionalProperties` says otherwise, and a schema with only `properties`
//   accepts any non-object.
// - declared only (`strict: true`, the default): every object schema that leaves
//   `additionalProperties` unsaid admits only the properties it declares (through allOf, oneOf and
//   anyOf too: `unevaluatedProperties: false`), and a schema that lists `properties` describes an
//   object. The spec marks almost nothing `required`, so this is what keeps the emulator from
//   inventing fields; the presence of fields is asserted by the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';

export type Schema = Record<string, unknown>;
export type OpenApiDoc = { paths: Record<string, Record<string, unknown>>; components?: Record<string, unknown> } & Record<string, unknown>;

export interface CheckOptions {
  /** Declared properties only (default true); false: the spec as written. */
  strict?: boolean;
}

/** The global error shape (turso-api.md §1), for statuses an operation does not document. */
export const ERROR_SCHEMA: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };

let fixture: OpenApiDoc | undefined;
/** The fixture, found from out/test/unit/emulator (compiled) or test/unit/emulator (sources). */
export function loadSpec(): OpenApiDoc {
  const file = path.resolve(__dirname, '../../../../test/fixtures/turso-platform-openapi.json');
  fixture ??= JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiDoc;
  return fixture;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves a local JSON pointer like `#/components/responses/NotFound` (for response objects; schemas' `$ref`s are Ajv's). */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, key)) throw new Error(`unresolvable $ref ${ref}`);
    cur = cur[key];
  }
  return cur;
}

/** The JSON schema of a documented response, or undefined when the spec documents none for that status. */
export function responseSchema(doc: OpenApiDoc, specPath: string, method: string, status: number): Schema | undefined {
  const op = doc.paths[specPath]?.[method.toLowerCase()];
  if (!isObject(op) || !isObject(op.responses)) return undefined;
  let resp: unknown = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (isObject(resp) && typeof resp.$ref === 'string') resp = resolvePointer(doc, resp.$ref);
  if (!isObject(resp) || !isObject(resp.content)) return undefined;
  const media = resp.content['application/json'];
  return isObject(media) && isObject(media.schema) ? media.schema : undefined;
}

// ---- declared only: the spec's schemas, closed ----------------------------------------------------

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SCHEMA_LISTS = ['oneOf', 'anyOf'];
const SCHEMA_ONE = ['items', 'not', 'additionalProperties', 'propertyNames', 'contains', 'if', 'then', 'else'];

/** Component names that appear (by `$ref`) as allOf members: the object combining them closes them. */
function allOfMembers(doc: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(doc)) doc.forEach((d) => allOfMembers(d, found));
  else if (isObject(doc)) {
    if (Array.isArray(doc.allOf)) {
      for (const m of doc.allOf) if (isObject(m) && typeof m.$ref === 'string') found.add(m.$ref);
    }
    Object.values(doc).forEach((v) => allOfMembers(v, found));
  }
  return found;
}

/**
 * A copy of `schema` in which each object schema leaving `additionalProperties` unsaid gets
 * `unevaluatedProperties: false` (it sees what allOf/oneOf/anyOf members evaluated), and a schema
 * with `properties` but no `type` gets `type: object`. allOf members stay open: the object that
 * combines them is closed. Only schema positions are walked (never `example` or `enum` values).
 */
function closed(schema: unknown, member = false): unknown {
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (SCHEMA_MAPS.includes(k) && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, closed(s)]));
    else if (SCHEMA_LISTS.includes(k) && Array.isArray(v)) out[k] = v.map((s) => closed(s));
    else if (k === 'allOf' && Array.isArray(v)) out[k] = v.map((s) => closed(s, true));
    else if (SCHEMA_ONE.includes(k)) out[k] = closed(v);
    else out[k] = v;
  }
  if (out.properties !== undefined && out.type === undefined) out.type = 'object';
  const objectSchema = out.type === 'object' || out.allOf !== undefined;
  if (objectSchema && !member && out.additionalProperties === undefined && out.unevaluatedProperties === undefined) {
    out.unevaluatedProperties = false;
  }
  return out;
}

function closedComponents(doc: { components?: unknown }): Record<string, unknown> {
  const members = allOfMembers(doc);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  return {
    ...components,
    schemas: Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, closed(s, members.has(`#/components/schemas/${name}`))])),
  };
}

// ---- Ajv -----------------------------------------------------------------------------------------

/** OpenAPI 3.0 words that may sit in a schema (annotations) or at the root beside `components`. */
const OPENAPI_KEYWORDS = ['example', 'externalDocs', 'xml', 'discriminator', 'components'];

interface Compiled {
  ajv: Ajv2019;
  components: Record<string, Record<string, unknown>>;
  validators: { strict: WeakMap<Schema, ValidateFunction>; loose: WeakMap<Schema, ValidateFunction> };
  next: number;
}
const perDoc = new WeakMap<object, Compiled>();

function compiledFor(doc: { components?: unknown }): Compiled {
  let c = perDoc.get(doc);
  if (!c) {
    // strictTypes off: OpenAPI schemas commonly list `properties` without `type: object`.
    const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(ajv);
    ajv.addVocabulary(OPENAPI_KEYWORDS);
    c = {
      ajv,
      components: { loose: isObject(doc.components) ? doc.components : {}, strict: closedComponents(doc) },
      validators: { strict: new WeakMap(), loose: new WeakMap() },
      next: 0,
    };
    perDoc.set(doc, c);
  }
  return c;
}

function validatorFor(doc: object, schema: Schema, strict: boolean): ValidateFunction {
  const c = compiledFor(doc);
  const cache = strict ? c.validators.strict : c.validators.loose;
  let validate = cache.get(schema);
  if (!validate) {
    // `#/components/...` resolves within the compiled document: carry the components along.
    const root: Schema = {
      ...(strict ? (closed(schema) as Schema) : schema),
      $id: `turso-openapi-${strict ? 'strict' : 'loose'}-${++c.next}.json`,
      components: strict ? c.components.strict : c.components.loose,
    };
    validate = c.ajv.compile(root);
    cache.set(schema, validate);
  }
  return validate;
}

function describeError(e: ErrorObject, value: unknown): string {
  const at = `$${e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('')}`;
  switch (e.keyword) {
    case 'unevaluatedProperties':
      return `${at}: property "${String(e.params.unevaluatedProperty)}" is not declared in the spec`;
    case 'additionalProperties':
      return `${at}: property "${String(e.params.additionalProperty)}" is not allowed`;
    case 'required':
      return `${at}: missing required property "${String(e.params.missingProperty)}"`;
    case 'enum':
      return `${at}: ${JSON.stringify(instanceAt(value, e.instancePath))} is not one of ${JSON.stringify(e.params.allowedValues)}`;
    default:
      return `${at}: ${e.message ?? e.keyword} (${e.schemaPath})`;
  }
}

function instanceAt(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const p of pointer.split('/').slice(1)) cur = (cur as Record<string, unknown> | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

/** Errors of `value` against `schema` (empty when it conforms). `$ref`s resolve against `doc`. */
export function checkSchema(doc: object, schema: Schema, value: unknown, opts: CheckOptions = {}): string[] {
  const validate = validatorFor(doc, schema, opts.strict ?? true);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => describeError(e, value));
}

/**
 * Errors of `body` as the answer to `method specPath` with `status`, against the response the
 * spec documents for it; for a status the operation does not document, against the global error
 * shape `{"error": string}`. Throws when the spec has no such operation, or documents no body for a
 * 2xx status.
 */
export function checkResponse(method: string, specPath: string, status: number, body: unknown, opts: CheckOptions = {}): string[] {
  const doc = loadSpec();
  if (!isObject(doc.paths[specPath]?.[method.toLowerCase()])) throw new Error(`${method} ${specPath} is not in the spec`);
  const schema = responseSchema(doc, specPath, method, status) ?? (status >= 200 && status < 300 ? undefined : ERROR_SCHEMA);
  if (!schema) throw new Error(`the spec documents no JSON body for ${method} ${specPath} ${status}`);
  return checkSchema(doc, schema, body, opts);
}

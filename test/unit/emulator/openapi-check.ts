// A small checker for the OpenAPI 3.0 schema subset the Turso spec uses: type, nullable, enum,
// required, properties, additionalProperties, items, $ref (any JSON pointer into the document),
// allOf, oneOf, anyOf. `format`, `example`, `description`, `deprecated` are ignored.
//
// Strict mode (on by default): an object may not carry properties its schema does not declare,
// unless `additionalProperties` allows them. The spec marks almost nothing `required`, so this is
// what keeps the emulator from inventing fields; presence of fields is asserted by the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Schema = Record<string, unknown>;
export type OpenApiDoc = { paths: Record<string, Record<string, unknown>>; components?: Record<string, unknown> } & Record<string, unknown>;

/** The fixture, found from out/test/unit/emulator (compiled) or test/unit/emulator (sources). */
export function loadSpec(): OpenApiDoc {
  const file = path.resolve(__dirname, '../../../../test/fixtures/turso-platform-openapi.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiDoc;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resolves a local JSON pointer like `#/components/schemas/APIToken/properties/name`. */
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

export interface CheckOptions {
  strict?: boolean;
}

class Checker {
  constructor(private readonly doc: unknown, private readonly strict: boolean) {}

  private deref(schema: Schema, seen = new Set<string>()): Schema {
    let s = schema;
    while (typeof s.$ref === 'string') {
      if (seen.has(s.$ref)) throw new Error(`circular $ref ${s.$ref}`);
      seen.add(s.$ref);
      const target = resolvePointer(this.doc, s.$ref);
      if (!isObject(target)) throw new Error(`$ref ${s.$ref} is not a schema`);
      s = target;
    }
    return s;
  }

  /** Property names a schema declares, through $ref and allOf; `open` when it admits any property. */
  private declared(schema: Schema): { names: Set<string>; open: boolean } {
    const s = this.deref(schema);
    const names = new Set<string>(isObject(s.properties) ? Object.keys(s.properties) : []);
    let open = s.additionalProperties === true || isObject(s.additionalProperties);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      for (const sub of list) {
        if (!isObject(sub)) continue;
        const d = this.declared(sub);
        d.names.forEach((n) => names.add(n));
        open = open || d.open;
      }
    }
    return { names, open };
  }

  check(schemaIn: Schema, value: unknown, at: string, errors: string[], inComposition = false): void {
    const s = this.deref(schemaIn);
    if (value === null) {
      if (s.nullable === true) return;
      // A null is only acceptable where the schema says nullable (OpenAPI 3.0).
      if (s.type !== undefined || s.properties !== undefined || s.items !== undefined || s.enum !== undefined) {
        errors.push(`${at}: null is not allowed (schema is not nullable)`);
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) {
      errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
    }
    const type = typeof s.type === 'string' ? s.type : s.properties !== undefined ? 'object' : s.items !== undefined ? 'array' : undefined;
    if (type && !this.hasType(value, type)) {
      errors.push(`${at}: expected ${type}, got ${this.describe(value)}`);
      return;
    }
    if (Array.isArray(s.allOf)) {
      for (const sub of s.allOf) if (isObject(sub)) this.check(sub, value, at, errors, true);
    }
    if (Array.isArray(s.oneOf)) {
      const passing = s.oneOf.filter((sub) => isObject(sub) && this.passes(sub, value, at)).length;
      if (passing !== 1) errors.push(`${at}: matches ${passing} of the oneOf alternatives, expected exactly 1`);
    }
    if (Array.isArray(s.anyOf)) {
      if (!s.anyOf.some((sub) => isObject(sub) && this.passes(sub, value, at))) errors.push(`${at}: matches none of the anyOf alternatives`);
    }
    if (Array.isArray(value) && isObject(s.items)) {
      value.forEach((item, i) => this.check(s.items as Schema, item, `${at}[${i}]`, errors));
    }
    if (isObject(value) && (type === 'object' || s.properties !== undefined || s.allOf !== undefined)) {
      const props = isObject(s.properties) ? s.properties : {};
      if (Array.isArray(s.required)) {
        for (const r of s.required) if (typeof r === 'string' && !(r in value)) errors.push(`${at}: missing required property "${r}"`);
      }
      for (const [k, v] of Object.entries(value)) {
        const ps = props[k];
        if (isObject(ps)) {
          this.check(ps, v, `${at}.${k}`, errors);
        } else if (isObject(s.additionalProperties)) {
          this.check(s.additionalProperties, v, `${at}.${k}`, errors);
        } else if (s.additionalProperties === false) {
          errors.push(`${at}: property "${k}" is not allowed`);
        }
      }
      if (this.strict && !inComposition && s.additionalProperties === undefined) {
        const { names, open } = this.declared(s);
        if (!open && (names.size > 0 || type === 'object')) {
          for (const k of Object.keys(value)) if (!names.has(k)) errors.push(`${at}: property "${k}" is not declared in the spec`);
        }
      }
    }
  }

  private passes(schema: Schema, value: unknown, at: string): boolean {
    const errs: string[] = [];
    this.check(schema, value, at, errs);
    return errs.length === 0;
  }

  private hasType(v: unknown, type: string): boolean {
    switch (type) {
      case 'object': return isObject(v);
      case 'array': return Array.isArray(v);
      case 'string': return typeof v === 'string';
      case 'integer': return typeof v === 'number' && Number.isInteger(v);
      case 'number': return typeof v === 'number' && Number.isFinite(v);
      case 'boolean': return typeof v === 'boolean';
      default: throw new Error(`unsupported schema type ${type}`);
    }
  }

  private describe(v: unknown): string {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'number' && !Number.isInteger(v)) return 'number';
    return typeof v === 'number' ? 'integer' : typeof v;
  }
}

/** Errors of `value` against `schema` (empty when it conforms). `$ref`s resolve against `doc`. */
export function checkSchema(doc: unknown, schema: Schema, value: unknown, opts: CheckOptions = {}): string[] {
  const errors: string[] = [];
  new Checker(doc, opts.strict ?? true).check(schema, value, '$', errors);
  return errors;
}

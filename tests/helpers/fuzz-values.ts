/**
 * fast-check arbitraries for request bodies: any JSON at all, and objects carrying a schema's own
 * property names whose values are sometimes well-formed (so a body gets past validation and into
 * the handler) and sometimes anything.
 */
import fc from "fast-check";
import { type JsonSchema, propertiesOf } from "./route-table.ts";

/** JSON values, shallow enough to stay under the body size and nesting limits. */
export const anyJson = (): fc.Arbitrary<unknown> => fc.jsonValue({ maxDepth: 3, depthSize: "small" });

/** The string of a format, or any string (near the declared bounds). */
function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case "uuid":
      return fc.uuid();
    case "email":
      return fc.emailAddress();
    case "date-time":
      return fc.oneof(
        fc
          .date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
          .map((date) => date.toISOString()),
        // Well-formed, yet out of PostgreSQL's range: there is no year 0, and this one ends in 10000.
        fc.constantFrom("0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00"),
      );
    default:
      return fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 20, unit: "binary" }),
        fc.string({ minLength: schema.maxLength ?? 200, maxLength: (schema.maxLength ?? 200) + 2 }),
      );
  }
}

/** A value that often fits `schema`: its enum, format and type. */
export function valueFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const choices = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (choices.length) return fc.oneof(...choices.map((choice) => valueFor(choice, depth)));
  const type = [schema.type].flat()[0];
  switch (type) {
    case "string":
      return stringFor(schema);
    case "integer":
      // Past a PostgreSQL integer and past a JavaScript one.
      return fc.oneof(
        fc.integer({ min: -5, max: 100 }),
        fc.integer(),
        fc.constantFrom(2 ** 31, -(2 ** 53) - 2),
      );
    case "number":
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(2 ** 31, 1e300, -0),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return depth > 2
        ? fc.constant([])
        : fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: 3 });
    case "object":
      if (depth > 2) return fc.constant({});
      // A record (free keys) gets keys of any text; an object, its own.
      return schema.properties
        ? bodyFor(schema, depth + 1)
        : fc.dictionary(fc.string({ maxLength: 10, unit: "binary" }), anyJson(), { maxKeys: 3 });
    default:
      return anyJson();
  }
}

/**
 * Objects over the schema's own keys: mostly every required key there and well-valued (so the
 * handler runs), else each key there or not, valued well or anything.
 */
export function bodyFor(schema: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(propertiesOf(schema));
  const wellFormed = Object.fromEntries(
    properties.map(([key, property]) => [key, valueFor(property, depth)]),
  );
  const loose = Object.fromEntries(
    properties.map(([key, property]) => [
      key,
      fc.oneof({ weight: 4, arbitrary: valueFor(property, depth) }, { weight: 1, arbitrary: anyJson() }),
    ]),
  );
  const required = (schema.required ?? []).filter((key) => key in wellFormed);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record(wellFormed, { requiredKeys: required }) },
    { weight: 2, arbitrary: fc.record(loose, { requiredKeys: [] }) },
  );
}

/** What a fuzzed route is sent: raw JSON of any shape, or an object shaped like its body. */
export function fuzzBody(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 1, arbitrary: anyJson() }, { weight: 4, arbitrary: bodyFor(schema) });
}

/** A Twilio form: the schema's fields (and a stray one) as strings, as Twilio posts them. */
export function formFor(schema: JsonSchema): fc.Arbitrary<Record<string, string>> {
  const keys = [...Object.keys(propertiesOf(schema)), "Extra"];
  const field = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc
      .constantFrom("CA", "SM", "+14155550100")
      .chain((prefix) =>
        fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => (prefix.startsWith("+") ? prefix : prefix + hex)),
      ),
  );
  // Keys left out are absent, never undefined.
  return fc.record(Object.fromEntries(keys.map((key) => [key, field])), { requiredKeys: [] }) as fc.Arbitrary<
    Record<string, string>
  >;
}

/** A query string over the schema's keys: values that fit each one, ids, or any text. */
export function queryFor(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const properties = Object.entries(propertiesOf(schema));
  const value = (property: JsonSchema) =>
    fc.oneof(valueFor(property).map(String), fc.uuid(), fc.string({ maxLength: 20 }));
  return fc
    .record(Object.fromEntries(properties.map(([key, property]) => [key, value(property)])), {
      requiredKeys: (schema?.required ?? []).filter((key) => properties.some(([name]) => name === key)),
    })
    .map((query) =>
      Object.keys(query).length ? `?${new URLSearchParams(query as Record<string, string>)}` : "",
    );
}

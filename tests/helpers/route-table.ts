/**
 * The app's route table as fastify built it (every route, hidden ones included), recorded through
 * `startTestApp({ onRoute })`, with each route's input schemas turned into JSON Schema.
 */
import type { RouteOptions } from "fastify";
import { z } from "zod";

/** The parts of a JSON Schema the fuzz reads. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface RouteEntry {
  method: string;
  url: string;
  /** `config.access` as the access check settled it (API docs routes are made public there). */
  access: string;
  hidden: boolean;
  /** Path parameter names, `*` for a wildcard. */
  params: string[];
  body?: JsonSchema;
  query?: JsonSchema;
}

function toJsonSchema(schema: unknown): JsonSchema | undefined {
  if (!schema) return undefined;
  if (!(schema instanceof z.ZodType)) return schema as JsonSchema;
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    // A schema JSON Schema cannot express (a transform): the route is still fuzzed with raw JSON.
    return {};
  }
}

export function paramsOf(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((match) => match[1] ?? "*");
}

/** Fills `url`'s parameters: `value(name)` gives each one's text, encoded here. */
export function fillPath(url: string, value: (name: string) => string): string {
  return url.replace(/:([A-Za-z0-9_]+)|\*/g, (_, name?: string) => encodeURIComponent(value(name ?? "*")));
}

/** Collects routes as they are added; read the table after the app started. */
export function routeRecorder() {
  const seen: RouteOptions[] = [];
  return {
    onRoute: (route: RouteOptions) => void seen.push(route),
    routes(): RouteEntry[] {
      const table = new Map<string, RouteEntry>();
      for (const route of seen) {
        const schema = (route.schema ?? {}) as { body?: unknown; querystring?: unknown; hide?: boolean };
        for (const method of [route.method].flat()) {
          table.set(`${method} ${route.url}`, {
            method,
            url: route.url,
            access: String((route.config as { access?: string } | undefined)?.access ?? "admin"),
            hidden: schema.hide === true,
            params: paramsOf(route.url),
            body: toJsonSchema(schema.body),
            query: toJsonSchema(schema.querystring),
          });
        }
      }
      return [...table.values()].sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
    },
  };
}

/** A schema's object properties, looking through unions and intersections. */
export function propertiesOf(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  if (!schema) return {};
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  return Object.assign({}, ...nested.map(propertiesOf), schema.properties ?? {});
}

/**
 * Rows as our SQL functions take and return them: JSON objects keyed by column name, timestamps as
 * ISO strings. These convert between that and drizzle's row objects (property names, `Date`s),
 * using the table's own column definitions, so a new column needs no change here.
 */
import { type Column, getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

interface ColumnMap {
  /** [property, column name, kind] */
  columns: [string, string, "date" | "number" | "plain"][];
  byName: Map<string, [string, "date" | "number" | "plain"]>;
}

const maps = new WeakMap<Table, ColumnMap>();

function kindOf(column: Column): "date" | "number" | "plain" {
  if (column.dataType === "date") return "date";
  // bigint/bigserial in number mode come back from JSON as numbers already, but numeric strings may not.
  if (column.dataType === "number") return "number";
  return "plain";
}

function mapOf(table: Table): ColumnMap {
  let map = maps.get(table);
  if (!map) {
    const columns = Object.entries(getTableColumns(table)).map(
      ([property, column]) =>
        [property, column.name, kindOf(column)] as [string, string, ColumnMap["columns"][0][2]],
    );
    map = { columns, byName: new Map(columns.map(([property, name, kind]) => [name, [property, kind]])) };
    maps.set(table, map);
  }
  return map;
}

/** A (partial) row object as JSON keyed by column name; properties left undefined are left out. */
export function rowToJson<T extends Table>(
  table: T,
  row: Partial<InferSelectModel<T>>,
): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  const values = row as Record<string, unknown>;
  for (const [property, name] of mapOf(table).columns) {
    const value = values[property];
    if (value === undefined) continue;
    json[name] = value instanceof Date ? value.toISOString() : value;
  }
  return json;
}

/** A row as a SQL function returned it (`to_jsonb(t.*)`), back as drizzle's row object. */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  const { byName } = mapOf(table);
  for (const [name, value] of Object.entries(json)) {
    const column = byName.get(name);
    if (!column) continue;
    const [property, kind] = column;
    if (value === null) row[property] = null;
    else if (kind === "date") row[property] = new Date(value as string);
    else if (kind === "number") row[property] = Number(value);
    else row[property] = value;
  }
  return row as InferSelectModel<T>;
}

/**
 * The inbox benchmark's plans (bench/inbox.ts): a page's query run under EXPLAIN ANALYZE, its plan
 * printed on one line, and whether it scans a whole big table.
 */
import type postgres from "postgres";
import { type CaseListFilter, caseListQuery } from "../cases/case-queries.ts";
import type { Database } from "../db/connect.ts";

const BIG_TABLES = new Set(["cases", "interactions", "contacts", "contact_identities"]);

interface PlanNode {
  "Node Type": string;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  "Scan Direction"?: string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

/** `Limit(Nested Loop(Index Scan Backward using x on cases, ...))`: the plan's shape on one line. */
function describePlan(node: PlanNode): string {
  const direction = node["Scan Direction"] === "Backward" ? " Backward" : "";
  const index = node["Index Name"] ? ` using ${node["Index Name"]}` : "";
  const relation = node["Relation Name"] ? ` on ${node["Relation Name"]}` : "";
  const children = node.Plans?.length ? `(${node.Plans.map(describePlan).join(", ")})` : "";
  return `${node["Node Type"]}${direction}${index}${relation}${children}`;
}

/** The big tables the plan reads whole (Seq Scan). */
function seqScans(node: PlanNode): string[] {
  const own =
    node["Node Type"] === "Seq Scan" && BIG_TABLES.has(node["Relation Name"] ?? "")
      ? [node["Relation Name"]!]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

/** Prints one page's plan (EXPLAIN ANALYZE) on a line; returns what it scans whole, if anything. */
export async function explainPage(
  database: Database,
  raw: postgres.Sql,
  label: string,
  filter: CaseListFilter,
): Promise<string | undefined> {
  const built = await caseListQuery(database.db, filter);
  const query = built.query.toSQL();
  const [row] = await raw.unsafe(
    `explain (analyze, buffers, format json) ${query.sql}`,
    query.params as never[],
  );
  const [plan] = (row as unknown as { "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] })[
    "QUERY PLAN"
  ];
  const scans = seqScans(plan.Plan);
  const how = built.strategies
    ? ` [${Object.entries(built.strategies)
        .map(([source, strategy]) => `${source}: ${strategy}`)
        .join(", ")}]`
    : "";
  const buffers = (plan.Plan["Shared Hit Blocks"] ?? 0) + (plan.Plan["Shared Read Blocks"] ?? 0);
  console.log(
    `  ${label}${how} (${plan["Execution Time"].toFixed(1)} ms, ${buffers} buffers): ${describePlan(plan.Plan)}`,
  );
  return scans.length ? `${label}: Seq Scan on ${scans.join(", ")}` : undefined;
}

/**
 * A dry-run: which open cases a rule would match now, and why — nothing is changed. It looks at the
 * most recently active open cases (at most `scanLimit`) and answers at most `limit` matches.
 */
import { desc, eq, inArray } from "drizzle-orm";
import { notFound } from "../cases/errors.ts";
import { cases, OPEN_CASE_STATES } from "../db/schema/cases.ts";
import { automationRules } from "../db/schema/integrations.ts";
import { loadCaseFacts } from "./case-facts.ts";
import { evaluateConditions } from "./conditions.ts";
import type { AutomationDeps } from "./ports.ts";
import { activeRule } from "./rule-cache.ts";
import { readAnchor } from "./time-anchors.ts";

export interface DryRunMatch {
  caseId: string;
  number: number;
  subject: string;
  state: string;
  why: string[];
  /** Time rules: when the rule's clock started on the case; null when it is not running. */
  anchorAt?: Date | null;
}

export interface DryRun {
  scanned: number;
  matched: DryRunMatch[];
  /** More open cases exist than were looked at. */
  truncated: boolean;
}

export async function dryRunRule(
  deps: AutomationDeps,
  ruleId: string,
  options: { limit?: number; scanLimit?: number } = {},
): Promise<DryRun> {
  const { db } = deps.routing;
  const limit = options.limit ?? 50;
  const scanLimit = options.scanLimit ?? 500;
  const [stored] = await db.select().from(automationRules).where(eq(automationRules.id, ruleId));
  if (!stored) throw notFound("Rule", ruleId);
  const rule = activeRule(stored);
  const open = await db
    .select({ id: cases.id })
    .from(cases)
    .where(inArray(cases.state, [...OPEN_CASE_STATES]))
    .orderBy(desc(cases.updatedAt), desc(cases.id))
    .limit(scanLimit + 1);
  const ids = open.slice(0, scanLimit).map((row) => row.id);
  const facts = await loadCaseFacts(deps.routing, ids);
  const matched: DryRunMatch[] = [];
  for (const id of ids) {
    const found = facts.get(id);
    if (!found) continue;
    const evaluation = evaluateConditions(rule.conditions, found.facts);
    if (!evaluation.matched) continue;
    const anchorAt = rule.timeAnchor ? await readAnchor(db, found.row, rule.timeAnchor) : undefined;
    // A time rule only ever fires on a case whose clock runs.
    if (anchorAt === null) continue;
    matched.push({
      caseId: id,
      number: found.row.number,
      subject: found.row.subject,
      state: found.row.state,
      why: evaluation.results.length ? evaluation.results.map((r) => r.why) : ["no conditions: every case"],
      ...(anchorAt !== undefined ? { anchorAt } : {}),
    });
    if (matched.length >= limit) break;
  }
  return { scanned: ids.length, matched, truncated: open.length > scanLimit };
}

/**
 * Macros: named bundles of actions an agent applies to a case in one click. A personal macro
 * belongs to the agent who made it; a shared one (no owner) is seen by everyone and kept by
 * supervisors and admins. Applying one runs its actions through the same executor rules use, as the
 * agent, all or nothing.
 */
import { and, asc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { AppError, notFound } from "../cases/errors.ts";
import type { Db } from "../db/connect.ts";
import type { AgentRole } from "../db/schema/agents.ts";
import { macros } from "../db/schema/integrations.ts";
import { type ActionOutcome, executeActions } from "./executor.ts";
import type { AutomationDeps } from "./ports.ts";
import { type AutomationAction, storedActions } from "./rule-schema.ts";
import { assertActionTargets } from "./rule-store.ts";

export type MacroRow = typeof macros.$inferSelect;

export interface MacroViewer {
  id: string;
  role: AgentRole;
}

export interface MacroInput {
  name: string;
  actions: AutomationAction[];
  shared?: boolean;
}

const keepsShared = (viewer: MacroViewer) => viewer.role !== "agent";

/** A macro as one person sees it: its actions parsed, shared or not, and whether they may change it. */
export function macroOf(row: MacroRow, viewer: MacroViewer) {
  const shared = row.ownerAgentId === null;
  return {
    id: row.id,
    name: row.name,
    actions: storedActions(row.actions),
    shared,
    ownerAgentId: row.ownerAgentId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    canChange: shared ? keepsShared(viewer) : row.ownerAgentId === viewer.id,
  };
}

const visibleTo = (viewer: MacroViewer): SQL =>
  or(eq(macros.ownerAgentId, viewer.id), isNull(macros.ownerAgentId))!;

export async function listMacros(db: Db, viewer: MacroViewer): Promise<MacroRow[]> {
  return db
    .select()
    .from(macros)
    .where(visibleTo(viewer))
    .orderBy(sql`${macros.ownerAgentId} is null`, asc(sql`lower(${macros.name})`), asc(macros.id))
    .limit(500);
}

const sharedForbidden = () =>
  new AppError("FORBIDDEN", "Shared macros are kept by supervisors and admins; save it as a personal macro.");

export async function createMacro(
  db: Db,
  viewer: MacroViewer,
  input: MacroInput,
  at: Date,
): Promise<MacroRow> {
  if (input.shared && !keepsShared(viewer)) throw sharedForbidden();
  await assertActionTargets(db, input.actions);
  const [row] = await db
    .insert(macros)
    .values({
      name: input.name,
      actions: input.actions,
      ownerAgentId: input.shared ? null : viewer.id,
      createdBy: viewer.id,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return row!;
}

/** A macro the viewer may change; 404 for one they cannot see, 403 for a shared one they cannot keep. */
async function changeable(db: Db, viewer: MacroViewer, id: string): Promise<MacroRow> {
  const [row] = await db
    .select()
    .from(macros)
    .where(and(eq(macros.id, id), visibleTo(viewer)));
  if (!row) throw notFound("Macro", id);
  if (row.ownerAgentId === null && !keepsShared(viewer)) throw sharedForbidden();
  return row;
}

export async function updateMacro(
  db: Db,
  viewer: MacroViewer,
  id: string,
  patch: Partial<MacroInput>,
  at: Date,
): Promise<MacroRow> {
  await changeable(db, viewer, id);
  if (patch.shared && !keepsShared(viewer)) throw sharedForbidden();
  if (patch.actions) await assertActionTargets(db, patch.actions);
  const [row] = await db
    .update(macros)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.actions !== undefined ? { actions: patch.actions } : {}),
      ...(patch.shared !== undefined ? { ownerAgentId: patch.shared ? null : viewer.id } : {}),
      updatedAt: at,
    })
    .where(eq(macros.id, id))
    .returning();
  return row!;
}

export async function deleteMacro(db: Db, viewer: MacroViewer, id: string): Promise<void> {
  await changeable(db, viewer, id);
  await db.delete(macros).where(eq(macros.id, id));
}

/** Applies a macro the agent can see to a case they work: every action, or none with the reason. */
export async function applyMacro(
  deps: AutomationDeps,
  input: { macroId: string; caseId: string; agent: MacroViewer },
): Promise<ActionOutcome[]> {
  const [row] = await deps.routing.db
    .select()
    .from(macros)
    .where(and(eq(macros.id, input.macroId), visibleTo(input.agent)));
  if (!row) throw notFound("Macro", input.macroId);
  const outcomes = await executeActions(deps, {
    caseId: input.caseId,
    actions: storedActions(row.actions),
    source: { kind: "macro", macroId: row.id, macroName: row.name, agentId: input.agent.id },
    depth: 0,
  });
  return outcomes ?? [];
}

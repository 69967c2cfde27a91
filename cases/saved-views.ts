/**
 * Saved inbox views: a name and the inbox's URL query string. A personal view belongs to the agent
 * who saved it and nobody else sees it; a shared view (no owner) is seen by everyone and kept by
 * supervisors and admins. The query is checked by the caller against the list route's filters.
 */
import { and, asc, eq, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/connect.ts";
import type { AgentRole } from "../db/schema/agents.ts";
import { savedViews } from "../db/schema/cases.ts";
import { AppError, notFound } from "./errors.ts";

export type SavedViewRow = typeof savedViews.$inferSelect;

export interface ViewViewer {
  id: string;
  role: AgentRole;
}

export interface SavedViewInput {
  name: string;
  /** Already checked: the inbox's filters as a URL query string, without `?`. */
  query: string;
  shared?: boolean;
}

const keepsShared = (viewer: ViewViewer) => viewer.role !== "agent";

/** A view as the API shows it to one person: whether it is shared, and whether they may change it. */
export function viewOf(row: SavedViewRow, viewer: ViewViewer) {
  const shared = row.ownerAgentId === null;
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    shared,
    ownerAgentId: row.ownerAgentId,
    createdById: row.createdById,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    canChange: shared ? keepsShared(viewer) : row.ownerAgentId === viewer.id,
  };
}

/** The views one person sees: theirs and the shared ones. */
const visibleTo = (viewer: ViewViewer): SQL =>
  or(eq(savedViews.ownerAgentId, viewer.id), isNull(savedViews.ownerAgentId))!;

/** Their own views first, then the shared ones, each by name. */
export async function listSavedViews(db: Db, viewer: ViewViewer): Promise<SavedViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(visibleTo(viewer))
    .orderBy(sql`${savedViews.ownerAgentId} is null`, asc(sql`lower(${savedViews.name})`), asc(savedViews.id))
    .limit(500);
}

const sharedForbidden = () =>
  new AppError(
    "FORBIDDEN",
    "Shared views are kept by supervisors and admins; save it as a personal view, or ask a supervisor to share it.",
  );

/** Refuses a second view of the same name in the same list (the person's own, or the shared one). */
async function assertNameFree(db: Db, name: string, ownerAgentId: string | null, exceptId?: string) {
  const [taken] = await db
    .select({ id: savedViews.id })
    .from(savedViews)
    .where(
      and(
        ownerAgentId ? eq(savedViews.ownerAgentId, ownerAgentId) : isNull(savedViews.ownerAgentId),
        sql`lower(${savedViews.name}) = lower(${name})`,
        exceptId ? ne(savedViews.id, exceptId) : undefined,
      ),
    );
  if (taken)
    throw new AppError(
      "CONFLICT",
      `${ownerAgentId ? "You already have" : "There is already"} a ${ownerAgentId ? "" : "shared "}view named '${name}'; pick another name or change that view.`,
      { name: "taken" },
    );
}

export async function createSavedView(
  db: Db,
  viewer: ViewViewer,
  input: SavedViewInput,
  at: Date,
): Promise<SavedViewRow> {
  if (input.shared && !keepsShared(viewer)) throw sharedForbidden();
  const ownerAgentId = input.shared ? null : viewer.id;
  await assertNameFree(db, input.name, ownerAgentId);
  const [row] = await db
    .insert(savedViews)
    .values({
      ownerAgentId,
      name: input.name,
      query: input.query,
      createdById: viewer.id,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return row!;
}

/** A view the person sees and may change; 404 for one they do not see, 403 for a shared one they may not keep. */
async function changeableView(db: Db, viewer: ViewViewer, id: string): Promise<SavedViewRow> {
  const [row] = await db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.id, id), visibleTo(viewer)));
  if (!row) throw notFound("View", id);
  if (row.ownerAgentId === null && !keepsShared(viewer)) throw sharedForbidden();
  return row;
}

/**
 * Renames a view, changes its filters, or shares it (supervisors and admins). Unsharing a shared
 * view makes it the personal view of whoever unshared it.
 */
export async function updateSavedView(
  db: Db,
  viewer: ViewViewer,
  id: string,
  input: Partial<SavedViewInput>,
  at: Date,
): Promise<SavedViewRow> {
  const row = await changeableView(db, viewer, id);
  const shared = input.shared ?? row.ownerAgentId === null;
  if (shared && !keepsShared(viewer)) throw sharedForbidden();
  const ownerAgentId = shared ? null : (row.ownerAgentId ?? viewer.id);
  const name = input.name ?? row.name;
  await assertNameFree(db, name, ownerAgentId, id);
  const [updated] = await db
    .update(savedViews)
    .set({ name, query: input.query ?? row.query, ownerAgentId, updatedAt: at })
    .where(eq(savedViews.id, id))
    .returning();
  if (!updated) throw notFound("View", id);
  return updated;
}

export async function deleteSavedView(db: Db, viewer: ViewViewer, id: string): Promise<void> {
  await changeableView(db, viewer, id);
  await db.delete(savedViews).where(eq(savedViews.id, id));
}

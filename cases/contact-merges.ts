/**
 * Merging a duplicate contact into another, and undoing it. Each merge records what it changed
 * (identities and cases moved, addresses folded, contacts re-pointed, the survivor's name and
 * attributes before) so an undo puts exactly those things back.
 */
import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor, Tx } from "../db/connect.ts";
import { agents } from "../db/schema/agents.ts";
import { cases } from "../db/schema/cases.ts";
import {
  contactIdentities,
  contactMerges,
  contacts,
  type MergeMoves,
  type StoredIdentity,
} from "../db/schema/contacts.ts";
import { type Actor, writeAudit } from "./case-workflow.ts";
import { type ContactRow, type MergePreview, previewMerge } from "./contacts.ts";
import { AppError, notFound } from "./errors.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

/** Locks contact rows in a fixed order, so two opposite merges (or a merge and an undo) cannot deadlock. */
async function lockContacts(tx: Tx, ids: string[]): Promise<void> {
  await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(inArray(contacts.id, ids))
    .orderBy(asc(contacts.id))
    .for("update");
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * An address both contacts hold stays once, on the survivor, verified if either copy was: a claim
 * on one and the proven address on the other become the proven address. Returns what it deleted
 * and changed, for an undo.
 */
async function foldSharedAddresses(tx: Tx, survivorId: string, mergedId: string) {
  const held = alias(contactIdentities, "held");
  const pairs = await tx
    .select({ identity: contactIdentities, survivorIdentityId: held.id, survivorVerifiedAt: held.verifiedAt })
    .from(contactIdentities)
    .innerJoin(
      held,
      and(
        eq(held.contactId, survivorId),
        eq(held.kind, contactIdentities.kind),
        eq(held.address, contactIdentities.address),
      ),
    )
    .where(eq(contactIdentities.contactId, mergedId));
  if (pairs.length === 0) return [];
  // The merged contact's copies go first: the survivor's copy may only turn verified once no other
  // contact holds the address verified.
  await tx.delete(contactIdentities).where(
    inArray(
      contactIdentities.id,
      pairs.map((pair) => pair.identity.id),
    ),
  );
  for (const pair of pairs)
    if (pair.survivorVerifiedAt === null && pair.identity.verifiedAt !== null)
      await tx
        .update(contactIdentities)
        .set({ verifiedAt: pair.identity.verifiedAt })
        .where(eq(contactIdentities.id, pair.survivorIdentityId));
  return pairs.map(({ identity, survivorIdentityId, survivorVerifiedAt }) => ({
    identity: {
      id: identity.id,
      kind: identity.kind,
      address: identity.address,
      verifiedAt: iso(identity.verifiedAt),
      optedOutAt: iso(identity.optedOutAt),
      optOutMethod: identity.optOutMethod,
      createdAt: identity.createdAt.toISOString(),
    } satisfies StoredIdentity,
    survivorIdentityId,
    survivorVerifiedAt: iso(survivorVerifiedAt),
  }));
}

/** Moves the merged contact's identities, cases and earlier merges to the survivor; returns what moved. */
async function moveToSurvivor(tx: Tx, survivor: ContactRow, merged: ContactRow, at: Date) {
  const folded = await foldSharedAddresses(tx, survivor.id, merged.id);
  const identities = await tx
    .update(contactIdentities)
    .set({ contactId: survivor.id })
    .where(eq(contactIdentities.contactId, merged.id))
    .returning({ id: contactIdentities.id });
  const movedCases = await tx
    .update(cases)
    .set({ contactId: survivor.id, updatedAt: at })
    .where(eq(cases.contactId, merged.id))
    .returning({ id: cases.id, state: cases.state, assigneeId: cases.assigneeId });
  // Anything merged into the loser earlier now points straight at the survivor.
  const repointed = await tx
    .update(contacts)
    .set({ mergedIntoId: survivor.id })
    .where(eq(contacts.mergedIntoId, merged.id))
    .returning({ id: contacts.id });
  const moves: MergeMoves = {
    identityIds: identities.map((row) => row.id),
    caseIds: movedCases.map((row) => row.id),
    folded,
    repointedContactIds: repointed.map((row) => row.id),
    survivorBefore: { name: survivor.name, attributes: survivor.attributes },
  };
  return { moves, movedCases };
}

/**
 * Merges `mergedId` into `survivorId`: identities and cases move to the survivor, the merged contact
 * keeps a pointer to it, each moved case gets an audit row, and the merge is recorded for an undo.
 */
export async function mergeContacts(
  tx: Tx,
  uow: UnitOfWork,
  input: { survivorId: string; mergedId: string; actor: Actor; at: Date },
): Promise<MergePreview & { mergeId: string }> {
  await lockContacts(tx, [input.survivorId, input.mergedId]);
  const preview = await previewMerge(tx, input.survivorId, input.mergedId);
  const { survivor, merged } = preview;
  const { moves, movedCases } = await moveToSurvivor(tx, survivor, merged, input.at);
  await tx
    .update(contacts)
    .set({ mergedIntoId: survivor.id, updatedAt: input.at })
    .where(eq(contacts.id, merged.id));
  await tx
    .update(contacts)
    .set({
      name: survivor.name ?? merged.name,
      attributes: sql`${JSON.stringify(merged.attributes)}::jsonb || ${contacts.attributes}`,
      updatedAt: input.at,
    })
    .where(eq(contacts.id, survivor.id));
  const [record] = await tx
    .insert(contactMerges)
    .values({
      survivorId: survivor.id,
      mergedId: merged.id,
      moved: moves,
      mergedById: input.actor.type === "agent" ? input.actor.id : null,
      mergedAt: input.at,
    })
    .returning({ id: contactMerges.id });
  for (const row of movedCases) {
    await writeAudit(tx, {
      caseId: row.id,
      type: "contact_merged",
      actor: input.actor,
      details: { fromContactId: merged.id, toContactId: survivor.id, mergeId: record!.id },
      at: input.at,
    });
    uow.emit({ type: "case.updated", caseId: row.id, state: row.state, assigneeId: row.assigneeId });
  }
  uow.emit({ type: "contact.merged", survivorId: survivor.id, mergedId: merged.id, mergeId: record!.id });
  return { ...preview, mergeId: record!.id };
}

/** The merge to undo, locked, with both contacts locked; refuses one that cannot be undone. */
async function loadUndoable(tx: Tx, mergeId: string) {
  const [record] = await tx.select().from(contactMerges).where(eq(contactMerges.id, mergeId)).for("update");
  if (!record) throw notFound("Contact merge", mergeId);
  if (record.undoneAt)
    throw new AppError("CONFLICT", `This merge was already undone (${record.undoneAt.toISOString()}).`);
  await lockContacts(tx, [record.survivorId, record.mergedId]);
  const rows = await tx
    .select()
    .from(contacts)
    .where(inArray(contacts.id, [record.survivorId, record.mergedId]));
  const survivor = rows.find((row) => row.id === record.survivorId)!;
  const merged = rows.find((row) => row.id === record.mergedId)!;
  if (survivor.mergedIntoId)
    throw new AppError(
      "CONFLICT",
      `The contact this one was merged into (${survivor.name ?? survivor.id}) has itself been merged into another contact since; undo that merge first.`,
      { survivorMergedIntoId: survivor.mergedIntoId },
    );
  if (merged.mergedIntoId !== survivor.id)
    throw new AppError(
      "CONFLICT",
      `The merged contact no longer points at ${survivor.name ?? survivor.id}; it cannot be split off again.`,
    );
  return { record, survivor, merged };
}

/** Gives the merged contact back the addresses it shared with the survivor, as they were. */
async function unfoldSharedAddresses(tx: Tx, survivorId: string, mergedId: string, moves: MergeMoves) {
  for (const fold of moves.folded ?? []) {
    // The survivor's copy turned verified through the merged one: it goes back to a claim first,
    // as only one contact may hold a verified address.
    if (fold.survivorVerifiedAt === null)
      await tx
        .update(contactIdentities)
        .set({ verifiedAt: null })
        .where(
          and(eq(contactIdentities.id, fold.survivorIdentityId), eq(contactIdentities.contactId, survivorId)),
        );
    const { identity } = fold;
    await tx
      .insert(contactIdentities)
      .values({
        id: identity.id,
        contactId: mergedId,
        kind: identity.kind,
        address: identity.address,
        verifiedAt: identity.verifiedAt ? new Date(identity.verifiedAt) : null,
        optedOutAt: identity.optedOutAt ? new Date(identity.optedOutAt) : null,
        optOutMethod: identity.optOutMethod,
        createdAt: new Date(identity.createdAt),
      })
      .onConflictDoNothing();
  }
}

/** The survivor's name and attributes as before the merge, where they still are what the merge made them. */
function survivorRestored(survivor: ContactRow, merged: ContactRow, moves: MergeMoves) {
  const before = moves.survivorBefore;
  if (!before) return {};
  const attributes = { ...survivor.attributes };
  for (const [key, value] of Object.entries(merged.attributes)) {
    if (key in before.attributes) continue;
    if (JSON.stringify(attributes[key]) === JSON.stringify(value)) delete attributes[key];
  }
  const name = before.name === null && survivor.name === merged.name ? null : survivor.name;
  return { name, attributes };
}

export interface MergeUndone {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  identitiesMovedBack: number;
  casesMovedBack: number;
}

/**
 * Undoes a merge: the identities and cases it moved go back to the merged contact (those still on
 * the survivor), the merged contact stands on its own again, and each case gets an audit row.
 * Refused when already undone, or when the survivor has since been merged into another contact.
 */
export async function undoMerge(
  tx: Tx,
  uow: UnitOfWork,
  input: { mergeId: string; actor: Actor; at: Date },
): Promise<MergeUndone> {
  const { record, survivor, merged } = await loadUndoable(tx, input.mergeId);
  const moves = record.moved;
  await unfoldSharedAddresses(tx, survivor.id, merged.id, moves);
  const identities = moves.identityIds.length
    ? await tx
        .update(contactIdentities)
        .set({ contactId: merged.id })
        .where(
          and(inArray(contactIdentities.id, moves.identityIds), eq(contactIdentities.contactId, survivor.id)),
        )
        .returning({ id: contactIdentities.id })
    : [];
  const movedBack = moves.caseIds.length
    ? await tx
        .update(cases)
        .set({ contactId: merged.id, updatedAt: input.at })
        .where(and(inArray(cases.id, moves.caseIds), eq(cases.contactId, survivor.id)))
        .returning({ id: cases.id, state: cases.state, assigneeId: cases.assigneeId })
    : [];
  if (moves.repointedContactIds?.length)
    await tx
      .update(contacts)
      .set({ mergedIntoId: merged.id })
      .where(and(inArray(contacts.id, moves.repointedContactIds), eq(contacts.mergedIntoId, survivor.id)));
  await tx
    .update(contacts)
    .set({ mergedIntoId: null, updatedAt: input.at })
    .where(eq(contacts.id, merged.id));
  await tx
    .update(contacts)
    .set({ ...survivorRestored(survivor, merged, moves), updatedAt: input.at })
    .where(eq(contacts.id, survivor.id));
  await tx.update(contactMerges).set({ undoneAt: input.at }).where(eq(contactMerges.id, record.id));
  for (const row of movedBack) {
    await writeAudit(tx, {
      caseId: row.id,
      type: "contact_merge_undone",
      actor: input.actor,
      details: { fromContactId: survivor.id, toContactId: merged.id, mergeId: record.id },
      at: input.at,
    });
    uow.emit({ type: "case.updated", caseId: row.id, state: row.state, assigneeId: row.assigneeId });
  }
  return {
    mergeId: record.id,
    survivorId: survivor.id,
    mergedId: merged.id,
    identitiesMovedBack: identities.length + (moves.folded?.length ?? 0),
    casesMovedBack: movedBack.length,
  };
}

/** The merges a contact took part in (as survivor or as the merged one), newest first. */
export async function listContactMerges(executor: Executor, contactId: string, limit = 20) {
  const [contact] = await executor
    .select({ id: contacts.id })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  if (!contact) throw notFound("Contact", contactId);
  const survivor = alias(contacts, "survivor");
  const merged = alias(contacts, "merged");
  const rows = await executor
    .select({
      id: contactMerges.id,
      survivor: { id: survivor.id, name: survivor.name },
      merged: { id: merged.id, name: merged.name },
      mergedBy: { id: agents.id, name: agents.name },
      mergedAt: contactMerges.mergedAt,
      undoneAt: contactMerges.undoneAt,
      moved: contactMerges.moved,
    })
    .from(contactMerges)
    .innerJoin(survivor, eq(survivor.id, contactMerges.survivorId))
    .innerJoin(merged, eq(merged.id, contactMerges.mergedId))
    .leftJoin(agents, eq(agents.id, contactMerges.mergedById))
    .where(or(eq(contactMerges.survivorId, contactId), eq(contactMerges.mergedId, contactId)))
    .orderBy(desc(contactMerges.mergedAt), desc(contactMerges.id))
    .limit(limit);
  return rows.map(({ moved, mergedBy, ...row }) => ({
    ...row,
    mergedBy: mergedBy?.id ? { id: mergedBy.id, name: mergedBy.name } : null,
    identities: moved.identityIds.length + (moved.folded?.length ?? 0),
    cases: moved.caseIds.length,
  }));
}

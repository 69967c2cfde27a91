/** Contacts: finding the person behind an address, and merging duplicates. */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../db/locks.ts";
import { cases } from "../db/schema/cases.ts";
import { contactIdentities, contacts, type IdentityKind } from "../db/schema/contacts.ts";
import { AppError, notFound } from "./errors.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type IdentityRow = typeof contactIdentities.$inferSelect;

export interface ResolvedContact {
  contactId: string;
  created: boolean;
}

/**
 * The contact owning a normalised address, created with the address when there is none (and then
 * announced as `contact.created` through the unit of work). Two transactions resolving the same new
 * address take turns, so they agree on one contact.
 */
export async function resolveContact(
  tx: Tx,
  uow: Pick<UnitOfWork, "emit">,
  identity: { kind: IdentityKind; address: string },
  name?: string | null,
): Promise<ResolvedContact> {
  const find = async () => {
    const [row] = await tx
      .select({ contactId: contactIdentities.contactId, name: contacts.name })
      .from(contactIdentities)
      .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
      .where(
        and(
          eq(contactIdentities.kind, identity.kind),
          eq(contactIdentities.address, identity.address),
          isNotNull(contactIdentities.verifiedAt),
        ),
      );
    return row;
  };
  // A known address (nearly every message) needs no lock; a new one is created under it.
  let existing = await find();
  if (!existing) {
    await advisoryXactLock(tx, LOCK_NAMESPACE.identity, `${identity.kind}:${identity.address}`);
    existing = await find();
  }
  if (existing) {
    if (!existing.name && name) {
      await tx
        .update(contacts)
        .set({ name, updatedAt: new Date() })
        .where(eq(contacts.id, existing.contactId));
    }
    return { contactId: existing.contactId, created: false };
  }
  const [contact] = await tx
    .insert(contacts)
    .values({ name: name ?? null })
    .returning({ id: contacts.id });
  await tx
    .insert(contactIdentities)
    .values({ contactId: contact!.id, kind: identity.kind, address: identity.address });
  uow.emit({ type: "contact.created", contactId: contact!.id });
  return { contactId: contact!.id, created: true };
}

/** An identity as the API shows it: `verified` says whether the address is proven the contact's. */
export function identityView(row: IdentityRow) {
  return { ...row, verified: row.verifiedAt !== null };
}

export async function getContact(executor: Executor, contactId: string) {
  const [contact] = await executor.select().from(contacts).where(eq(contacts.id, contactId));
  if (!contact) throw notFound("Contact", contactId);
  const identities = await executor
    .select()
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, contactId))
    .orderBy(asc(contactIdentities.createdAt));
  return { ...contact, identities: identities.map(identityView) };
}

export interface MergePreview {
  survivor: ContactRow;
  merged: ContactRow;
  identitiesMoving: ReturnType<typeof identityView>[];
  casesMoving: { id: string; number: number; subject: string; state: string }[];
}

async function loadMergePair(executor: Executor, survivorId: string, mergedId: string) {
  if (survivorId === mergedId) throw new AppError("VALIDATION", "A contact cannot be merged into itself.");
  const rows = await executor
    .select()
    .from(contacts)
    .where(inArray(contacts.id, [survivorId, mergedId]));
  const survivor = rows.find((row) => row.id === survivorId);
  const merged = rows.find((row) => row.id === mergedId);
  if (!survivor) throw notFound("Contact", survivorId);
  if (!merged) throw notFound("Contact", mergedId);
  if (survivor.mergedIntoId) {
    throw new AppError(
      "CONFLICT",
      `Contact '${survivorId}' was itself merged into '${survivor.mergedIntoId}'; merge into that one.`,
    );
  }
  if (merged.mergedIntoId) {
    throw new AppError("CONFLICT", `Contact '${mergedId}' was already merged into '${merged.mergedIntoId}'.`);
  }
  return { survivor, merged };
}

export interface ContactEdit {
  name?: string | null;
  /** Replaces the contact's attributes as a whole. */
  attributes?: Record<string, unknown>;
  timeZone?: string | null;
}

/** Changes a contact's name, attributes or time zone; a contact merged away cannot be edited. */
export async function updateContact(executor: Executor, contactId: string, edit: ContactEdit, at: Date) {
  const [current] = await executor.select().from(contacts).where(eq(contacts.id, contactId));
  if (!current) throw notFound("Contact", contactId);
  if (current.mergedIntoId)
    throw new AppError(
      "CONFLICT",
      `Contact '${contactId}' was merged into '${current.mergedIntoId}'; edit that one instead.`,
    );
  await executor
    .update(contacts)
    .set({
      ...(edit.name !== undefined ? { name: edit.name } : {}),
      ...(edit.attributes !== undefined ? { attributes: edit.attributes } : {}),
      ...(edit.timeZone !== undefined ? { timeZone: edit.timeZone } : {}),
      updatedAt: at,
    })
    .where(eq(contacts.id, contactId));
  return getContact(executor, contactId);
}

/** What a merge would move, without moving it: the console shows this before the user confirms. */
export async function previewMerge(
  executor: Executor,
  survivorId: string,
  mergedId: string,
): Promise<MergePreview> {
  const { survivor, merged } = await loadMergePair(executor, survivorId, mergedId);
  const identitiesMoving = await executor
    .select()
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, mergedId));
  const casesMoving = await executor
    .select({ id: cases.id, number: cases.number, subject: cases.subject, state: cases.state })
    .from(cases)
    .where(eq(cases.contactId, mergedId))
    .orderBy(asc(cases.number));
  return { survivor, merged, identitiesMoving: identitiesMoving.map(identityView), casesMoving };
}

/** Contacts that are not merged away, matching a name or address. */
export async function searchContacts(executor: Executor, q: string, limit: number) {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return executor
    .select()
    .from(contacts)
    .where(
      and(
        isNull(contacts.mergedIntoId),
        sql`(${contacts.name} ilike ${pattern} or exists (select 1 from ${contactIdentities} where ${contactIdentities.contactId} = ${contacts.id} and ${contactIdentities.address} ilike ${pattern}))`,
      ),
    )
    .orderBy(asc(contacts.name))
    .limit(limit);
}

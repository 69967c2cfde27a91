/**
 * Confirming a claimed address: an email typed into the web chat's pre-chat form is stored
 * unverified; an agent who has checked it is the customer's (a call back, a reply to a mail sent
 * to it) confirms it, and from then on mail from it reaches this contact.
 */
import { and, eq, isNotNull, ne } from "drizzle-orm";
import type { Tx } from "../db/connect.ts";
import { advisoryXactLock, LOCK_NAMESPACE } from "../db/locks.ts";
import { cases } from "../db/schema/cases.ts";
import { contactIdentities, contacts } from "../db/schema/contacts.ts";
import { type Actor, writeAudit } from "./case-workflow.ts";
import { getContact } from "./contacts.ts";
import { AppError, notFound } from "./errors.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

/**
 * Marks one of a contact's identities verified, with an audit row on each of the contact's cases
 * (as a merge leaves). Refused while another contact owns the address: merge the two instead.
 */
/**
 * The other contact that holds the identity's address verified, if any, under the lock ingest takes
 * to create a contact for a new address (the two cannot both win it).
 */
export async function verifiedOwnerElsewhere(
  tx: Tx,
  identity: { kind: typeof contactIdentities.$inferSelect.kind; address: string; contactId: string },
): Promise<{ contactId: string } | undefined> {
  await advisoryXactLock(tx, LOCK_NAMESPACE.identity, `${identity.kind}:${identity.address}`);
  const [owner] = await tx
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.kind, identity.kind),
        eq(contactIdentities.address, identity.address),
        isNotNull(contactIdentities.verifiedAt),
        ne(contactIdentities.contactId, identity.contactId),
      ),
    );
  return owner;
}

export async function verifyIdentity(
  tx: Tx,
  uow: UnitOfWork,
  input: { contactId: string; identityId: string; actor: Actor; at: Date },
) {
  const [contact] = await tx.select().from(contacts).where(eq(contacts.id, input.contactId)).for("update");
  if (!contact) throw notFound("Contact", input.contactId);
  if (contact.mergedIntoId)
    throw new AppError(
      "CONFLICT",
      `Contact '${input.contactId}' was merged into '${contact.mergedIntoId}'; confirm the address there.`,
    );
  const [identity] = await tx
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.id, input.identityId), eq(contactIdentities.contactId, input.contactId)));
  if (!identity) throw notFound("Identity", input.identityId);
  if (identity.verifiedAt) return getContact(tx, input.contactId);
  const owner = await verifiedOwnerElsewhere(tx, identity);
  if (owner)
    throw new AppError(
      "CONFLICT",
      `'${identity.address}' already belongs to contact '${owner.contactId}'; merge the two contacts instead.`,
    );
  await tx
    .update(contactIdentities)
    .set({ verifiedAt: input.at })
    .where(eq(contactIdentities.id, identity.id));
  const touched = await tx
    .select({ id: cases.id, state: cases.state, assigneeId: cases.assigneeId })
    .from(cases)
    .where(eq(cases.contactId, input.contactId));
  for (const row of touched) {
    await writeAudit(tx, {
      caseId: row.id,
      type: "identity_verified",
      actor: input.actor,
      details: {
        contactId: input.contactId,
        identityId: identity.id,
        kind: identity.kind,
        address: identity.address,
      },
      at: input.at,
    });
    uow.emit({ type: "case.updated", caseId: row.id, state: row.state, assigneeId: row.assigneeId });
  }
  return getContact(tx, input.contactId);
}

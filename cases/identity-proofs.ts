/**
 * A customer proving a claimed email address: an address typed into the web chat's pre-chat form is
 * stored unverified, and a link mailed to it (at most one an hour per address claim, good for 24
 * hours) verifies it when followed — whoever follows it reads that mailbox. When another contact
 * already holds the address verified, the proof does not merge the two: the claim stays
 * unverified and the contact's cases get an audit row telling agents to merge them if they are
 * one person.
 */
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Executor, Tx } from "../db/connect.ts";
import { cases, interactions } from "../db/schema/cases.ts";
import { contactIdentities, identityProofs } from "../db/schema/contacts.ts";
import { writeAudit } from "./case-workflow.ts";
import { AppError } from "./errors.ts";
import { verifiedOwnerElsewhere, verifyIdentity } from "./identity-verification.ts";
import { hashLinkToken, LINK_TOKEN_PATTERN, linkToken } from "./link-tokens.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

export const PROOF_TTL_MS = 24 * 3600_000;
/** A claim gets at most one proof mail in this long, however often the visitor says hello. */
export const PROOF_INTERVAL_MS = 3600_000;

export type IdentityRow = typeof contactIdentities.$inferSelect;

/**
 * Creates a proof for an unverified email identity and returns its id for the mail job, or null
 * when none is due (verified already, or one was sent within the hour).
 */
export async function createEmailProof(
  tx: Executor,
  secret: string,
  input: { identityId: string; now: Date },
): Promise<string | null> {
  const [identity] = await tx
    .select()
    .from(contactIdentities)
    .where(eq(contactIdentities.id, input.identityId));
  if (identity?.kind !== "email" || identity.verifiedAt) return null;
  const [latest] = await tx
    .select({ createdAt: identityProofs.createdAt })
    .from(identityProofs)
    .where(eq(identityProofs.identityId, identity.id))
    .orderBy(desc(identityProofs.createdAt))
    .limit(1);
  if (latest && input.now.getTime() - latest.createdAt.getTime() < PROOF_INTERVAL_MS) return null;
  const id = randomUUID();
  await tx.insert(identityProofs).values({
    id,
    identityId: identity.id,
    tokenHash: hashLinkToken(linkToken(secret, "email-proof", id)),
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + PROOF_TTL_MS),
  });
  return id;
}

/** What the mail job needs, or null when the proof was used, expired, or the address is verified. */
export async function emailProofToMail(
  db: Executor,
  secret: string,
  id: string,
  now: Date,
): Promise<{ address: string; token: string } | null> {
  const [found] = await db
    .select({ proof: identityProofs, identity: contactIdentities })
    .from(identityProofs)
    .innerJoin(contactIdentities, eq(contactIdentities.id, identityProofs.identityId))
    .where(eq(identityProofs.id, id));
  if (!found || found.proof.usedAt || found.proof.expiresAt <= now || found.identity.verifiedAt) return null;
  return { address: found.identity.address, token: linkToken(secret, "email-proof", id) };
}

/** The proof a token names, while it can be used; a 4xx in words otherwise. */
export async function liveEmailProof(db: Executor, token: string, now: Date) {
  const [found] = LINK_TOKEN_PATTERN.test(token)
    ? await db
        .select({ proof: identityProofs, identity: contactIdentities })
        .from(identityProofs)
        .innerJoin(contactIdentities, eq(contactIdentities.id, identityProofs.identityId))
        .where(eq(identityProofs.tokenHash, hashLinkToken(token)))
    : [];
  if (!found) throw new AppError("NOT_FOUND", "This link is not valid. Check that it was copied whole.");
  if (found.proof.usedAt) throw new AppError("CONFLICT", "This link was already used.");
  if (found.proof.expiresAt <= now)
    throw new AppError("CONFLICT", "This link has expired. Start a new chat with us to get a new one.");
  return found;
}

export type ProofOutcome = "verified" | "held-elsewhere";

/** Spends the proof and verifies its identity, unless another contact holds the address verified. */
export async function proveEmail(
  tx: Tx,
  uow: UnitOfWork,
  input: { token: string; now: Date },
): Promise<{ outcome: ProofOutcome; address: string }> {
  const { proof, identity } = await liveEmailProof(tx, input.token, input.now);
  // Spent only while unspent: of two clicks at once, one proves and the other is told it was used.
  const [spent] = await tx
    .update(identityProofs)
    .set({ usedAt: input.now })
    .where(and(eq(identityProofs.id, proof.id), isNull(identityProofs.usedAt)))
    .returning({ id: identityProofs.id });
  if (!spent) throw new AppError("CONFLICT", "This link was already used.");
  const address = identity.address;
  if (identity.verifiedAt) return { outcome: "verified", address };
  const owner = await verifiedOwnerElsewhere(tx, identity);
  if (!owner) {
    await verifyIdentity(tx, uow, {
      contactId: identity.contactId,
      identityId: identity.id,
      actor: { type: "customer" },
      at: input.now,
    });
    return { outcome: "verified", address };
  }
  await noteHeldElsewhere(tx, uow, { identity, ownerContactId: owner.contactId, at: input.now });
  return { outcome: "held-elsewhere", address };
}

/**
 * Tells agents that the proven address is another contact's: an audit row on each of the claiming
 * contact's cases, and an internal note on the latest one, where the timeline shows it.
 */
async function noteHeldElsewhere(
  tx: Tx,
  uow: UnitOfWork,
  input: { identity: IdentityRow; ownerContactId: string; at: Date },
) {
  const touched = await tx
    .select({ id: cases.id, state: cases.state, assigneeId: cases.assigneeId, channel: cases.channel })
    .from(cases)
    .where(eq(cases.contactId, input.identity.contactId))
    .orderBy(desc(cases.createdAt));
  const latest = touched[0];
  if (latest) {
    const [note] = await tx
      .insert(interactions)
      .values({
        caseId: latest.id,
        channel: latest.channel,
        kind: "note",
        direction: "internal",
        body: `The customer followed the link mailed to ${input.identity.address}, which is already the verified address of another contact. It was not merged: if they are the same person, merge the two contacts.`,
        status: "recorded",
        metadata: { identityProof: { identityId: input.identity.id, ownerContactId: input.ownerContactId } },
        createdAt: input.at,
        statusChangedAt: input.at,
      })
      .returning();
    uow.emit({
      type: "interaction.created",
      caseId: latest.id,
      interactionId: note!.id,
      channel: latest.channel,
      kind: "note",
      direction: "internal",
      interaction: note!,
      assigneeId: latest.assigneeId,
    });
  }
  for (const row of touched) {
    await writeAudit(tx, {
      caseId: row.id,
      type: "identity_proof_held_elsewhere",
      actor: { type: "customer" },
      details: {
        contactId: input.identity.contactId,
        identityId: input.identity.id,
        address: input.identity.address,
        ownerContactId: input.ownerContactId,
      },
      at: input.at,
    });
    uow.emit({ type: "case.updated", caseId: row.id, state: row.state, assigneeId: row.assigneeId });
  }
}

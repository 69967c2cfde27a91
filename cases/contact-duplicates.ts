/**
 * Suggested duplicates of a contact: other (unmerged) contacts holding one of its addresses —
 * verified or only claimed — the same mailbox under a "+tag", or a similar name (pg_trgm). Each
 * candidate carries its reasons and a score, best first. Suggestions only: merging stays a person's
 * decision, made after the merge preview.
 */
import { and, eq, inArray, isNull, like, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Executor } from "../db/connect.ts";
import { contactIdentities, contacts, type IdentityKind } from "../db/schema/contacts.ts";
import type { ContactRow } from "./contacts.ts";
import { AppError, notFound } from "./errors.ts";

export const DUPLICATE_REASONS = [
  "same_email",
  "same_phone",
  "shared_identity",
  "similar_email",
  "similar_name",
] as const;
export type DuplicateReasonType = (typeof DUPLICATE_REASONS)[number];

export interface DuplicateReason {
  type: DuplicateReasonType;
  /** The candidate's address (email, phone, chat visitor id) or name that matched. */
  value: string;
  /** For an address: whether the candidate's copy is verified (false: a claim, e.g. a pre-chat form). */
  verified?: boolean;
  /** For a name: pg_trgm similarity, 0–1. */
  similarity?: number;
}

export interface DuplicateCandidate {
  contact: ContactRow;
  reasons: DuplicateReason[];
  /** 0–1: how likely the two are one person, from the reasons combined. */
  score: number;
}

/** Names at least this similar (pg_trgm `similarity`) are suggested. */
export const NAME_SIMILARITY = 0.5;
const MAX_CANDIDATES = 10;
/** A contact with more addresses than this is matched on its first ones only: the statement stays small. */
const MAX_ADDRESSES = 50;

const SAME_ADDRESS: Record<IdentityKind, DuplicateReasonType> = {
  email: "same_email",
  phone: "same_phone",
  chat: "shared_identity",
};

/** How much one reason alone says; reasons combine as independent evidence (1 − Π(1 − w)). */
function weight(reason: DuplicateReason): number {
  if (reason.type === "similar_name") return 0.6 * (reason.similarity ?? 0);
  if (reason.type === "similar_email") return 0.6;
  if (reason.type === "shared_identity") return 0.8;
  return reason.verified ? 0.9 : 0.7;
}

function combined(reasons: DuplicateReason[]): number {
  const doubt = reasons.reduce((rest, reason) => rest * (1 - weight(reason)), 1);
  return Math.round((1 - doubt) * 100) / 100;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** "ann+shop@x.org" → its mailbox "ann@x.org"; addresses without a tag are their own mailbox. */
export function mailbox(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, Math.max(at, 0)).split("+")[0]!;
  return at > 0 && local ? { local, domain: address.slice(at + 1) } : null;
}

/** The conditions under which another identity shares (or nearly shares) one of these addresses. */
function addressMatches(mine: { kind: IdentityKind; address: string }[]): SQL | undefined {
  const conditions: SQL[] = [];
  for (const { kind, address } of mine) {
    conditions.push(and(eq(contactIdentities.kind, kind), eq(contactIdentities.address, address))!);
    const box = kind === "email" ? mailbox(address) : null;
    if (!box) continue;
    const bare = `${box.local}@${box.domain}`;
    conditions.push(
      and(
        eq(contactIdentities.kind, "email"),
        or(
          eq(contactIdentities.address, bare),
          like(contactIdentities.address, `${escapeLike(box.local)}+%@${escapeLike(box.domain)}`),
        ),
      )!,
    );
  }
  return conditions.length ? or(...conditions) : undefined;
}

async function addressReasons(executor: Executor, contact: ContactRow) {
  const mine = await executor
    .select({ kind: contactIdentities.kind, address: contactIdentities.address })
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, contact.id))
    .limit(MAX_ADDRESSES);
  const matches = addressMatches(mine);
  if (!matches) return [];
  const rows = await executor
    .select({
      contactId: contactIdentities.contactId,
      kind: contactIdentities.kind,
      address: contactIdentities.address,
      verifiedAt: contactIdentities.verifiedAt,
    })
    .from(contactIdentities)
    .where(and(ne(contactIdentities.contactId, contact.id), matches));
  const exact = new Set(mine.map((identity) => `${identity.kind}:${identity.address}`));
  return rows.map((row) => ({
    contactId: row.contactId,
    reason: {
      type: exact.has(`${row.kind}:${row.address}`) ? SAME_ADDRESS[row.kind] : "similar_email",
      value: row.address,
      verified: row.verifiedAt !== null,
    } satisfies DuplicateReason,
  }));
}

async function nameReasons(executor: Executor, contact: ContactRow) {
  const name = contact.name?.trim();
  if (!name) return [];
  const similarity = sql<number>`similarity(${contacts.name}, ${name})`;
  // `%` (similarity above pg_trgm's threshold, 0.3) is what the trigram index answers; then the stricter cut.
  const rows = await executor
    .select({ contactId: contacts.id, name: contacts.name, similarity })
    .from(contacts)
    .where(
      and(
        isNull(contacts.mergedIntoId),
        ne(contacts.id, contact.id),
        sql`${contacts.name} % ${name}`,
        sql`${similarity} > ${NAME_SIMILARITY}`,
      ),
    )
    .orderBy(sql`${similarity} desc`)
    .limit(MAX_CANDIDATES * 3);
  return rows.map((row) => ({
    contactId: row.contactId,
    reason: {
      type: "similar_name",
      value: row.name ?? "",
      similarity: Math.round(Number(row.similarity) * 100) / 100,
    } satisfies DuplicateReason,
  }));
}

/** Contacts that may be the same person as `contactId`, with why, best first (at most ten). */
export async function findDuplicates(executor: Executor, contactId: string): Promise<DuplicateCandidate[]> {
  const [contact] = await executor.select().from(contacts).where(eq(contacts.id, contactId));
  if (!contact) throw notFound("Contact", contactId);
  if (contact.mergedIntoId)
    throw new AppError(
      "CONFLICT",
      `Contact '${contactId}' was merged into '${contact.mergedIntoId}'; look for duplicates of that one.`,
    );
  const found = [...(await addressReasons(executor, contact)), ...(await nameReasons(executor, contact))];
  const reasonsOf = new Map<string, DuplicateReason[]>();
  for (const { contactId: id, reason } of found) reasonsOf.set(id, [...(reasonsOf.get(id) ?? []), reason]);
  if (reasonsOf.size === 0) return [];
  const people = await executor
    .select()
    .from(contacts)
    .where(and(inArray(contacts.id, [...reasonsOf.keys()]), isNull(contacts.mergedIntoId)));
  return people
    .map((person) => {
      const reasons = reasonsOf.get(person.id)!;
      return { contact: person, reasons, score: combined(reasons) };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.contact.name ?? "").localeCompare(b.contact.name ?? "") ||
        a.contact.id.localeCompare(b.contact.id),
    )
    .slice(0, MAX_CANDIDATES);
}

export interface DuplicatePair {
  first: ContactRow;
  second: ContactRow;
  reasons: DuplicateReason[];
  score: number;
}

/**
 * Likely duplicate pairs across the whole team, for a supervisor's clean-up: two unmerged contacts
 * holding the same address (one of them usually a claim), or with the same name. Exact matches only,
 * answered by hash joins; similar names are left to each contact's own suggestions.
 */
export async function likelyDuplicatePairs(executor: Executor, limit: number): Promise<DuplicatePair[]> {
  const first = alias(contacts, "first");
  const second = alias(contacts, "second");
  const theirs = alias(contactIdentities, "theirs");
  const byAddress = await executor
    .select({ first, second, kind: contactIdentities.kind, address: contactIdentities.address })
    .from(contactIdentities)
    .innerJoin(
      theirs,
      and(
        eq(theirs.kind, contactIdentities.kind),
        eq(theirs.address, contactIdentities.address),
        sql`${theirs.contactId} > ${contactIdentities.contactId}`,
      ),
    )
    .innerJoin(first, and(eq(first.id, contactIdentities.contactId), isNull(first.mergedIntoId)))
    .innerJoin(second, and(eq(second.id, theirs.contactId), isNull(second.mergedIntoId)))
    .orderBy(sql`greatest(${first.createdAt}, ${second.createdAt}) desc`)
    .limit(limit);
  const byName = await executor
    .select({ first, second })
    .from(first)
    .innerJoin(
      second,
      and(sql`lower(trim(${second.name})) = lower(trim(${first.name}))`, sql`${second.id} > ${first.id}`),
    )
    .where(and(isNull(first.mergedIntoId), isNull(second.mergedIntoId)))
    .orderBy(sql`greatest(${first.createdAt}, ${second.createdAt}) desc`)
    .limit(limit);
  const pairs = new Map<string, DuplicatePair>();
  const add = (row: { first: ContactRow; second: ContactRow }, reason: DuplicateReason) => {
    const key = `${row.first.id}:${row.second.id}`;
    const pair = pairs.get(key) ?? { first: row.first, second: row.second, reasons: [], score: 0 };
    pair.reasons.push(reason);
    pairs.set(key, pair);
  };
  for (const row of byAddress) add(row, { type: SAME_ADDRESS[row.kind], value: row.address });
  for (const row of byName) add(row, { type: "similar_name", value: row.first.name ?? "", similarity: 1 });
  return [...pairs.values()]
    .map((pair) => ({ ...pair, score: combined(pair.reasons) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

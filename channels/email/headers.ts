/**
 * Pure helpers over email headers: message-id lists, the case token in subjects, the threading
 * headers and subject of a reply, and the signs of mail written by a machine rather than a person.
 */

/** Message-ids keep their angle brackets everywhere we store them, as they appear in References. */
export function normaliseMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const bracketed = raw.match(/<[^<>\s]+>/);
  if (bracketed) return bracketed[0].slice(0, 998);
  const bare = raw.trim();
  // Some clients write the id without brackets; anything with spaces is not an id.
  if (!bare || /\s/.test(bare) || !bare.includes("@")) return null;
  return `<${bare}>`.slice(0, 998);
}

/** Every message-id in a References / In-Reply-To value (a string, or mailparser's array), in order, once. */
export function messageIdList(value: string | readonly string[] | null | undefined): string[] {
  if (!value) return [];
  const text = typeof value === "string" ? value : value.join(" ");
  const ids = text.match(/<[^<>\s]+>/g) ?? [];
  if (!ids.length) {
    // A lone id without brackets.
    const single = normaliseMessageId(text);
    return single ? [single] : [];
  }
  return [...new Set(ids)];
}

/** Our case token: `[#1042]` anywhere in a subject. */
const CASE_TOKEN = /\[#(\d{1,9})\]/g;

/** The case number of the last token in a subject (the one we appended), if any. */
export function caseNumberFromSubject(subject: string | null | undefined): number | undefined {
  if (!subject) return undefined;
  const matches = [...subject.matchAll(CASE_TOKEN)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

/** Reply prefixes mail clients write, in the languages our customers' clients use most. */
const REPLY_PREFIX = /^\s*(re|aw|sv|vs|antw|odp|r|rif|res|ynt|回复|答复)(\[\d+\]|\(\d+\))?\s*[:：]/i;

export function hasReplyPrefix(subject: string): boolean {
  return REPLY_PREFIX.test(subject);
}

/** Removes leading reply and forward prefixes ("RE: Fwd: AW: x" -> "x"). */
export function stripReplyPrefixes(subject: string): string {
  let rest = subject;
  for (;;) {
    const next = rest.replace(REPLY_PREFIX, "").replace(/^\s*(fwd?|wg|tr|rv|enc)\s*:/i, "");
    if (next === rest) return rest.trim();
    rest = next;
  }
}

/**
 * The subject of our reply on a case: `Re: <case subject> [#number]`, without doubling a prefix the
 * subject already has or a token it already carries, so a long conversation keeps one of each.
 */
export function replySubject(caseSubject: string, caseNumber: number): string {
  const base = caseSubject.replace(/\s+/g, " ").trim() || "Your request";
  const withToken = base.includes(`[#${caseNumber}]`) ? base : `${base} [#${caseNumber}]`;
  return hasReplyPrefix(withToken) ? withToken : `Re: ${withToken}`;
}

/** References grow with every reply; past this we keep the first id and the latest ones (RFC 5322 3.6.4). */
export const MAX_REFERENCES = 20;

/** In-Reply-To and References of a reply to `parent`. */
export function replyThreadHeaders(parent: { messageId: string; references: readonly string[] }): {
  inReplyTo: string;
  references: string[];
} {
  const chain = [...new Set([...parent.references, parent.messageId])];
  const references =
    chain.length > MAX_REFERENCES ? [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  return { inReplyTo: parent.messageId, references };
}

/** Header values by lower-case name, unfolded; a name that occurs twice keeps every value. */
export type HeaderValues = ReadonlyMap<string, readonly string[]>;

/** Reads raw header lines (`Key: value`, possibly folded) into HeaderValues. */
export function headerValues(lines: readonly { key: string; line: string }[]): HeaderValues {
  const values = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(":");
    const value = (colon >= 0 ? line.slice(colon + 1) : "").replace(/\r?\n[ \t]+/g, " ").trim();
    const name = key.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return values;
}

export const first = (headers: HeaderValues, name: string): string | undefined => headers.get(name)?.[0];

/** Local parts of addresses that only machines write from. */
const MACHINE_SENDER =
  /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|bounces?|auto[-_.]?reply)([-+.].*)?$/i;

/**
 * Why this mail must never get an automatic answer (RFC 3834 and what mail systems really send),
 * or null for mail a person wrote. Agents still see and answer it; only automatic mail is held back,
 * which is what stops two autoresponders from mailing each other forever.
 */
export function automaticMailReason(headers: HeaderValues, fromAddress: string | null): string | null {
  const autoSubmitted = first(headers, "auto-submitted");
  if (autoSubmitted && autoSubmitted.split(";")[0]!.trim().toLowerCase() !== "no")
    return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = first(headers, "precedence")?.toLowerCase();
  if (precedence && /^(bulk|list|junk|auto_reply)$/.test(precedence)) return `Precedence: ${precedence}`;
  for (const name of ["x-loop", "x-auto-response-suppress", "x-autoreply", "x-autorespond"]) {
    const value = first(headers, name);
    if (value !== undefined) return `${canonicalName(name)}: ${value || "(empty)"}`;
  }
  const listId = first(headers, "list-id");
  if (listId !== undefined) return `List-Id: ${listId} (mailing list)`;
  if (first(headers, "list-unsubscribe") !== undefined) return "List-Unsubscribe (bulk mail)";
  const localPart = fromAddress?.split("@")[0];
  if (localPart && MACHINE_SENDER.test(localPart)) return `Sent from an automatic address (${fromAddress})`;
  if (first(headers, "return-path")?.replace(/\s/g, "") === "<>")
    return "Empty Return-Path (a bounce or other automatic notice)";
  return null;
}

function canonicalName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

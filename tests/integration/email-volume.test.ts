/**
 * Volume and re-sync: 1,000 messages appended while the app listens become 1,000 interactions in
 * the right cases (replies from a colleague the customer CC'd reach the customer's case by their
 * threading headers),
 * and a UIDVALIDITY change makes the app fetch the folder again without storing anything twice.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, interactions } from "../../db/schema/cases.ts";
import { mailboxes } from "../../db/schema/channels.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { emailFixtureBytes, plainEmail } from "../helpers/email-fixtures.ts";

const THREADS = 100;
const PER_THREAD = 10;

const idOf = (thread: number, index: number) => `<t${thread}-m${index}@volume.example>`;

/**
 * Message `index` of a thread: the customer opens it, CC'ing a colleague, and the two take turns
 * replying.
 */
function threadMessage(thread: number, index: number): string {
  const from =
    index % 2 === 0
      ? `Customer ${thread} <customer${thread}@volume.example>`
      : `Colleague ${thread} <colleague${thread}@partner.example>`;
  const references = Array.from({ length: index }, (_, i) => idOf(thread, i));
  return plainEmail({
    from,
    subject: index === 0 ? `Question ${thread}` : `Re: Question ${thread}`,
    body: `Message ${index} of thread ${thread}`,
    messageId: idOf(thread, index),
    ...(index % 2 === 0
      ? { headers: { Cc: `Colleague ${thread} <colleague${thread}@partner.example>` } }
      : {}),
    ...(index > 0 ? { inReplyTo: idOf(thread, index - 1), references } : {}),
  });
}

describe("email volume", () => {
  let email: EmailTestApp;
  const allIds = Array.from({ length: THREADS }, (_, t) =>
    Array.from({ length: PER_THREAD }, (_, m) => idOf(t, m)),
  ).flat();
  const countEmail = async () =>
    Number(
      (
        await email.app.services.db
          .select({ n: sql<number>`count(*)::int` })
          .from(interactions)
          .where(and(eq(interactions.channel, "email"), eq(interactions.direction, "inbound")))
      )[0]!.n,
    );

  beforeAll(async () => {
    // Customer updates would add an outbound mail per case; this file is about fetching alone.
    email = await startEmailApp({ env: { STATUS_UPDATES: "false" } });
  });
  afterAll(async () => {
    await email?.close();
  });

  it("turns 1,000 appended messages into 1,000 interactions in the right threads", {
    timeout: 300_000,
  }, async () => {
    // Threads interleave, as real mail does: every thread's first message, then every second one…
    const raws: string[] = [];
    for (let index = 0; index < PER_THREAD; index++)
      for (let thread = 0; thread < THREADS; thread++) raws.push(threadMessage(thread, index));
    await email.dovecot.appendAll(raws);
    expect(await email.waitForCount(allIds, 270_000)).toBe(THREADS * PER_THREAD);

    const rows = await email.app.services.db
      .select({ externalId: interactions.externalId, caseId: interactions.caseId })
      .from(interactions)
      .where(eq(interactions.channel, "email"));
    const caseOfId = new Map(rows.map((row) => [row.externalId!, row.caseId]));
    for (let thread = 0; thread < THREADS; thread++) {
      const threadCases = new Set(
        Array.from({ length: PER_THREAD }, (_, m) => caseOfId.get(idOf(thread, m))),
      );
      expect(threadCases.size, `thread ${thread}`).toBe(1);
    }
    const caseCount = (await email.app.services.db.select({ id: cases.id }).from(cases)).length;
    expect(caseCount).toBe(THREADS);
    expect(await countEmail()).toBe(THREADS * PER_THREAD);
  });

  it("fetches the folder again after a UIDVALIDITY change without storing anything twice", {
    timeout: 120_000,
  }, async () => {
    const noIdRaw = emailFixtureBytes("no-message-id.eml");
    await email.dovecot.append(noIdRaw);
    await expect.poll(countEmail, { timeout: 20_000 }).toBe(THREADS * PER_THREAD + 1);
    const before = await email.dovecot.status();

    await email.dovecot.setUidValidity(before.uidValidity + 1000);
    await email.dovecot.append(
      plainEmail({
        from: "new@volume.example",
        subject: "After",
        body: "After the change",
        messageId: "<after-uidvalidity@volume.example>",
      }),
    );
    await email.waitForInteraction("<after-uidvalidity@volume.example>", 60_000);
    await expect
      .poll(
        async () => {
          const [row] = await email.app.services.db
            .select()
            .from(mailboxes)
            .where(eq(mailboxes.fromEnv, true));
          return {
            uidValidity: row!.uidValidity?.toString(),
            lastUid: row!.lastUid,
            lastError: row!.lastError,
          };
        },
        { timeout: 30_000 },
      )
      .toEqual({ uidValidity: String(before.uidValidity + 1000), lastUid: before.uidNext, lastError: null });
    expect(await countEmail()).toBe(THREADS * PER_THREAD + 2);
    const duplicates = await email.app.services.db
      .select({ externalId: interactions.externalId, n: sql<number>`count(*)::int` })
      .from(interactions)
      .groupBy(interactions.externalId)
      .having(sql`count(*) > 1`);
    expect(duplicates).toEqual([]);
  });
});

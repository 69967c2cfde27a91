/**
 * Ingest and the case lifecycle against the real database: idempotency on (channel, externalId),
 * threading, reopening within the window, linked cases after it, auto-close, contact merge, and an
 * audit row for every transition.
 */
import { randomUUID } from "node:crypto";
import { asc, eq, ne, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeOverdueResolved } from "../../cases/auto-close.ts";
import { mergeContacts } from "../../cases/contact-merges.ts";
import { type InboundMessage, ingest } from "../../cases/ingest.ts";
import { addReply, performAction } from "../../cases/replies.ts";
import { withUnitOfWork } from "../../cases/unit-of-work.ts";
import { caseEvents, cases, interactions } from "../../db/schema/cases.ts";
import { contactIdentities, contacts } from "../../db/schema/contacts.ts";
import { ADMIN, startTestApp, type TestApp } from "../helpers/build-app.ts";
import { assignCase } from "../helpers/factories.ts";

const DAY = 24 * 3600_000;

describe("ingest", () => {
  let app: TestApp;
  let now = new Date("2026-03-02T10:00:00Z");
  const clock = () => now;
  const deps = () => app.services.cases;
  const message = (overrides: Partial<InboundMessage> = {}): InboundMessage => ({
    channel: "sms",
    externalId: `SM${randomUUID().replaceAll("-", "")}`,
    from: { kind: "phone", address: "+1 415 555 2671" },
    to: "+14155550100",
    body: "Where is my order?",
    ...overrides,
  });
  const countInteractions = async (externalId: string) => {
    const [row] = await app.services.db
      .select({ n: sql<number>`count(*)::int` })
      .from(interactions)
      .where(eq(interactions.externalId, externalId));
    return Number(row!.n);
  };

  /** Moves time on; sessions expire with it, so the admin signs in again. */
  const advance = async (ms: number) => {
    now = new Date(now.getTime() + ms);
    await app.admin.login(ADMIN.email, ADMIN.password);
  };

  const assign = (caseId: string, agentId: string) => assignCase(app.services, caseId, agentId);

  beforeAll(async () => {
    // Cases close 10 days after resolution here, so the 7-day reopen window is tested on its own.
    app = await startTestApp({ clock, env: { REOPEN_WINDOW_DAYS: "7", AUTO_CLOSE_DAYS: "10" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("stores a message once, whoever delivers it twice", async () => {
    const first = message();
    const a = await ingest(deps(), first);
    const b = await ingest(deps(), first);
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({
      duplicate: true,
      interaction: { id: a.interaction.id },
      case: { id: a.case.id },
    });
    expect(await countInteractions(first.externalId)).toBe(1);
  });

  it("stores a message once when copies arrive concurrently", async () => {
    const copy = message({ from: { kind: "phone", address: "+1 415 555 0199" } });
    const results = await Promise.all(Array.from({ length: 5 }, () => ingest(deps(), copy)));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.interaction.id)).size).toBe(1);
    expect(await countInteractions(copy.externalId)).toBe(1);
    const identities = await app.services.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.address, "+14155550199"));
    expect(identities).toHaveLength(1);
  });

  it("normalises the sender and threads the next message into the open case", async () => {
    const first = await ingest(deps(), message({ from: { kind: "phone", address: "(415) 555-0101" } }));
    const second = await ingest(
      deps(),
      message({ from: { kind: "phone", address: "+14155550101" }, body: "Hello?" }),
    );
    expect(first.caseCreated).toBe(true);
    expect(second.caseCreated).toBe(false);
    expect(second.case.id).toBe(first.case.id);
    expect(first.case.customerAddress).toBe("+14155550101");
    expect(first.case.state).toBe("queued");
  });

  it("threads by referenced provider ids and by a case token from the same contact only", async () => {
    const email = (address: string, overrides: Partial<InboundMessage> = {}) =>
      message({
        channel: "email",
        from: { kind: "email", address },
        subject: "Refund",
        externalId: `<${randomUUID()}@mail.test>`,
        ...overrides,
      });
    const original = await ingest(deps(), email("Buyer@Example.com"));
    expect(original.case.customerAddress).toBe("buyer@example.com");
    await performAction(deps(), { caseId: original.case.id, action: "close", actor: { type: "system" } });

    // A reply referencing the original message id joins its case even though a new one would otherwise open... unless closed.
    const open = await ingest(deps(), email("other@example.com"));
    const reply = await ingest(
      deps(),
      email("other@example.com", { thread: { referencedExternalIds: [open.interaction.externalId!] } }),
    );
    expect(reply.case.id).toBe(open.case.id);

    const byToken = await ingest(
      deps(),
      email("other@example.com", { thread: { caseNumber: open.case.number } }),
    );
    expect(byToken.case.id).toBe(open.case.id);

    // Someone else quoting the number cannot write into that case.
    const intruder = await ingest(
      deps(),
      email("intruder@example.com", { thread: { caseNumber: open.case.number } }),
    );
    expect(intruder.case.id).not.toBe(open.case.id);
  });

  it("reopens a resolved case inside the reopen window and opens a linked case after it", async () => {
    const agent = await app.createAgent();
    const phone = { kind: "phone" as const, address: "+14155550102" };
    const first = await ingest(deps(), message({ from: phone }));
    await assign(first.case.id, agent.id);
    await performAction(deps(), {
      caseId: first.case.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });

    await advance(6 * DAY);
    const within = await ingest(deps(), message({ from: phone, body: "It broke again" }));
    expect(within.case.id).toBe(first.case.id);
    expect(within.case).toMatchObject({ state: "assigned", assigneeId: agent.id, resolvedAt: null });

    await performAction(deps(), {
      caseId: first.case.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });
    await advance(7 * DAY + 60_000);
    const after = await ingest(deps(), message({ from: phone, body: "Different problem" }));
    expect(after.caseCreated).toBe(true);
    expect(after.case.linkedCaseId).toBe(first.case.id);
    expect(after.case.id).not.toBe(first.case.id);
  });

  it("closes resolved cases after the close delay, once", async () => {
    const agent = await app.createAgent();
    const created = await ingest(deps(), message({ from: { kind: "phone", address: "+14155550103" } }));
    await assign(created.case.id, agent.id);
    await performAction(deps(), {
      caseId: created.case.id,
      action: "resolve",
      actor: { type: "agent", id: agent.id },
    });

    await advance(10 * DAY - 60_000);
    await closeOverdueResolved(deps(), 100);
    expect((await app.services.db.select().from(cases).where(eq(cases.id, created.case.id)))[0]!.state).toBe(
      "resolved",
    );

    await advance(120_000);
    // The periodic sweep may get there first; either way it closes once.
    await closeOverdueResolved(deps(), 100);
    await closeOverdueResolved(deps(), 100);
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, created.case.id));
    expect(row).toMatchObject({ state: "closed" });
    const closes = await app.services.db
      .select()
      .from(caseEvents)
      .where(sql`${caseEvents.caseId} = ${created.case.id} and ${caseEvents.toState} = 'closed'`);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ type: "auto_close", fromState: "resolved", actorType: "system" });

    // The customer writes again after the close: a follow-up case linked to the closed one.
    const followUp = await ingest(
      deps(),
      message({ from: { kind: "phone", address: "+14155550103" }, body: "One more thing" }),
    );
    expect(followUp).toMatchObject({
      caseCreated: true,
      case: { linkedCaseId: created.case.id, state: "queued" },
    });
  });

  it("writes an audit row for every transition, with who made it", async () => {
    const agent = await app.createAgent();
    // Older waiting cases would be offered first: close them, so this one is next in line.
    for (const open of await app.services.db
      .select({ id: cases.id })
      .from(cases)
      .where(ne(cases.state, "closed"))) {
      await performAction(deps(), { caseId: open.id, action: "close", actor: { type: "system" } });
    }
    const created = await ingest(deps(), message({ from: { kind: "phone", address: "+14155550104" } }));
    await app.services.router.setPresence({ agentId: agent.id, presence: "available" });
    const offer = await vi.waitFor(async () => {
      const [pending] = await app.services.router.pendingOffersFor(agent.id);
      if (!pending) throw new Error("no offer yet");
      return pending;
    });
    expect(offer.caseId).toBe(created.case.id);
    await app.services.router.acceptOffer({ offerId: offer.id, agentId: agent.id });
    await addReply(deps(), { caseId: created.case.id, agentId: agent.id, body: "On it" });
    await performAction(deps(), {
      caseId: created.case.id,
      action: "wait_on_customer",
      actor: { type: "agent", id: agent.id },
    });
    const trail = await app.services.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.caseId, created.case.id))
      .orderBy(asc(caseEvents.id));
    expect(trail.map((e) => [e.type, e.fromState, e.toState, e.actorType])).toEqual([
      ["created", null, "new", "customer"],
      ["enqueue", "new", "queued", "customer"],
      ["offer", "queued", "offered", "system"],
      ["assign", "offered", "assigned", "agent"],
      ["wait_on_customer", "assigned", "waiting_on_customer", "agent"],
    ]);
  });

  it("merges a duplicate contact: identities and cases move, the loser points at the survivor", async () => {
    const byPhone = await ingest(
      deps(),
      message({ from: { kind: "phone", address: "+14155550105", name: "Maria" } }),
    );
    const byEmail = await ingest(
      deps(),
      message({
        channel: "email",
        from: { kind: "email", address: "maria@example.com" },
        externalId: `<${randomUUID()}@m>`,
      }),
    );
    const survivorId = byPhone.case.contactId;
    const mergedId = byEmail.case.contactId;
    await withUnitOfWork(deps(), (tx, uow) =>
      mergeContacts(tx, uow, { survivorId, mergedId, actor: { type: "system" }, at: now }),
    );

    const identities = await app.services.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, survivorId));
    expect(identities.map((i) => i.address).sort()).toEqual(["+14155550105", "maria@example.com"]);
    const [moved] = await app.services.db.select().from(cases).where(eq(cases.id, byEmail.case.id));
    expect(moved!.contactId).toBe(survivorId);
    const [loser] = await app.services.db.select().from(contacts).where(eq(contacts.id, mergedId));
    expect(loser!.mergedIntoId).toBe(survivorId);
    const audit = await app.services.db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.caseId, byEmail.case.id));
    expect(audit.map((e) => e.type)).toContain("contact_merged");

    // Mail from the merged address now lands on the survivor.
    const next = await ingest(
      deps(),
      message({
        channel: "email",
        from: { kind: "email", address: "maria@example.com" },
        externalId: `<${randomUUID()}@m>`,
      }),
    );
    expect(next.case.contactId).toBe(survivorId);

    await expect(
      withUnitOfWork(deps(), (tx, uow) =>
        mergeContacts(tx, uow, { survivorId, mergedId, actor: { type: "system" }, at: now }),
      ),
    ).rejects.toThrow(/already merged/);
  });

  it("rejects a message from an address that is not one", async () => {
    await expect(ingest(deps(), message({ from: { kind: "phone", address: "call me" } }))).rejects.toThrow(
      /not a valid phone number/,
    );
  });
});

/**
 * A customer proves a claimed email: the address typed into the web chat's pre-chat form gets a
 * link (through the system mailbox, at most once an hour), and confirming on the page it opens
 * verifies the identity — once. An address another contact already holds verified is never merged
 * by a proof: the claim stays unverified and the case tells agents.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { identityProofs } from "../../db/schema/contacts.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { newCase } from "../helpers/factories.ts";
import type { CapturedMail } from "../helpers/smtp-capture.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

const proofToken = (mail: CapturedMail) => {
  const match = (mail.parsed.text ?? "").match(/\/verify-email\?token=([A-Za-z0-9_-]+)/);
  if (!match) throw new Error(`no proof link in: ${mail.parsed.text}`);
  return match[1]!;
};

const confirm = (url: string, token: string) =>
  fetch(`${url}/verify-email`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });

type Identity = { id: string; kind: string; address: string; verified: boolean };

describe("customers proving a claimed email", () => {
  let email: EmailTestApp;
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const sockets: RecordingSocket[] = [];

  const visitorClaiming = async (address: string, clientId: string) => {
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    const hello = await visitor.emitWithAck("hello", { name: "Visitor", email: address });
    const ack = await visitor.emitWithAck("message", { body: "Hello", clientId });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, ack.caseId));
    return {
      visitor,
      visitorToken: hello.visitorToken as string,
      caseId: ack.caseId as string,
      contactId: row!.contactId,
    };
  };
  const claimOf = async (contactId: string, address: string) =>
    ((await agent.api.get(`/api/contacts/${contactId}`)).body.identities as Identity[]).find(
      (identity) => identity.kind === "email" && identity.address === address,
    );

  beforeAll(async () => {
    email = await startEmailApp();
    app = email.app;
    agent = await app.createAgent();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await email?.close();
  });

  it("mails a proof link that verifies the claim once; saying hello again within the hour mails nothing more", async () => {
    const { visitor, visitorToken, contactId } = await visitorClaiming(
      "mia@customer.example",
      "client-msg-mia01",
    );
    const mail = await email.smtp.waitFor((m) => m.recipients.includes("mia@customer.example"));
    expect(mail.parsed.subject).toMatch(/confirm your email/i);
    await visitor.emitWithAck("hello", { visitorToken, name: "Visitor", email: "mia@customer.example" });
    const token = proofToken(mail);
    expect((await claimOf(contactId, "mia@customer.example"))?.verified).toBe(false);

    const page = await fetch(`${app.url}/verify-email?token=${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("mia@customer.example");
    expect(html).toContain('action="/verify-email"');
    // Opening the page proves nothing: only the button does.
    expect((await claimOf(contactId, "mia@customer.example"))?.verified).toBe(false);

    const proven = await confirm(app.url, token);
    expect(proven.status).toBe(200);
    expect(await proven.text()).toMatch(/Thank you/);
    expect((await claimOf(contactId, "mia@customer.example"))?.verified).toBe(true);
    const again = await confirm(app.url, token);
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already used/);
    const claim = await claimOf(contactId, "mia@customer.example");
    expect(
      await app.services.db.select().from(identityProofs).where(eq(identityProofs.identityId, claim!.id)),
    ).toHaveLength(1);
    expect(email.smtp.messages.filter((m) => m.recipients.includes("mia@customer.example"))).toHaveLength(1);
    const unknown = await fetch(`${app.url}/verify-email?token=${"x".repeat(43)}`);
    expect(unknown.status).toBe(404);
  });

  it("leaves a claim unverified when another contact holds the address verified, and tells agents on the case", async () => {
    const owner = await newCase(app.services, {
      channel: "email",
      from: { kind: "email", address: "olga@customer.example", name: "Olga" },
      externalId: "<olga-1@customer.example>",
    });
    const { caseId, contactId } = await visitorClaiming("olga@customer.example", "client-msg-olga1");
    const mail = await email.smtp.waitFor(
      (m) => m.recipients.includes("olga@customer.example") && /verify-email/.test(m.parsed.text ?? ""),
    );
    const proven = await confirm(app.url, proofToken(mail));
    expect(proven.status).toBe(200);

    expect((await claimOf(contactId, "olga@customer.example"))?.verified).toBe(false);
    expect(contactId).not.toBe(owner.contactId);
    const [ownerContact] = (await agent.api.get(`/api/contacts/${owner.contactId}`)).body
      .identities as Identity[];
    expect(ownerContact).toMatchObject({ address: "olga@customer.example", verified: true });
    const notes = await app.services.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, "identity_proof_held_elsewhere")));
    expect(notes).toEqual([
      expect.objectContaining({
        actorType: "customer",
        details: expect.objectContaining({
          address: "olga@customer.example",
          ownerContactId: owner.contactId,
        }),
      }),
    ]);
  });
});

describe("claimed emails without a mailbox", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("makes no proof when nothing can mail it", async () => {
    const visitor = await connectVisitor(app.url);
    try {
      await visitor.emitWithAck("hello", { name: "Visitor", email: "nora@customer.example" });
      expect(await app.services.db.select().from(identityProofs)).toEqual([]);
    } finally {
      visitor.close();
    }
  });
});

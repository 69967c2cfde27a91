/**
 * Header threading respects the sender, against a real Dovecot: a stranger quoting another
 * customer's Message-ID opens a case of their own, linked to the quoted one and kept off that
 * customer's status page; a colleague CC'd on the thread still threads, marked as a third party;
 * mail from an address a chat visitor only typed into the pre-chat form does not reach that visitor.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStatusToken } from "../../channels/status-updates/status-token.ts";
import { cases } from "../../db/schema/cases.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import { plainEmail } from "../helpers/email-fixtures.ts";
import { assignCase } from "../helpers/factories.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("email threading by sender", () => {
  let email: EmailTestApp;
  let agent: Awaited<ReturnType<EmailTestApp["app"]["createAgent"]>>;
  const sockets: RecordingSocket[] = [];

  const caseRow = async (id: string) =>
    (await email.app.services.db.select().from(cases).where(eq(cases.id, id)))[0]!;

  /** A customer's first mail, CC'ing `cc` when given, and the case it opened. */
  const customerCase = async (from: string, messageId: string, cc?: string) => {
    await email.dovecot.append(
      plainEmail({
        from,
        subject: "My refund",
        body: "Where is my refund?",
        messageId,
        headers: cc ? { Cc: cc } : {},
      }),
    );
    return (await email.waitForInteraction(messageId)).caseId;
  };

  beforeAll(async () => {
    email = await startEmailApp();
    agent = await email.app.createAgent({ name: "Ana" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await email?.close();
  });

  it("opens a stranger's reply to another customer's thread as its own case, linked and off the status page", async () => {
    const original = await customerCase("Grace <grace@customer.example>", "<grace-1@customer.example>");
    await assignCase(email.app.services, original, agent.id);
    const reply = await agent.api.post(`/api/cases/${original}/replies`, { body: "Refund sent today." });
    expect(reply.status).toBe(201);
    const sent = await email.smtp.waitFor(
      (mail) => mail.header("message-id")?.includes(reply.body.id) ?? false,
    );
    const ourId = sent.header("message-id")!;

    await email.dovecot.append(
      plainEmail({
        from: "Mallory <mallory@evil.example>",
        subject: "Re: My refund",
        body: "Please send the refund to my account instead.",
        messageId: "<mallory-1@evil.example>",
        inReplyTo: ourId,
        references: ["<grace-1@customer.example>", ourId],
      }),
    );
    const stranger = await email.waitForInteraction("<mallory-1@evil.example>");
    expect(stranger.caseId).not.toBe(original);
    const strangerCase = await caseRow(stranger.caseId);
    expect(strangerCase.contactId).not.toBe((await caseRow(original)).contactId);

    const strangerDetail = await agent.api.get(`/api/cases/${stranger.caseId}`);
    expect(strangerDetail.status).toBe(200);
    expect(strangerDetail.body.linkedCases).toEqual([
      expect.objectContaining({ id: original, reason: "quoted_thread", direction: "from" }),
    ]);
    const originalDetail = await agent.api.get(`/api/cases/${original}`);
    expect(originalDetail.body.linkedCases).toEqual([
      expect.objectContaining({ id: stranger.caseId, reason: "quoted_thread", direction: "to" }),
    ]);
    expect(originalDetail.body.interactions.map((i: { body: string }) => i.body)).not.toContain(
      "Please send the refund to my account instead.",
    );

    const token = signStatusToken(email.app.services.statusUpdates.settings.secret, original);
    const page = await email.app.admin.get(`/api/status/${token}`);
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.body)).not.toContain("refund to my account");
  });

  it("threads a reply from a colleague CC'd on the thread, marked as a third party", async () => {
    const original = await customerCase(
      "Henry <henry@customer.example>",
      "<henry-1@customer.example>",
      "Iris <iris@customer.example>",
    );
    await email.dovecot.append(
      plainEmail({
        from: "Iris <iris@customer.example>",
        subject: "Re: My refund",
        body: "Adding the order number: 5512.",
        messageId: "<iris-1@customer.example>",
        inReplyTo: "<henry-1@customer.example>",
      }),
    );
    const colleague = await email.waitForInteraction("<iris-1@customer.example>");
    expect(colleague.caseId).toBe(original);
    expect(colleague.metadata).toMatchObject({ thirdParty: true });
    const henry = await email.waitForInteraction("<henry-1@customer.example>");
    expect(henry.metadata).not.toHaveProperty("thirdParty");

    const token = signStatusToken(email.app.services.statusUpdates.settings.secret, original);
    const page = await email.app.admin.get(`/api/status/${token}`);
    expect(JSON.stringify(page.body)).not.toContain("order number: 5512");
  });

  it("does not give a chat visitor the mail of an address they only typed in", async () => {
    const visitor = await connectVisitor(email.app.url);
    sockets.push(visitor);
    await visitor.emitWithAck("hello", { name: "Not Jane", email: "jane@customer.example" });
    const chat = await visitor.emitWithAck("message", { body: "Hi", clientId: "client-msg-jane1" });
    const visitorContact = (await caseRow(chat.caseId)).contactId;

    await email.dovecot.append(
      plainEmail({
        from: "Jane <jane@customer.example>",
        subject: "My account",
        body: "Please reset my password.",
        messageId: "<jane-1@customer.example>",
      }),
    );
    const mail = await email.waitForInteraction("<jane-1@customer.example>");
    const mailContact = (await caseRow(mail.caseId)).contactId;
    expect(mailContact).not.toBe(visitorContact);
    const contact = await agent.api.get(`/api/contacts/${mailContact}`);
    expect(contact.body.identities).toEqual([
      expect.objectContaining({ kind: "email", address: "jane@customer.example", verified: true }),
    ]);
    const claimed = await agent.api.get(`/api/contacts/${visitorContact}`);
    expect(claimed.body.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "email", address: "jane@customer.example", verified: false }),
      ]),
    );
  });
});

/**
 * Email end to end against a real Dovecot and SMTP server: a customer's mail becomes a case, the
 * agent's reply goes out as a real reply, the replies Gmail and Outlook send back from people on the
 * thread join the same case (one from an address not on it opens a linked case), a bounce marks the
 * reply failed, and SMTP refusals end as the outbox expects.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases, interactions } from "../../db/schema/cases.ts";
import { type EmailTestApp, SUPPORT, startEmailApp } from "../helpers/email-app.ts";
import { emailFixtureBytes, plainEmail } from "../helpers/email-fixtures.ts";
import { assignCase } from "../helpers/factories.ts";

const CAROL_FIRST = "<CAJ8fG2pX3-vq1kRk9nWm5r8mTqzJ7Wz1nYb0Q9xhE4v7kJ0aBw@mail.gmail.com>";

describe("email path", () => {
  let email: EmailTestApp;
  let agent: Awaited<ReturnType<EmailTestApp["app"]["createAgent"]>>;
  let caseId = "";
  let caseNumber = 0;
  let replyId = "";

  const replyAndCapture = async (body: string, extra: Record<string, unknown> = {}) => {
    const reply = await agent.api.post(`/api/cases/${caseId}/replies`, { body, ...extra });
    expect(reply.status).toBe(201);
    const sent = await email.smtp.waitFor(
      (mail) => mail.header("message-id")?.includes(reply.body.id) ?? false,
    );
    return { id: reply.body.id as string, sent };
  };
  const interactionRow = async (id: string) =>
    (await email.app.services.db.select().from(interactions).where(eq(interactions.id, id)))[0]!;
  const caseRow = async (id: string) =>
    (await email.app.services.db.select().from(cases).where(eq(cases.id, id)))[0]!;

  beforeAll(async () => {
    email = await startEmailApp();
    agent = await email.app.createAgent({ name: "Ana" });
  });
  afterAll(async () => {
    await email?.close();
  });

  it("turns a customer's email into a case with the sanitised HTML and the raw source kept", async () => {
    await email.dovecot.append(emailFixtureBytes("gmail-new.eml"));
    const inbound = await email.waitForInteraction(CAROL_FIRST);
    const detail = await email.app.admin.get(`/api/cases/${inbound.caseId}`);
    expect(detail.body).toMatchObject({
      subject: "Order 5512 has not arrived",
      channel: "email",
      customerAddress: "carol.customer@gmail.com",
      channelAddress: SUPPORT,
      contact: {
        name: "Carol Customer",
        identities: [{ kind: "email", address: "carol.customer@gmail.com" }],
      },
    });
    expect(inbound.body).toContain("The tracking page says “label created” since 12 November.");
    const metadata = inbound.metadata as Record<string, unknown>;
    expect(metadata.html).toContain("I ordered a kettle");
    expect(metadata.html).not.toMatch(/script|onerror/);
    expect(metadata.noAutoReply).toBeUndefined();
    const raw = await email.app.services.storage.get(metadata.rawKey as string);
    expect(raw.toString("latin1")).toContain(`Message-ID: ${CAROL_FIRST}`);
    caseId = inbound.caseId;
    caseNumber = detail.body.number;

    const mailboxes = await email.app.admin.get("/api/mailboxes");
    expect(mailboxes.body.items).toEqual([
      expect.objectContaining({
        name: "default",
        address: SUPPORT,
        fromEnv: true,
        lastUid: 1,
        lastError: null,
      }),
    ]);
  });

  it("sends the agent's reply as a real reply, with CC, and keeps its Message-ID", async () => {
    await assignCase(email.app.services, caseId, agent.id);
    const { id, sent } = await replyAndCapture(
      "Hi Carol,\n\nSorry for the wait. The parcel left our warehouse this morning.",
      {
        cc: ["oliver.okafor@contoso.com"],
      },
    );
    replyId = id;
    const ourId = `<${id}@acme.example>`;
    expect(sent.header("message-id")).toBe(ourId);
    expect(sent.header("in-reply-to")).toBe(CAROL_FIRST);
    expect(sent.header("references")).toBe(CAROL_FIRST);
    expect(sent.parsed.subject).toBe(`Re: Order 5512 has not arrived [#${caseNumber}]`);
    expect(sent.header("from")).toBe(`"Ana (Acme Support)" <${SUPPORT}>`);
    expect(sent.header("cc")).toBe("oliver.okafor@contoso.com");
    expect(sent.header("auto-submitted")).toBeUndefined();
    expect(sent.recipients.sort()).toEqual(["carol.customer@gmail.com", "oliver.okafor@contoso.com"]);
    expect(sent.parsed.text).toContain("The parcel left our warehouse this morning.");
    expect(sent.parsed.html).toContain("<p>Hi Carol,</p>");
    await expect.poll(async () => (await interactionRow(id)).status, { timeout: 10_000 }).toBe("sent");
    expect((await interactionRow(id)).externalId).toBe(ourId);
  });

  it("threads replies from Gmail, Outlook and Apple Mail into the same case", async () => {
    const ourId = `<${replyId}@acme.example>`;
    const subject = `Re: Order 5512 has not arrived [#${caseNumber}]`;
    const values = {
      IN_REPLY_TO: ourId,
      REFERENCES: `${CAROL_FIRST} ${ourId}`,
      REPLY_SUBJECT: subject,
      SUBJECT_NO_RE: subject.replace(/^Re: /, ""),
    };
    const replies = {
      gmail: "<CAJ8fG2qT5n0Rw3Lp7Zb2Vx9cK4mYhU1oE6dA8sFj3gH0tW5iNw@mail.gmail.com>",
      outlook: "<DB9PR07MB7771C3A4F5E2B3D9A1F0C2B8D1A42@DB9PR07MB7771.eurprd07.prod.outlook.com>",
      apple: "<0F6C2B1E-8A9D-4E3F-B5C7-2D1A9E8F7C60@icloud.com>",
    };
    for (const fixture of ["gmail-reply.eml", "outlook-reply.eml", "apple-mail-reply.eml"])
      await email.dovecot.append(emailFixtureBytes(fixture, values));
    // Carol from her Gmail address and Oliver, whom our reply CC'd, belong to the thread.
    for (const messageId of [replies.gmail, replies.outlook]) {
      const stored = await email.waitForInteraction(messageId);
      expect(stored.caseId).toBe(caseId);
      expect(stored.direction).toBe("inbound");
    }
    const outlook = await email.waitForInteraction(replies.outlook);
    expect(outlook.body).toContain("please deliver to our reception");
    expect(outlook.metadata).toMatchObject({ thirdParty: true });
    expect((outlook.metadata.headers as Record<string, string>)["thread-index"]).toBeDefined();
    // Her iCloud address never appeared on the thread: it could be anyone quoting it, so it opens a
    // case of its own, linked, for an agent to check (and merge the contacts if it is her).
    const apple = await email.waitForInteraction(replies.apple);
    expect(apple.caseId).not.toBe(caseId);
    const linked = await agent.api.get(`/api/cases/${apple.caseId}`);
    expect(linked.body.linkedCases).toEqual([
      expect.objectContaining({ id: caseId, reason: "quoted_thread", direction: "from" }),
    ]);
    const caseRows = await email.app.services.db.select({ id: cases.id }).from(cases);
    expect(caseRows).toHaveLength(2);

    // The next reply answers the latest message on the case and carries its thread.
    const { sent } = await replyAndCapture("Noted, we will tell the courier.");
    expect(sent.header("in-reply-to")).toBe(replies.outlook);
    expect(sent.header("references")).toBe(`${CAROL_FIRST} ${ourId} ${replies.outlook}`);
    expect(sent.parsed.subject).toBe(subject);
  });

  it("marks a reply failed when its bounce comes back, without opening a case", async () => {
    const { id } = await replyAndCapture("One more update on your order.");
    await expect.poll(async () => (await interactionRow(id)).status, { timeout: 10_000 }).toBe("sent");
    const before = (await email.app.services.db.select({ id: cases.id }).from(cases)).length;
    const uid = await email.dovecot.append(
      emailFixtureBytes("dsn-postfix.eml", {
        RECIPIENT: "carol.customer@gmail.com",
        ORIGINAL_SUBJECT: `Re: Order 5512 has not arrived [#${caseNumber}]`,
        ORIGINAL_MESSAGE_ID: `<${id}@acme.example>`,
      }),
    );
    await expect.poll(async () => (await interactionRow(id)).status, { timeout: 15_000 }).toBe("failed");
    expect((await interactionRow(id)).statusReason).toMatch(
      /^Not delivered to carol\.customer@gmail\.com: the mailbox does not exist \(5\.1\.1\)\. The receiving server said: 550 5\.1\.1/,
    );
    expect((await email.app.services.db.select({ id: cases.id }).from(cases)).length).toBe(before);
    await expect
      .poll(async () => (await email.app.admin.get("/api/mailboxes")).body.items[0].lastUid, {
        timeout: 10_000,
      })
      .toBe(uid);
  });

  it("stores a bounce about mail that is not ours as an ordinary case that is never answered automatically", async () => {
    await email.dovecot.append(
      emailFixtureBytes("dsn-gmail.eml", {
        RECIPIENT: "someone@elsewhere.example",
        ORIGINAL_SUBJECT: "Hello",
        ORIGINAL_MESSAGE_ID: "<not-ours-1@elsewhere.example>",
      }),
    );
    const stored = await email.waitForInteraction(
      "<6741c7f1.170a0220.3b9f2.8c1eSMTPIN_ADDED_BROKEN@mx.google.com>",
    );
    expect(stored.caseId).not.toBe(caseId);
    expect(stored.metadata).toMatchObject({ noAutoReply: true, loopReason: "Auto-Submitted: auto-replied" });
  });

  it("fails a reply the server refuses for good, and retries one it defers", async () => {
    email.smtp.refuseRecipients({
      code: 550,
      text: "5.1.1 <carol.customer@gmail.com>: Recipient address rejected",
    });
    const refused = await agent.api.post(`/api/cases/${caseId}/replies`, {
      body: "This one bounces at once.",
    });
    await expect
      .poll(async () => (await interactionRow(refused.body.id)).status, { timeout: 10_000 })
      .toBe("failed");
    expect((await interactionRow(refused.body.id)).statusReason).toMatch(
      /refused the message: .*550.*Recipient address rejected/,
    );

    email.smtp.refuseRecipients({ code: 451, text: "4.7.1 Try again later" });
    const deferred = await agent.api.post(`/api/cases/${caseId}/replies`, {
      body: "This one waits a little.",
    });
    await expect
      .poll(async () => (await interactionRow(deferred.body.id)).statusReason ?? "", { timeout: 10_000 })
      .toMatch(/Attempt 1 failed: The mail server deferred the message: .*451/);
    email.smtp.refuseRecipients(null);
    await expect
      .poll(async () => (await interactionRow(deferred.body.id)).status, { timeout: 15_000 })
      .toBe("sent");
    const copies = email.smtp.messages.filter((mail) =>
      mail.header("message-id")?.includes(deferred.body.id),
    );
    expect(copies).toHaveLength(1);
  });

  it("fails a reply when the SMTP server refuses our credentials, saying so", async () => {
    email.smtp.refuseLogin(true);
    try {
      const reply = await agent.api.post(`/api/cases/${caseId}/replies`, { body: "Credentials check." });
      await expect
        .poll(async () => (await interactionRow(reply.body.id)).status, { timeout: 10_000 })
        .toBe("failed");
      expect((await interactionRow(reply.body.id)).statusReason).toMatch(/refused our credentials.*535/);
    } finally {
      email.smtp.refuseLogin(false);
    }
  });

  it("threads by the case token when the ids are gone, and a forged token cannot reach another customer's case", async () => {
    await email.dovecot.append(
      plainEmail({
        from: "Carol Customer <carol.customer@gmail.com>",
        subject: `Fwd: my order [#${caseNumber}]`,
        body: "Forwarding this from my phone.",
        messageId: "<token-thread-1@mail.gmail.com>",
      }),
    );
    expect((await email.waitForInteraction("<token-thread-1@mail.gmail.com>")).caseId).toBe(caseId);
    await email.dovecot.append(
      plainEmail({
        from: "Mallory <mallory@evil.example>",
        subject: `Re: [#${caseNumber}] let me in`,
        body: "Hello",
        messageId: "<forged-token-1@evil.example>",
      }),
    );
    expect((await email.waitForInteraction("<forged-token-1@evil.example>")).caseId).not.toBe(caseId);
  });

  it("opens a new case for a new subject from a customer whose case is still open", async () => {
    await email.dovecot.append(
      plainEmail({
        from: "Carol Customer <carol.customer@gmail.com>",
        subject: "Another thing: my invoice address",
        body: "Unrelated to my order: please change my invoice address.",
        messageId: "<new-topic-1@mail.gmail.com>",
      }),
    );
    const fresh = await email.waitForInteraction("<new-topic-1@mail.gmail.com>");
    expect(fresh.caseId).not.toBe(caseId);
    expect((await caseRow(fresh.caseId)).state).not.toBe("closed");
    expect((await caseRow(caseId)).state).not.toBe("closed");
  });
});

/**
 * Reading real-shaped mail: replies from Gmail, Outlook and Apple Mail, bounces, an out-of-office,
 * attachments, other charsets, a message without Message-ID, and hostile HTML.
 */
import { describe, expect, it } from "vitest";
import {
  deliveryOutcome,
  describeFailure,
  readDeliveryReport,
} from "../../channels/email/delivery-report.ts";
import { inboundEmail, oversizedEmail } from "../../channels/email/inbound-email.ts";
import { parseEmail, SYNTHETIC_ID_DOMAIN } from "../../channels/email/parse-email.ts";
import { emailFixtureBytes } from "../helpers/email-fixtures.ts";

const OUR_ID = "<7a3e1c52-9f0b-4c1e-8d2a-5b6c7d8e9f01@acme.example>";
const REPLY = {
  IN_REPLY_TO: OUR_ID,
  REFERENCES: `<CAJ8fG2pX3-vq1kRk9nWm5r8mTqzJ7Wz1nYb0Q9xhE4v7kJ0aBw@mail.gmail.com> ${OUR_ID}`,
  REPLY_SUBJECT: "Re: Order 5512 has not arrived [#1001]",
  SUBJECT_NO_RE: "Order 5512 has not arrived [#1001]",
};
const BOUNCE = {
  RECIPIENT: "nobody@customer.example",
  ORIGINAL_SUBJECT: "Re: Order 5512 has not arrived [#1001]",
  ORIGINAL_MESSAGE_ID: OUR_ID,
};
const mailbox = { address: "support@acme.example", queueId: null };
const parse = (name: string, values: Record<string, string> = {}) =>
  parseEmail(emailFixtureBytes(name, values));

describe("replies from the big mail clients", () => {
  it.each([
    [
      "gmail-reply.eml",
      "carol.customer@gmail.com",
      "Re: Order 5512 has not arrived [#1001]",
      /watch out for the courier/,
    ],
    [
      "outlook-reply.eml",
      "oliver.okafor@contoso.com",
      "RE: Order 5512 has not arrived [#1001]",
      /deliver to our reception/,
    ],
    [
      "apple-mail-reply.eml",
      "carol.customer@icloud.com",
      "Re: Order 5512 has not arrived [#1001]",
      /it’s the flat on the second floor/,
    ],
  ])("%s answers our message and names the case", async (fixture, from, subject, text) => {
    const email = await parse(fixture, REPLY);
    expect(email.from?.address).toBe(from);
    expect(email.subject).toBe(subject);
    expect(email.inReplyTo).toBe(OUR_ID);
    expect(email.references).toContain(OUR_ID);
    expect(email.text).toMatch(text);
    expect(email.automaticReason).toBeNull();
    const message = inboundEmail(email, {
      mailbox,
      receivedAt: new Date(),
      rawKey: "raw/x",
      attachments: [],
    });
    expect(message.thread).toEqual({
      referencedExternalIds: expect.arrayContaining([OUR_ID]),
      caseNumber: 1001,
      // Mail never falls back to "the customer's latest open case": a new subject is a new case.
      strict: true,
    });
    expect(message.thread?.referencedExternalIds?.[0]).toBe(OUR_ID);
    expect(message.metadata).not.toHaveProperty("noAutoReply");
  });

  it("keeps Outlook's thread index and CC", async () => {
    const email = await parse("outlook-reply.eml", REPLY);
    expect(email.cc).toEqual([{ address: "carol.customer@gmail.com", name: "Carol Customer" }]);
    const message = inboundEmail(email, { mailbox, receivedAt: new Date(), rawKey: null, attachments: [] });
    expect(message.metadata?.headers).toMatchObject({
      "thread-index": "AQHbXk7Lr0pWq1d3E0qQmS1wbTz3N7SdVgcwgAAFx9A=",
    });
  });
});

describe("HTML", () => {
  it("is stored without scripts, handlers or javascript: links", async () => {
    const email = await parse("gmail-new.eml");
    expect(email.html).toContain("I ordered a kettle");
    expect(email.html).not.toMatch(/<script|onerror|alert\(/i);
    const attachments = await parse("attachments.eml");
    expect(attachments.html).toContain('src="cid:ii_m3q7x1k20"');
    expect(attachments.html).not.toContain("javascript:");
  });

  it("keeps Outlook's markup readable and drops its style sheet", async () => {
    const email = await parse("outlook-reply.eml", REPLY);
    expect(email.html).toContain("Carol asked me to add");
    expect(email.html).not.toMatch(/<style|font-face|MsoNormal/);
  });
});

describe("charsets", () => {
  it.each([
    [
      "iso-8859-1.eml",
      "Jürgen Müller",
      "Beschädigte Kaffeemühle - Bestellung 8841",
      "Mit freundlichen Grüßen",
    ],
    ["windows-1252.eml", "Seán O’Brien", "Charged twice – “Premium” plan", "€29.99 each time"],
    ["shift-jis.eml", "山田 花子", "注文番号9920が届きません", "電気ケトルがまだ届いていません"],
  ])("%s decodes names, subject and body", async (fixture, name, subject, phrase) => {
    const email = await parse(fixture);
    expect(email.from?.name).toBe(name);
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(phrase);
  });
});

describe("attachments", () => {
  it("reads the PDF and the inline image with their names, types and sizes", async () => {
    const email = await parse("attachments.eml");
    expect(email.attachments.map(({ content: _content, ...rest }) => rest)).toEqual([
      { filename: "lid.png", contentType: "image/png", size: 467, contentId: "ii_m3q7x1k20", inline: true },
      {
        filename: "receipt-5512.pdf",
        contentType: "application/pdf",
        size: 3088,
        contentId: "f_m3q7x1k31",
        inline: false,
      },
    ]);
    expect(email.attachments[1]!.content.subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
  });
});

describe("a message without Message-ID", () => {
  it("gets a stable id from its bytes", async () => {
    const first = await parse("no-message-id.eml");
    const again = await parse("no-message-id.eml");
    expect(first.messageIdSynthetic).toBe(true);
    expect(first.messageId).toMatch(
      new RegExp(`^<[0-9a-f]{40}@${SYNTHETIC_ID_DOMAIN.replaceAll(".", "\\.")}>$`),
    );
    expect(again.messageId).toBe(first.messageId);
  });
});

describe("delivery status notifications", () => {
  it.each(["dsn-postfix.eml", "dsn-gmail.eml"])(
    "%s names our message, the recipient and why",
    async (fixture) => {
      const email = await parse(fixture, BOUNCE);
      expect(email.deliveryReport?.originalMessageIds[0]).toBe(OUR_ID);
      expect(email.deliveryReport?.recipients).toEqual([
        expect.objectContaining({ recipient: "nobody@customer.example", action: "failed", status: "5.1.1" }),
      ]);
      expect(deliveryOutcome(email.deliveryReport!)).toBe("failed");
      const reason = describeFailure(email.deliveryReport!);
      expect(reason).toMatch(
        /^Not delivered to nobody@customer\.example: the mailbox does not exist \(5\.1\.1\)\./,
      );
      expect(reason).toMatch(/The receiving server said: 550.5\.1\.1/);
      expect(email.automaticReason).not.toBeNull();
    },
  );

  it("treats a delay warning as no change and a success report as delivered", () => {
    const status = (action: string, code: string) =>
      readDeliveryReport({
        deliveryStatus: `Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@b.example\nAction: ${action}\nStatus: ${code}\n`,
        originalMessage: null,
        inReplyTo: OUR_ID,
        references: [],
      });
    expect(deliveryOutcome(status("delayed", "4.4.1"))).toBeNull();
    expect(deliveryOutcome(status("delivered", "2.0.0"))).toBe("delivered");
    expect(status("delayed", "4.4.1").originalMessageIds).toEqual([OUR_ID]);
  });
});

describe("automatic mail", () => {
  it("flags an out-of-office so nothing is sent back automatically", async () => {
    const email = await parse("out-of-office.eml");
    const message = inboundEmail(email, { mailbox, receivedAt: new Date(), rawKey: null, attachments: [] });
    expect(message.metadata).toMatchObject({ noAutoReply: true, loopReason: "Auto-Submitted: auto-replied" });
  });
});

describe("mail from our own address", () => {
  it("is never answered automatically, so we do not mail ourselves in a circle", async () => {
    const email = await parse("gmail-new.eml");
    const message = inboundEmail(email, {
      mailbox: { address: "Carol.Customer@gmail.com", queueId: null },
      receivedAt: new Date(),
      rawKey: null,
      attachments: [],
    });
    expect(message.metadata).toMatchObject({
      noAutoReply: true,
      loopReason: expect.stringMatching(/own address/),
    });
  });
});

describe("a message too large to fetch", () => {
  it("becomes a stand-in naming its size and sender", async () => {
    const email = await parse("gmail-new.eml");
    const message = oversizedEmail(email, {
      mailbox,
      receivedAt: new Date(),
      size: 40 * 1024 * 1024,
      limit: 34 * 1024 * 1024,
    });
    expect(message.body).toMatch(/too large to fetch: 40\.0 MB \(the limit is 34\.0 MB\)/);
    expect(message.body).toContain("Carol Customer <carol.customer@gmail.com>");
    expect(message.metadata).toMatchObject({ tooLarge: true, size: 40 * 1024 * 1024, rawKey: null });
    expect(message.externalId).toBe("<CAJ8fG2pX3-vq1kRk9nWm5r8mTqzJ7Wz1nYb0Q9xhE4v7kJ0aBw@mail.gmail.com>");
  });
});

/** The pure header rules of the email channel: ids, case tokens, reply subjects and threads, loops. */
import { describe, expect, it } from "vitest";
import { composeReply, outboundMessageId, senderName } from "../../channels/email/compose-reply.ts";
import {
  automaticMailReason,
  caseNumberFromSubject,
  headerValues,
  MAX_REFERENCES,
  messageIdList,
  normaliseMessageId,
  replySubject,
  replyThreadHeaders,
  stripReplyPrefixes,
} from "../../channels/email/headers.ts";
import { receivedAtOf } from "../../channels/email/inbound-email.ts";
import { messageSizeLimit } from "../../channels/email/store-email.ts";
import type { OutboundMessage } from "../../channels/types.ts";

const headers = (lines: Record<string, string>) =>
  headerValues(Object.entries(lines).map(([key, value]) => ({ key, line: `${key}: ${value}` })));

describe("message ids", () => {
  it("keeps angle brackets, accepts bare ids, refuses what is not an id", () => {
    expect(normaliseMessageId(" <abc@mail.example> ")).toBe("<abc@mail.example>");
    expect(normaliseMessageId("abc@mail.example")).toBe("<abc@mail.example>");
    expect(normaliseMessageId("not an id")).toBeNull();
    expect(normaliseMessageId(undefined)).toBeNull();
  });

  it("reads References in order, once each, from a string or mailparser's array", () => {
    expect(messageIdList("<a@x> <b@x>\r\n <c@x> <a@x>")).toEqual(["<a@x>", "<b@x>", "<c@x>"]);
    expect(messageIdList(["<a@x>", "<b@x>"])).toEqual(["<a@x>", "<b@x>"]);
    expect(messageIdList("a@x")).toEqual(["<a@x>"]);
    expect(messageIdList(undefined)).toEqual([]);
  });
});

describe("case token and reply subject", () => {
  it("finds the last [#number] in a subject", () => {
    expect(caseNumberFromSubject("Re: Order late [#1042]")).toBe(1042);
    expect(caseNumberFromSubject("RE: AW: [#7] forwarded [#1043]")).toBe(1043);
    expect(caseNumberFromSubject("Order #1042 late")).toBeUndefined();
    expect(caseNumberFromSubject(null)).toBeUndefined();
  });

  it("adds Re: and the token once, whatever the customer's client did to the subject", () => {
    expect(replySubject("Order 5512 has not arrived", 1001)).toBe("Re: Order 5512 has not arrived [#1001]");
    expect(replySubject("Re: Order 5512 has not arrived [#1001]", 1001)).toBe(
      "Re: Order 5512 has not arrived [#1001]",
    );
    expect(replySubject("RE: Order 5512", 1001)).toBe("RE: Order 5512 [#1001]");
    expect(replySubject("AW: Bestellung", 7)).toBe("AW: Bestellung [#7]");
    expect(replySubject("   ", 9)).toBe("Re: Your request [#9]");
    expect(replySubject("Refund please", 9)).toBe("Re: Refund please [#9]");
  });

  it("strips stacked reply and forward prefixes", () => {
    expect(stripReplyPrefixes("RE: Fwd: AW: Order late")).toBe("Order late");
    expect(stripReplyPrefixes("Re[2]: Order late")).toBe("Order late");
  });
});

describe("reply threading headers", () => {
  it("answers the parent and appends it to its references", () => {
    expect(replyThreadHeaders({ messageId: "<c@x>", references: ["<a@x>", "<b@x>"] })).toEqual({
      inReplyTo: "<c@x>",
      references: ["<a@x>", "<b@x>", "<c@x>"],
    });
  });

  it("keeps the first id and the latest ones when the chain grows long", () => {
    const references = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
    const { references: kept } = replyThreadHeaders({ messageId: "<last@x>", references });
    expect(kept).toHaveLength(MAX_REFERENCES);
    expect(kept[0]).toBe("<m0@x>");
    expect(kept.at(-1)).toBe("<last@x>");
    expect(kept.at(-2)).toBe("<m39@x>");
  });
});

describe("mail a machine wrote", () => {
  const person = "carol@customer.example";
  it.each([
    [{ "Auto-Submitted": "auto-replied" }, person, /Auto-Submitted: auto-replied/],
    [{ "Auto-Submitted": "auto-generated; type=vacation" }, person, /Auto-Submitted/],
    [{ Precedence: "bulk" }, person, /Precedence: bulk/],
    [{ Precedence: "list" }, person, /Precedence: list/],
    [{ Precedence: "junk" }, person, /Precedence: junk/],
    [{ "X-Loop": "support@acme.example" }, person, /X-Loop/],
    [{ "X-Auto-Response-Suppress": "All" }, person, /X-Auto-Response-Suppress: All/],
    [{ "List-Id": "<news.shop.example>" }, person, /List-Id/],
    [{ "List-Unsubscribe": "<mailto:leave@shop.example>" }, person, /List-Unsubscribe/],
    [{}, "MAILER-DAEMON@mx.example", /automatic address/],
    [{}, "postmaster@mx.example", /automatic address/],
    [{}, "noreply@shop.example", /automatic address/],
    [{}, "no-reply@shop.example", /automatic address/],
    [{}, "do-not-reply@shop.example", /automatic address/],
    [{ "Return-Path": "<>" }, person, /Empty Return-Path/],
  ])("%o from %s is flagged", (lines, from, reason) => {
    expect(automaticMailReason(headers(lines), from)).toMatch(reason);
  });

  it.each([
    [{ "Auto-Submitted": "no" }, person],
    [{ Precedence: "first-class" }, person],
    [{}, "norbert@customer.example"],
    [{}, "replies@customer.example"],
  ])("%o from %s is a person's mail", (lines, from) => {
    expect(automaticMailReason(headers(lines), from)).toBeNull();
  });
});

describe("composing a reply", () => {
  const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
    interactionId: "6f1c1f0e-4b7a-4d1e-9a55-1b2c3d4e5f60",
    caseId: "1b0c4c6e-0d7d-4f53-8f00-3c8b0a3c9e11",
    caseNumber: 1042,
    channel: "email",
    to: "carol@customer.example",
    from: "support@acme.example",
    subject: "Order 5512 has not arrived",
    body: "Hi Carol,\n\nit ships today.",
    agent: { id: "a1", name: "Ana" },
    metadata: {},
    ...overrides,
  });
  const mailbox = { address: "support@acme.example", fromName: "Acme Support" };

  it("is a real reply: our id, the parent's thread, the token, the agent beside the mailbox", () => {
    const email = composeReply(
      outbound({ metadata: { cc: ["Oliver@Contoso.example", "carol@customer.example", "bad address"] } }),
      mailbox,
      { messageId: "<p2@mail.example>", references: ["<p1@mail.example>"] },
    );
    expect(email).toMatchObject({
      messageId: "<6f1c1f0e-4b7a-4d1e-9a55-1b2c3d4e5f60@acme.example>",
      from: { name: "Ana (Acme Support)", address: "support@acme.example" },
      to: "carol@customer.example",
      cc: ["oliver@contoso.example"],
      subject: "Re: Order 5512 has not arrived [#1042]",
      inReplyTo: "<p2@mail.example>",
      references: ["<p1@mail.example>", "<p2@mail.example>"],
      headers: {},
    });
    expect(email.html).toContain("<p>Hi Carol,</p>");
  });

  it("marks automatic mail so autoresponders stay quiet, and signs it with the mailbox only", () => {
    const email = composeReply(outbound({ agent: null, metadata: { automatic: true } }), mailbox, null);
    expect(email.headers).toEqual({ "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All" });
    expect(email.from.name).toBe("Acme Support");
    expect(email.inReplyTo).toBeUndefined();
  });

  it("escapes the text in the HTML alternative", () => {
    expect(composeReply(outbound({ body: "<script>x</script> & co" }), mailbox, null).html).toContain(
      "&lt;script&gt;x&lt;/script&gt; &amp; co",
    );
  });

  it("names the sender", () => {
    expect(senderName(null, { address: "a@b.example", fromName: null })).toBe("");
    expect(senderName({ id: "x", name: "Ana" }, { address: "a@b.example", fromName: null })).toBe("Ana");
    expect(outboundMessageId("id-1", "help@shop.example")).toBe("<id-1@shop.example>");
  });
});

describe("received time and size limits", () => {
  const arrived = new Date("2026-11-23T10:00:00Z");
  it("trusts the Date header unless it is in the future or long before the server got the mail", () => {
    const date = new Date("2026-11-23T09:58:00Z");
    expect(receivedAtOf(date, arrived, arrived)).toEqual(date);
    expect(receivedAtOf(new Date("2026-11-24T10:00:00Z"), arrived, arrived)).toEqual(arrived);
    expect(receivedAtOf(new Date("2025-01-01T00:00:00Z"), arrived, arrived)).toEqual(arrived);
    expect(receivedAtOf(null, null, arrived)).toEqual(arrived);
  });

  it("fetches a message whole when an attachment at the limit fits in it base64-encoded", () => {
    const limit = 25 * 1024 * 1024;
    expect(messageSizeLimit(limit)).toBeGreaterThan((limit * 4) / 3);
    expect(messageSizeLimit(limit)).toBeLessThan(limit * 1.5);
  });
});

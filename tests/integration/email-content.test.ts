/**
 * What a fetched email carries into its case: loop and bulk signs flagged so nothing answers them
 * automatically, attachments stored (or noted when too big), a message too big to fetch kept as a
 * stand-in, other charsets decoded, mail without Message-ID stored once; and automatic mail we send
 * marked as such.
 */
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReply } from "../../cases/replies.ts";
import { interactions } from "../../db/schema/cases.ts";
import { attachments } from "../../db/schema/channels.ts";
import { type EmailTestApp, SUPPORT, startEmailApp } from "../helpers/email-app.ts";
import { emailFixtureBytes, plainEmail } from "../helpers/email-fixtures.ts";
import { assignCase } from "../helpers/factories.ts";

const LIMIT = 20_000;

/** A multipart message with one base64 attachment of `size` bytes. */
function withAttachment(messageId: string, from: string, size: number): string {
  const content = Buffer.alloc(size, 7).toString("base64").replace(/.{76}/g, "$&\r\n");
  return [
    `From: ${from}`,
    `To: ${SUPPORT}`,
    "Subject: Logs attached",
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "See the attached log.",
    "--b1",
    'Content-Type: application/octet-stream; name="server.log"',
    'Content-Disposition: attachment; filename="server.log"',
    "Content-Transfer-Encoding: base64",
    "",
    content,
    "--b1--",
    "",
  ].join("\r\n");
}

describe("email content", () => {
  let email: EmailTestApp;

  beforeAll(async () => {
    email = await startEmailApp({ env: { ATTACHMENT_MAX_BYTES: String(LIMIT) } });
  });
  afterAll(async () => {
    await email?.close();
  });

  it("flags every kind of automatic or bulk mail so nothing answers it automatically", async () => {
    const variants: [string, Record<string, string>, string, RegExp][] = [
      [
        "<loop-1@x.example>",
        { "Auto-Submitted": "auto-replied" },
        "a1@x.example",
        /^Auto-Submitted: auto-replied$/,
      ],
      ["<loop-2@x.example>", { Precedence: "bulk" }, "a2@x.example", /^Precedence: bulk$/],
      ["<loop-3@x.example>", { Precedence: "list" }, "a3@x.example", /^Precedence: list$/],
      ["<loop-4@x.example>", { Precedence: "junk" }, "a4@x.example", /^Precedence: junk$/],
      [
        "<loop-5@x.example>",
        { "X-Loop": "helpdesk@x.example" },
        "a5@x.example",
        /^X-Loop: helpdesk@x\.example$/,
      ],
      [
        "<loop-6@x.example>",
        { "X-Auto-Response-Suppress": "All" },
        "a6@x.example",
        /^X-Auto-Response-Suppress: All$/,
      ],
      ["<loop-7@x.example>", { "List-Id": "Shop news <news.shop.example>" }, "a7@x.example", /^List-Id: /],
      [
        "<loop-8@x.example>",
        { "List-Unsubscribe": "<mailto:leave@x.example>" },
        "a8@x.example",
        /List-Unsubscribe/,
      ],
      ["<loop-9@x.example>", {}, "MAILER-DAEMON@mx.x.example", /automatic address/],
      ["<loop-10@x.example>", {}, "postmaster@x.example", /automatic address/],
      ["<loop-11@x.example>", {}, "noreply@x.example", /automatic address/],
      ["<loop-12@x.example>", {}, "no-reply@x.example", /automatic address/],
    ];
    await email.dovecot.appendAll([
      ...variants.map(([messageId, headers, from]) =>
        plainEmail({ from, subject: "Notice", body: "Automatic text", messageId, headers }),
      ),
      emailFixtureBytes("out-of-office.eml"),
      plainEmail({
        from: "person@x.example",
        subject: "Help",
        body: "A person wrote this",
        messageId: "<person-1@x.example>",
      }),
    ]);
    for (const [messageId, , , reason] of variants) {
      const stored = await email.waitForInteraction(messageId);
      expect(stored.metadata.noAutoReply, messageId).toBe(true);
      expect(stored.metadata.loopReason, messageId).toMatch(reason);
    }
    const outOfOffice = await email.waitForInteraction(
      "<DB9PR07MB77710B1C2D3E4F5A6B7C8D9E0F1A2@DB9PR07MB7771.eurprd07.prod.outlook.com>",
    );
    expect(outOfOffice.metadata).toMatchObject({
      noAutoReply: true,
      loopReason: "Auto-Submitted: auto-replied",
    });
    const person = await email.waitForInteraction("<person-1@x.example>");
    expect(person.metadata.noAutoReply).toBeUndefined();
  });

  it("stores attachments and the inline image, and notes one over the limit without storing it", async () => {
    await email.dovecot.append(emailFixtureBytes("attachments.eml"));
    await email.dovecot.append(
      withAttachment("<big-attachment-1@x.example>", "ops@x.example", LIMIT + 10_000),
    );
    const withFiles = await email.waitForInteraction(
      "<CAJ8fG2rM8k1Xv5Nq3Pz7Wb0Lc2Ty6Ud9Ha4Sj1Ke8Fg5Ri2Ow@mail.gmail.com>",
    );
    const rows = await email.app.services.db
      .select()
      .from(attachments)
      .where(eq(attachments.interactionId, withFiles.id));
    expect(
      rows.map(({ filename, contentType, size, inline, contentId }) => ({
        filename,
        contentType,
        size,
        inline,
        contentId,
      })),
    ).toEqual(
      expect.arrayContaining([
        { filename: "lid.png", contentType: "image/png", size: 467, inline: true, contentId: "ii_m3q7x1k20" },
        {
          filename: "receipt-5512.pdf",
          contentType: "application/pdf",
          size: 3088,
          inline: false,
          contentId: "f_m3q7x1k31",
        },
      ]),
    );
    const pdf = rows.find((row) => row.filename === "receipt-5512.pdf")!;
    const bytes = await email.app.services.storage.get(pdf.storageKey!);
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
    expect(bytes.length).toBe(3088);
    expect(withFiles.metadata.attachments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: pdf.id, filename: "receipt-5512.pdf", stored: true }),
      ]),
    );
    expect(withFiles.metadata.html).toContain('src="cid:ii_m3q7x1k20"');

    const big = await email.waitForInteraction("<big-attachment-1@x.example>");
    const [bigRow] = await email.app.services.db
      .select()
      .from(attachments)
      .where(eq(attachments.interactionId, big.id));
    expect(bigRow).toMatchObject({ filename: "server.log", size: LIMIT + 10_000, storageKey: null });
    expect(bigRow!.note).toBe("Over the 19.5 KB limit (29.3 KB); not stored.");

    // Agents download what was stored, as a download, and are told why the big one is not there.
    const download = (path: string, token = email.app.admin.token) =>
      fetch(`${email.app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const got = await download(`/api/attachments/${pdf.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(got.headers.get("content-disposition")).toContain('attachment; filename="receipt-5512.pdf"');
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const missing = await download(`/api/attachments/${bigRow!.id}`);
    expect(missing.status).toBe(409);
    expect((await missing.json()).message).toContain("Over the 19.5 KB limit");
    expect((await download(`/api/attachments/${pdf.id}`, "")).status).toBe(401);
    const source = await download(`/api/interactions/${withFiles.id}/source`);
    expect(source.status).toBe(200);
    expect(await source.text()).toContain("receipt-5512.pdf");
  });

  it("keeps a message too large to fetch as a stand-in, and goes on with the next one", async () => {
    await email.dovecot.append(
      withAttachment("<huge-1@x.example>", "Big Sender <big@x.example>", 2 * 1024 * 1024),
    );
    await email.dovecot.append(
      plainEmail({
        from: "after@x.example",
        subject: "After",
        body: "Next",
        messageId: "<after-huge@x.example>",
      }),
    );
    const stub = await email.waitForInteraction("<huge-1@x.example>");
    expect(stub.body).toMatch(
      /^This email was too large to fetch: 2\.\d MB \(the limit is 1\.0 MB\)\. It came from Big Sender <big@x\.example> with the subject "Logs attached"\./,
    );
    expect(stub.metadata).toMatchObject({ tooLarge: true, rawKey: null });
    await email.waitForInteraction("<after-huge@x.example>");
  });

  it("decodes ISO-8859-1, Windows-1252 and Shift_JIS mail", async () => {
    await email.dovecot.appendAll(
      ["iso-8859-1.eml", "windows-1252.eml", "shift-jis.eml"].map((name) => emailFixtureBytes(name)),
    );
    const cases: [string, string, string, string][] = [
      [
        "<5f3c2a1b-8e4d-4c7a-9b2e-1d0f6a7c8e93@web.example>",
        "Jürgen Müller",
        "Beschädigte Kaffeemühle - Bestellung 8841",
        "Rückerstattung",
      ],
      [
        "<000001db3d9a$4f2e1c70$ed8c5550$@eircom.example>",
        "Seán O’Brien",
        "Charged twice – “Premium” plan",
        "€29.99",
      ],
      ["<20261123171030.8F2A.HANAKO@docomo.example>", "山田 花子", "注文番号9920が届きません", "電気ケトル"],
    ];
    for (const [messageId, name, subject, phrase] of cases) {
      const stored = await email.waitForInteraction(messageId);
      expect(stored.body).toContain(phrase);
      const detail = await email.app.admin.get(`/api/cases/${stored.caseId}`);
      expect(detail.body.subject).toBe(subject);
      expect(detail.body.contact.name).toBe(name);
    }
  });

  it("stores a message without Message-ID once, however often it is fetched", async () => {
    const raw = emailFixtureBytes("no-message-id.eml");
    await email.dovecot.appendAll([raw, raw]);
    await email.dovecot.append(
      plainEmail({ from: "later@x.example", subject: "x", body: "x", messageId: "<after-no-id@x.example>" }),
    );
    await email.waitForInteraction("<after-no-id@x.example>");
    const rows = await email.app.services.db
      .select({ externalId: interactions.externalId, body: interactions.body })
      .from(interactions)
      .where(like(interactions.externalId, "%@no-message-id.switchboard.invalid>"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body).toContain("does not show our VAT number");
  });

  it("marks automatic mail it sends with Auto-Submitted and signs it with the mailbox alone", async () => {
    const person = await email.waitForInteraction("<person-1@x.example>");
    const agent = await email.app.createAgent();
    await assignCase(email.app.services, person.caseId, agent.id);
    const update = await addReply(email.app.services.cases, {
      caseId: person.caseId,
      agentId: agent.id,
      body: "We received your message.",
      metadata: { automatic: true },
    });
    const sent = await email.smtp.waitFor(
      (mail) => mail.header("message-id") === `<${update.id}@acme.example>`,
    );
    expect(sent.header("auto-submitted")).toBe("auto-replied");
    expect(sent.header("x-auto-response-suppress")).toBe("All");
    expect(sent.header("from")).toBe(`Acme Support <${SUPPORT}>`);
  });
});

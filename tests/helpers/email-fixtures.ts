/**
 * Loads the real-shaped `.eml` fixtures. Placeholders (`{{IN_REPLY_TO}}`, `{{REPLY_SUBJECT}}`, …)
 * stand where a real reply carries ids and subjects of our own outbound mail; lines end in CRLF as
 * on the wire.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FOLDER = fileURLToPath(new URL("../fixtures/email/", import.meta.url));

export function loadEmailFixture(name: string, values: Record<string, string> = {}): string {
  const text = readFileSync(`${FOLDER}${name}`, "latin1");
  const filled = text.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`fixture ${name} needs a value for ${placeholder}`);
    return value;
  });
  return filled.replace(/\r?\n/g, "\r\n");
}

/** Raw bytes of a fixture: latin1 keeps 8-bit bodies byte for byte. */
export function emailFixtureBytes(name: string, values: Record<string, string> = {}): Buffer {
  return Buffer.from(loadEmailFixture(name, values), "latin1");
}

/** A plain message, for tests that need many or need a header changed. */
export function plainEmail(fields: {
  from: string;
  to?: string;
  subject: string;
  body: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  headers?: Record<string, string>;
}): string {
  const lines = [
    `From: ${fields.from}`,
    `To: ${fields.to ?? "Acme Support <support@acme.example>"}`,
    `Subject: ${fields.subject}`,
    `Date: ${(fields.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    ...(fields.messageId === null
      ? []
      : [`Message-ID: ${fields.messageId ?? `<${Math.random().toString(36).slice(2)}@mail.example>`}`]),
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`] : []),
    ...(fields.references?.length ? [`References: ${fields.references.join(" ")}`] : []),
    ...Object.entries(fields.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    fields.body,
    "",
  ];
  return lines.join("\r\n");
}

/**
 * A local SMTP server that records what it is sent (raw and parsed), accepts any credentials, and
 * can be told to refuse recipients (550 for good, 451 for now) or authentication (535), as real
 * mail servers do.
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedMail {
  from: string;
  recipients: string[];
  user: string | null;
  /** How the sender signed in: PLAIN, LOGIN or XOAUTH2 (null without AUTH). */
  authMethod: string | null;
  raw: Buffer;
  parsed: ParsedMail;
  /** Raw header value by lower-case name (first occurrence). */
  header(name: string): string | undefined;
}

export interface SmtpCapture {
  port: number;
  /** `smtp://user:password@127.0.0.1:port`. */
  url: string;
  messages: CapturedMail[];
  /** Makes RCPT TO answer with this code and text (null to accept again). */
  refuseRecipients(reply: { code: 550 | 451; text: string } | null): void;
  refuseLogin(refuse: boolean): void;
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export async function startSmtpCapture(
  options: {
    /** Checks an XOAUTH2 bearer token (e.g. with the authorisation server's introspection). */
    checkAccessToken?: (user: string, token: string) => Promise<boolean>;
  } = {},
): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const methods = new Map<string, string>();
  const waiters = new Set<() => void>();
  let recipientReply: { code: number; text: string } | null = null;
  let loginRefused = false;

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    authMethods: ["PLAIN", "LOGIN", "XOAUTH2"],
    onAuth(auth, session, callback) {
      if (loginRefused) return callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
      methods.set(session.id, auth.method);
      if (auth.method !== "XOAUTH2" || !options.checkAccessToken)
        return callback(null, { user: auth.username });
      options.checkAccessToken(auth.username ?? "", auth.accessToken ?? "").then(
        (good) =>
          good
            ? callback(null, { user: auth.username })
            : callback(null, { data: { status: "401", schemes: "bearer" } }),
        (error: Error) => callback(error),
      );
    },
    onRcptTo(_address, _session, callback) {
      if (recipientReply) return callback(smtpError(recipientReply.code, recipientReply.text));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        const headerText = raw.toString("utf8").split(/\r?\n\r?\n/)[0] ?? "";
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === "string" ? session.user : null,
          authMethod: methods.get(session.id) ?? null,
          raw,
          parsed,
          header(name) {
            const match = headerText.match(new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, "im"));
            return match?.[1]?.replace(/\r?\n[ \t]+/g, " ").trim();
          },
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  const openConnections = () => [
    ...(server as unknown as { connections: Set<{ close(): void }> }).connections,
  ];
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    port,
    url: `smtp://sender:smtp-secret@127.0.0.1:${port}`,
    messages,
    refuseRecipients(reply) {
      recipientReply = reply;
    },
    refuseLogin(refuse) {
      loginRefused = refuse;
      // Senders keep authenticated connections open; drop them so the next mail logs in again.
      if (refuse) for (const connection of openConnections()) connection.close();
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (${messages.length} captured)`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    stop: () =>
      new Promise((resolve) => {
        // Senders may keep pooled connections open; do not wait out smtp-server's 30 s grace period.
        for (const connection of openConnections()) connection.close();
        server.close(() => resolve());
      }),
  };
}

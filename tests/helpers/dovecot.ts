/**
 * A private Dovecot per test file: its own temp folder, a free port, one passwd-file user with a
 * maildir. Helpers append messages over IMAP, change a folder's UIDVALIDITY, count the IMAP
 * sessions open for the user, and stop the server. Config as in STACK-NOTES (we run as root; mail is
 * owned by nobody).
 */
import { execFile, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ImapFlow } from "imapflow";
import { freePort } from "./server-process.ts";

const run = promisify(execFile);
const DOVECOT = "/usr/sbin/dovecot";
const DOVEADM = "doveadm";

export interface DovecotServer {
  port: number;
  user: string;
  password: string;
  dir: string;
  /** `imap://user:password@127.0.0.1:port`, the user name percent-encoded. */
  imapUrl: string;
  /** Appends one message; resolves with its UID. */
  append(raw: string | Buffer, options?: { folder?: string; internalDate?: Date }): Promise<number>;
  /** Appends many messages over one connection, in order. */
  appendAll(raws: (string | Buffer)[], folder?: string): Promise<void>;
  createFolder(folder: string): Promise<void>;
  setUidValidity(value: number, folder?: string): Promise<void>;
  status(folder?: string): Promise<{ messages: number; uidValidity: number; uidNext: number }>;
  /** IMAP connections the user has open now. */
  sessions(): Promise<number>;
  log(): string;
  stop(): Promise<void>;
}

const CAPABILITIES_WITHOUT_IDLE =
  "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ESEARCH CONDSTORE";

async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "dovecot.log"), "utf8");
  } catch {
    return "";
  }
}

/**
 * Sign-in with OAuth 2.0 bearer tokens (XOAUTH2) as Microsoft 365 and Gmail offer it:
 * Dovecot's `oauth2` passdb asks the authorisation server's introspection endpoint (RFC 7662) about
 * each token and takes the user from its `sub`.
 */
export interface DovecotOauth2 {
  /** The introspection endpoint with the introspecting client's credentials in it (basic auth). */
  introspectionUrl: string;
}

function oauth2Passdb(dir: string, oauth2: DovecotOauth2 | undefined): string {
  if (!oauth2) return "";
  const file = join(dir, "dovecot-oauth2.conf.ext");
  writeFileSync(
    file,
    `introspection_mode = post
introspection_url = ${oauth2.introspectionUrl}
username_attribute = sub
active_attribute = active
active_value = true
`,
  );
  return `passdb {
  driver = oauth2
  mechanisms = xoauth2
  args = ${file}
}
`;
}

export async function startDovecot(
  options: { idle?: boolean; oauth2?: DovecotOauth2 } = {},
): Promise<DovecotServer> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-dovecot-"));
  chmodSync(dir, 0o755);
  for (const sub of ["run", "state", "mail"]) mkdirSync(join(dir, sub));
  const nobody = Number((await run("id", ["-u", "nobody"])).stdout.trim());
  const nogroup = Number((await run("id", ["-g", "nobody"])).stdout.trim());
  chownSync(join(dir, "mail"), nobody, nogroup);
  const user = "support@acme.example";
  const password = "imap-secret";
  const usersFile = join(dir, "users");
  writeFileSync(usersFile, `${user}:{PLAIN}${password}\n`);
  await run("chgrp", ["dovecot", usersFile]);
  chmodSync(usersFile, 0o640);
  const port = await freePort();
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${options.oauth2 ? " xoauth2" : ""}
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
${options.idle === false ? `imap_capability = ${CAPABILITIES_WITHOUT_IDLE}` : ""}
${oauth2Passdb(dir, options.oauth2)}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersFile}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  // Dovecot forks into the background; its pipes would stay open with it, so give it none.
  const starter = spawn(DOVECOT, ["-c", config], { stdio: "ignore" });
  const code = await new Promise<number | null>((resolve) => starter.once("exit", resolve));
  if (code !== 0) throw new Error(`dovecot exited with ${code}: ${readLog(dir)}`);
  await waitForPort(port, Date.now() + 10_000);
  const doveadm = (...args: string[]) => run(DOVEADM, ["-c", config, ...args]);

  const client = () =>
    new ImapFlow({
      host: "127.0.0.1",
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
  const withClient = async <T>(work: (imap: ImapFlow) => Promise<T>): Promise<T> => {
    const imap = client();
    imap.on("error", () => undefined);
    await imap.connect();
    try {
      return await work(imap);
    } finally {
      await imap.logout().catch(() => imap.close());
    }
  };

  return {
    port,
    user,
    password,
    dir,
    imapUrl: `imap://${encodeURIComponent(user)}:${password}@127.0.0.1:${port}`,
    append: (raw, appendOptions = {}) =>
      withClient(async (imap) => {
        const result = await imap.append(
          appendOptions.folder ?? "INBOX",
          raw,
          [],
          appendOptions.internalDate ?? new Date(),
        );
        if (result === false || !result.uid) throw new Error("APPEND returned no UID");
        return result.uid;
      }),
    appendAll: (raws, folder = "INBOX") =>
      withClient(async (imap) => {
        for (const raw of raws) await imap.append(folder, raw, [], new Date());
      }),
    createFolder: (folder) =>
      withClient(async (imap) => {
        await imap.mailboxCreate(folder);
      }),
    async setUidValidity(value, folder = "INBOX") {
      await doveadm("mailbox", "update", "-u", user, "--uid-validity", String(value), folder);
    },
    async status(folder = "INBOX") {
      const { stdout } = await doveadm(
        "-f",
        "flow",
        "mailbox",
        "status",
        "-u",
        user,
        "messages uidvalidity uidnext",
        folder,
      );
      const field = (name: string) => Number(stdout.match(new RegExp(`${name}=(\\d+)`))?.[1] ?? Number.NaN);
      return { messages: field("messages"), uidValidity: field("uidvalidity"), uidNext: field("uidnext") };
    },
    async sessions() {
      const { stdout } = await doveadm("who", "-1");
      return stdout.split("\n").filter((line) => line.startsWith(`${user} `) && line.includes("imap")).length;
    },
    log: () => readLog(dir),
    async stop() {
      await doveadm("stop").catch(() => undefined);
      // The master exits after its children; the folder can go once it has.
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(Number(readFileSync(join(dir, "run", "master.pid"), "utf8")), 0);
        } catch {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

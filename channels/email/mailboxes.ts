/**
 * Mailboxes: the one configured from the environment and those an admin adds. Connection URLs of
 * added mailboxes are sealed with the server secret; the environment's stay in the environment.
 * Nothing here returns a password: views show host, port and user only.
 */
import { and, asc, eq, ne, or, sql } from "drizzle-orm";
import addressparser from "nodemailer/lib/addressparser";
import { AppError, notFound } from "../../cases/errors.ts";
import type { Db, Executor, Tx } from "../../db/connect.ts";
import { type MailOauthProvider, mailboxes } from "../../db/schema/channels.ts";
import { queues } from "../../db/schema/routing.ts";
import { decryptCredential, encryptCredential } from "../credentials.ts";
import { describeServer, type MailServer, parseMailUrl } from "./mail-urls.ts";

export type MailboxRow = typeof mailboxes.$inferSelect;

/** The environment's email settings (config.email). */
export interface EnvEmailSettings {
  imapUrl: string;
  smtpUrl: string;
  from: string;
  folder: string;
}

export const ENV_MAILBOX_NAME = "default";

export interface MailboxConnection {
  imap: MailServer;
  smtp: MailServer;
}

export interface MailboxView {
  id: string;
  name: string;
  address: string;
  fromName: string | null;
  fromEnv: boolean;
  folder: string;
  queueId: string | null;
  enabled: boolean;
  imap: ReturnType<typeof describeServer> | null;
  smtp: ReturnType<typeof describeServer> | null;
  uidValidity: string | null;
  lastUid: number;
  lastSyncAt: Date | null;
  lastError: string | null;
  /** How the mailbox signs in with OAuth; null when its URLs carry a password. */
  oauth: {
    provider: MailOauthProvider;
    connected: boolean;
    connectedAt: Date | null;
    /** Why the provider refused the grant; the mailbox must be reconnected. */
    error: string | null;
  } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MailboxInput {
  name: string;
  address: string;
  fromName?: string | null;
  imapUrl: string;
  smtpUrl: string;
  folder?: string;
  queueId?: string | null;
  enabled?: boolean;
  /** Sign in with OAuth (Microsoft 365, Google) instead of a password in the URLs. */
  oauthProvider?: MailOauthProvider | null;
}

/** `Acme Support <support@acme.example>` -> its address and display name. */
export function parseFromAddress(from: string): { address: string; name: string | null } {
  const [parsed] = addressparser(from, { flatten: true });
  if (!parsed?.address?.includes("@"))
    throw new AppError("VALIDATION", `EMAIL_FROM '${from}' holds no email address.`);
  return { address: parsed.address.toLowerCase(), name: parsed.name?.trim() || null };
}

/** The IMAP and SMTP servers of a mailbox, credentials included: for the ingester and sender only. */
export function mailboxConnection(
  row: MailboxRow,
  secrets: { secret: string; env?: EnvEmailSettings },
): MailboxConnection {
  if (row.fromEnv) {
    if (!secrets.env)
      throw new AppError(
        "CONFLICT",
        `Mailbox '${row.name}' comes from IMAP_URL/SMTP_URL, which are not set on this server.`,
      );
    return {
      imap: parseMailUrl(secrets.env.imapUrl, "imap"),
      smtp: parseMailUrl(secrets.env.smtpUrl, "smtp"),
    };
  }
  if (!row.imapUrlEncrypted || !row.smtpUrlEncrypted)
    throw new AppError("CONFLICT", `Mailbox '${row.name}' has no IMAP or SMTP settings.`);
  return {
    imap: parseMailUrl(decryptCredential(secrets.secret, row.imapUrlEncrypted), "imap"),
    smtp: parseMailUrl(decryptCredential(secrets.secret, row.smtpUrlEncrypted), "smtp"),
  };
}

export function mailboxView(
  row: MailboxRow,
  secrets: { secret: string; env?: EnvEmailSettings },
): MailboxView {
  let imap: MailboxView["imap"] = null;
  let smtp: MailboxView["smtp"] = null;
  try {
    const connection = mailboxConnection(row, secrets);
    imap = describeServer(connection.imap);
    smtp = describeServer(connection.smtp);
  } catch {
    // A mailbox sealed with another secret, or an env mailbox on a server without the env settings.
  }
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    fromName: row.fromName,
    fromEnv: row.fromEnv,
    folder: row.folder,
    queueId: row.queueId,
    enabled: row.enabled,
    imap,
    smtp,
    uidValidity: row.uidValidity === null ? null : row.uidValidity.toString(),
    lastUid: row.lastUid,
    lastSyncAt: row.lastSyncAt,
    lastError: row.lastError,
    oauth: row.oauthProvider
      ? {
          provider: row.oauthProvider,
          connected: Boolean(row.oauthTokensEncrypted) && !row.oauthError,
          connectedAt: row.oauthConnectedAt,
          error: row.oauthError,
        }
      : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Creates or updates the environment's mailbox row, which holds its checkpoint. Another folder
 * means other UIDs, so the checkpoint starts over (Message-IDs keep already stored mail out).
 */
export async function ensureEnvMailbox(db: Db, env: EnvEmailSettings): Promise<MailboxRow> {
  const from = parseFromAddress(env.from);
  return db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ name: mailboxes.name, address: mailboxes.address })
      .from(mailboxes)
      .where(
        and(
          or(eq(mailboxes.address, from.address), eq(mailboxes.name, ENV_MAILBOX_NAME)),
          eq(mailboxes.fromEnv, false),
        ),
      );
    if (clash)
      throw new AppError(
        "CONFLICT",
        clash.address === from.address
          ? `EMAIL_FROM ${from.address} is also the address of mailbox '${clash.name}'; delete that mailbox or change EMAIL_FROM.`
          : `An admin-made mailbox is named '${ENV_MAILBOX_NAME}', the name kept for the one from IMAP_URL; rename it.`,
      );
    const [row] = await tx
      .insert(mailboxes)
      .values({
        name: ENV_MAILBOX_NAME,
        address: from.address,
        fromName: from.name,
        fromEnv: true,
        folder: env.folder,
      })
      .onConflictDoUpdate({
        target: mailboxes.name,
        set: {
          address: from.address,
          fromName: from.name,
          fromEnv: true,
          imapUrlEncrypted: null,
          smtpUrlEncrypted: null,
          folder: env.folder,
          uidValidity: sql`case when ${mailboxes.folder} = ${env.folder} then ${mailboxes.uidValidity} end`,
          lastUid: sql`case when ${mailboxes.folder} = ${env.folder} then ${mailboxes.lastUid} else 0 end`,
        },
      })
      .returning();
    return row!;
  });
}

export function listMailboxes(db: Executor): Promise<MailboxRow[]> {
  return db.select().from(mailboxes).orderBy(asc(mailboxes.createdAt), asc(mailboxes.name));
}

export async function getMailbox(db: Executor, id: string): Promise<MailboxRow> {
  const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, id));
  if (!row) throw notFound("Mailbox", id);
  return row;
}

async function assertFree(tx: Tx, input: { name?: string; address?: string }, exceptId?: string) {
  const clauses = [
    ...(input.name ? [eq(mailboxes.name, input.name)] : []),
    ...(input.address ? [eq(mailboxes.address, input.address)] : []),
  ];
  if (!clauses.length) return;
  const [taken] = await tx
    .select({ name: mailboxes.name, address: mailboxes.address })
    .from(mailboxes)
    .where(and(or(...clauses), exceptId ? ne(mailboxes.id, exceptId) : undefined));
  if (taken) {
    const what = taken.name === input.name ? `name '${input.name}'` : `address ${input.address}`;
    throw new AppError("CONFLICT", `Mailbox '${taken.name}' already has the ${what}.`);
  }
}

async function assertQueue(tx: Tx, queueId: string | null | undefined) {
  if (!queueId) return;
  const [queue] = await tx.select({ id: queues.id }).from(queues).where(eq(queues.id, queueId));
  if (!queue) throw new AppError("VALIDATION", `queueId: queue '${queueId}' does not exist.`);
}

export async function createMailbox(db: Db, secret: string, input: MailboxInput): Promise<MailboxRow> {
  // Refuse unusable URLs now rather than at the first fetch.
  parseMailUrl(input.imapUrl, "imap");
  parseMailUrl(input.smtpUrl, "smtp");
  const address = input.address.toLowerCase();
  return db.transaction(async (tx) => {
    await assertFree(tx, { name: input.name, address });
    await assertQueue(tx, input.queueId);
    const [row] = await tx
      .insert(mailboxes)
      .values({
        name: input.name,
        address,
        fromName: input.fromName ?? null,
        imapUrlEncrypted: encryptCredential(secret, input.imapUrl),
        smtpUrlEncrypted: encryptCredential(secret, input.smtpUrl),
        folder: input.folder ?? "INBOX",
        queueId: input.queueId ?? null,
        enabled: input.enabled ?? true,
        oauthProvider: input.oauthProvider ?? null,
      })
      .returning();
    return row!;
  });
}

/** Which IMAP mailbox a row reads: when this changes, its UIDs mean something else. */
function imapIdentity(server: MailServer, folder: string): string {
  return `${server.host}:${server.port}/${server.user}/${folder}`;
}

export async function updateMailbox(
  db: Db,
  secret: string,
  id: string,
  patch: Partial<MailboxInput>,
): Promise<MailboxRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(mailboxes).where(eq(mailboxes.id, id)).for("update");
    if (!row) throw notFound("Mailbox", id);
    const changesConnection = ["name", "address", "imapUrl", "smtpUrl", "folder"].some(
      (field) => patch[field as keyof MailboxInput] !== undefined,
    );
    if (row.fromEnv && changesConnection)
      throw new AppError(
        "CONFLICT",
        `Mailbox '${row.name}' is configured by IMAP_URL, SMTP_URL, EMAIL_FROM and EMAIL_FOLDER; change those instead. Its queue, sender name and whether it is enabled can be changed here.`,
      );
    const address = patch.address?.toLowerCase();
    await assertFree(tx, { name: patch.name, address }, id);
    await assertQueue(tx, patch.queueId);
    if (patch.imapUrl) parseMailUrl(patch.imapUrl, "imap");
    if (patch.smtpUrl) parseMailUrl(patch.smtpUrl, "smtp");

    let resetCheckpoint = false;
    if (!row.fromEnv && (patch.imapUrl || patch.folder)) {
      const before = mailboxConnection(row, { secret }).imap;
      const after = patch.imapUrl ? parseMailUrl(patch.imapUrl, "imap") : before;
      resetCheckpoint = imapIdentity(before, row.folder) !== imapIdentity(after, patch.folder ?? row.folder);
    }
    const [updated] = await tx
      .update(mailboxes)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(address !== undefined ? { address } : {}),
        ...(patch.fromName !== undefined ? { fromName: patch.fromName } : {}),
        ...(patch.imapUrl ? { imapUrlEncrypted: encryptCredential(secret, patch.imapUrl) } : {}),
        ...(patch.smtpUrl ? { smtpUrlEncrypted: encryptCredential(secret, patch.smtpUrl) } : {}),
        ...(patch.folder !== undefined ? { folder: patch.folder } : {}),
        ...(patch.queueId !== undefined ? { queueId: patch.queueId } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(resetCheckpoint ? { uidValidity: null, lastUid: 0, lastError: null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(mailboxes.id, id))
      .returning();
    return updated!;
  });
}

export async function deleteMailbox(db: Db, id: string): Promise<void> {
  const row = await getMailbox(db, id);
  if (row.fromEnv)
    throw new AppError(
      "CONFLICT",
      `Mailbox '${row.name}' is configured by IMAP_URL, SMTP_URL and EMAIL_FROM; unset those to remove it, or disable it here.`,
    );
  await db.delete(mailboxes).where(eq(mailboxes.id, id));
}

/** Where an ingester is in its folder. */
export interface Checkpoint {
  uidValidity: bigint | null;
  lastUid: number;
}

/** Thrown when the checkpoint is not where this ingester left it: someone else moved it. */
export class CheckpointMovedError extends Error {
  constructor(mailboxName: string) {
    super(
      `The checkpoint of mailbox '${mailboxName}' moved under this ingester; starting over from the stored one.`,
    );
  }
}

/**
 * Moves the checkpoint from `expected` to `next` inside the caller's transaction. The compare makes
 * a second fetcher (which the mailbox lock should already prevent) roll back instead of skipping
 * or repeating messages.
 */
export async function advanceCheckpoint(
  tx: Executor,
  mailbox: { id: string; name: string },
  expected: Checkpoint,
  next: Checkpoint,
  at: Date,
): Promise<void> {
  const [row] = await tx
    .update(mailboxes)
    .set({ uidValidity: next.uidValidity, lastUid: next.lastUid, lastSyncAt: at, lastError: null })
    .where(
      and(
        eq(mailboxes.id, mailbox.id),
        eq(mailboxes.lastUid, expected.lastUid),
        expected.uidValidity === null
          ? sql`${mailboxes.uidValidity} is null`
          : eq(mailboxes.uidValidity, expected.uidValidity),
      ),
    )
    .returning({ id: mailboxes.id });
  if (!row) throw new CheckpointMovedError(mailbox.name);
}

export async function recordMailboxSync(
  db: Db,
  mailboxId: string,
  outcome: { at: Date; error: string | null },
): Promise<void> {
  await db
    .update(mailboxes)
    .set(outcome.error === null ? { lastSyncAt: outcome.at, lastError: null } : { lastError: outcome.error })
    .where(eq(mailboxes.id, mailboxId));
}

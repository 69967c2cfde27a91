/**
 * Fetches one mailbox over IMAP into cases: connect, open the folder, fetch everything after the
 * committed checkpoint, then wait for new mail with IDLE (or poll when the server has no IDLE) and
 * repeat. Errors end the session; it reconnects with backoff and records the error on the mailbox
 * for admins. It runs only while this process holds the mailbox's lock.
 */
import type { FetchMessageObject, ImapFlow } from "imapflow";
import { messageIdList } from "./headers.ts";
import type { MailboxLease, MailboxLocks } from "./mailbox-lock.ts";
import {
  advanceCheckpoint,
  CheckpointMovedError,
  getMailbox,
  type MailboxConnection,
  recordMailboxSync,
} from "./mailboxes.ts";
import {
  commitEmails,
  type EmailStoreDeps,
  type FetchedEmail,
  flushCursor,
  isStored,
  type MailboxCursor,
  messageSizeLimit,
  type PreparedEmail,
  prepareFetchedEmail,
} from "./store-email.ts";

export interface EmailLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface IngesterDeps extends EmailStoreDeps {
  locks: MailboxLocks;
  /** How often a server without IDLE is asked for new mail. */
  pollMs: number;
  logger: EmailLogger;
  /** The servers and credentials of a mailbox, read when a session starts. */
  connectionOf(mailboxId: string): Promise<MailboxConnection>;
  /** How long to wait before trying again for a lock another process holds (default 5 s). */
  lockRetryMs?: number;
}

/** Servers drop an IDLE after 30 minutes; break it well before, and re-check the folder meanwhile. */
const IDLE_RENEW_MS = 4 * 60_000;
/** UIDs fetched per round: their envelopes first, then the sources of those not stored yet. */
const UIDS_PER_ROUND = 100;
/**
 * Messages written per transaction. Larger batches spread a commit's cost over more messages; on
 * the embedded database a transaction holds its one connection, so a batch also bounds how long
 * other work waits.
 */
const EMAILS_PER_COMMIT = 25;
/** A message waits at most this long for others to share its commit. */
const BATCH_WAIT_MS = 100;
/** Sources fetched per command, so a round of big messages does not sit in memory at once. */
const BYTES_PER_FETCH = 32 * 1024 * 1024;
const MAX_BACKOFF_MS = 5 * 60_000;

export function describeMailError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { responseText?: string; authenticationFailed?: boolean; code?: string };
  if (details.authenticationFailed)
    return `The IMAP server refused the user name or password${details.responseText ? ` (${details.responseText})` : ""}.`;
  const text = details.responseText ? `${error.message}: ${details.responseText}` : error.message;
  return (details.code && !text.includes(details.code) ? `${text} (${details.code})` : text).slice(0, 1000);
}

export class MailboxIngester {
  private stopped = false;
  private running: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  /** New mail was announced while we were busy: sync again before waiting. */
  private pending = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  /** The current session fetched at least once: its end is a new failure, not one more of a streak. */
  private synced = false;

  constructor(
    private readonly deps: IngesterDeps,
    readonly mailbox: { id: string; name: string; address: string; folder: string; queueId: string | null },
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt();
    this.client?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let lease: MailboxLease | null = null;
      try {
        lease = await this.deps.locks.tryAcquire(this.mailbox.id);
      } catch (error) {
        this.deps.logger.warn({ err: error, mailbox: this.mailbox.name }, "could not take the mailbox lock");
      }
      if (!lease) {
        await this.pause(this.deps.lockRetryMs ?? 5000);
        continue;
      }
      this.synced = false;
      try {
        await this.session(lease);
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        failures = this.synced ? 1 : failures + 1;
        const message = describeMailError(error);
        this.deps.logger.warn(
          { mailbox: this.mailbox.name, error: message, failures },
          "mailbox fetch failed",
        );
        await recordMailboxSync(this.deps.cases.db, this.mailbox.id, {
          at: new Date(),
          error: message,
        }).catch(() => undefined);
      } finally {
        await lease.release().catch(() => undefined);
      }
      if (!this.stopped && failures) {
        const backoff = Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
        await this.pause(backoff * (0.75 + Math.random() / 2));
      }
    }
  }

  private async session(lease: MailboxLease): Promise<void> {
    const { imap } = await this.deps.connectionOf(this.mailbox.id);
    // Loaded on the first connection, not at start-up: imapflow is among the slowest modules to load.
    const { ImapFlow } = await import("imapflow");
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: imap.accessToken
        ? { user: imap.user, accessToken: imap.accessToken }
        : { user: imap.user, pass: imap.password },
      logger: false,
      disableAutoIdle: true,
      clientInfo: { name: "Switchboard" },
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
    });
    let failure: unknown = null;
    client.on("error", (error: unknown) => {
      failure = error;
    });
    client.on("exists", () => this.wake());
    client.on("close", () => this.interrupt());
    const onLost = () => client.close();
    lease.lost.addEventListener("abort", onLost);
    this.client = client;
    try {
      await client.connect();
      await client.mailboxOpen(this.mailbox.folder, { readOnly: true });
      // Read after the lock is held: whoever held it before may have moved the checkpoint.
      const row = await getMailbox(this.deps.cases.db, this.mailbox.id);
      const cursor: MailboxCursor = {
        mailbox: this.mailbox,
        committed: { uidValidity: row.uidValidity, lastUid: row.lastUid },
        examinedUid: row.lastUid,
      };
      const supportsIdle = client.capabilities.has("IDLE");
      while (this.active(client, lease)) {
        this.pending = false;
        await this.sync(client, lease, cursor);
        this.synced = true;
        if (this.pending || !this.active(client, lease)) continue;
        if (supportsIdle) await this.idle(client);
        else await this.pause(this.deps.pollMs);
      }
      if (!this.stopped)
        throw lease.lost.aborted
          ? new Error("The mailbox lock was lost; fetching stops until it is taken again.")
          : (failure ?? new Error("The IMAP server closed the connection."));
    } catch (error) {
      // The client's own error says more than the "connection closed" a command fails with after it.
      throw failure && !(error instanceof CheckpointMovedError) ? failure : error;
    } finally {
      lease.lost.removeEventListener("abort", onLost);
      this.client = null;
      if (this.wakeTimer) clearInterval(this.wakeTimer);
      this.wakeTimer = null;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  private active(client: ImapFlow, lease: MailboxLease): boolean {
    return !this.stopped && !lease.lost.aborted && client.usable;
  }

  private uidValidity(client: ImapFlow): bigint {
    if (!client.mailbox) throw new Error(`The folder '${this.mailbox.folder}' is not open.`);
    return client.mailbox.uidValidity;
  }

  /**
   * A new UIDVALIDITY (or none stored yet) means the stored UIDs mean nothing: start again from
   * UID 1. Message-IDs keep out what is already stored.
   */
  private async restart(cursor: MailboxCursor, to: bigint) {
    const from = cursor.committed.uidValidity;
    const next = { uidValidity: to, lastUid: 0 };
    await this.deps.cases.db.transaction((tx) =>
      advanceCheckpoint(tx, this.mailbox, cursor.committed, next, new Date()),
    );
    cursor.committed = next;
    cursor.examinedUid = 0;
    if (from !== null)
      this.deps.logger.info(
        { mailbox: this.mailbox.name, from: from.toString(), to: to.toString() },
        "UIDVALIDITY changed; fetching the folder again",
      );
  }

  private async sync(client: ImapFlow, lease: MailboxLease, cursor: MailboxCursor): Promise<void> {
    const validity = this.uidValidity(client);
    if (validity !== cursor.committed.uidValidity) await this.restart(cursor, validity);
    const committedBefore = cursor.committed.lastUid;
    const found = await client.search({ uid: `${cursor.examinedUid + 1}:*` }, { uid: true });
    // `n:*` also matches the highest UID when it is below n.
    const fresh = (found || []).filter((uid) => uid > cursor.examinedUid).sort((a, b) => a - b);
    for (let start = 0; start < fresh.length && this.active(client, lease); start += UIDS_PER_ROUND) {
      await this.fetchRound(client, lease, cursor, fresh.slice(start, start + UIDS_PER_ROUND));
    }
    if (!this.active(client, lease)) return;
    await flushCursor(this.deps, cursor);
    // Every commit above stamped lastSyncAt; a sync that found nothing stamps it here.
    if (cursor.committed.lastUid === committedBefore)
      await recordMailboxSync(this.deps.cases.db, this.mailbox.id, { at: new Date(), error: null });
  }

  private async fetchRound(client: ImapFlow, lease: MailboxLease, cursor: MailboxCursor, uids: number[]) {
    const limit = messageSizeLimit(this.deps.attachmentMaxBytes);
    const envelopes: FetchMessageObject[] = [];
    for await (const message of client.fetch(
      uids.join(","),
      { uid: true, size: true, internalDate: true, envelope: true },
      { uid: true },
    ))
      envelopes.push(message);
    envelopes.sort((a, b) => a.uid - b.uid);
    const idOf = (message: FetchMessageObject) => messageIdList(message.envelope?.messageId)[0];
    const stored = await isStored(
      this.deps.cases.db,
      envelopes.map(idOf).filter((id): id is string => Boolean(id)),
    );
    const wanted = envelopes.filter((message) => !stored.has(idOf(message) ?? ""));
    const whole = wanted.filter((message) => (message.size ?? 0) <= limit);
    const tooLarge = wanted.filter((message) => (message.size ?? 0) > limit);

    const contents = new Map<number, Buffer>();
    for (const group of byteGroups(whole, BYTES_PER_FETCH)) {
      for await (const message of client.fetch(group, { uid: true, source: true }, { uid: true }))
        if (message.source) contents.set(message.uid, message.source);
    }
    const headers = new Map<number, Buffer>();
    if (tooLarge.length) {
      const range = tooLarge.map((message) => message.uid).join(",");
      for await (const message of client.fetch(range, { uid: true, headers: true }, { uid: true }))
        if (message.headers) headers.set(message.uid, message.headers);
    }

    // Messages are prepared one by one and written in batches: one commit per batch.
    let batch: PreparedEmail[] = [];
    let batchStarted = 0;
    const commit = async () => {
      if (batch.length && this.active(client, lease)) await commitEmails(this.deps, cursor, batch);
      batch = [];
    };
    for (const envelope of envelopes) {
      if (!this.active(client, lease)) return;
      const { uid } = envelope;
      if (stored.has(idOf(envelope) ?? "")) {
        cursor.examinedUid = Math.max(cursor.examinedUid, uid);
        continue;
      }
      const source = contents.get(uid);
      const header = headers.get(uid);
      if (!source && !header) {
        // Gone since the envelope fetch (expunged): nothing to store. Anything else must not be skipped.
        const present = await client.search({ uid: String(uid) }, { uid: true });
        if (!present || present.includes(uid)) {
          await commit();
          throw new Error(`Message UID ${uid} could not be fetched; it will be tried again.`);
        }
        cursor.examinedUid = Math.max(cursor.examinedUid, uid);
        continue;
      }
      const fetched: FetchedEmail = {
        uid,
        size: envelope.size ?? 0,
        internalDate: envelope.internalDate ? new Date(envelope.internalDate) : null,
        checkedMessageId: idOf(envelope),
        ...(source ? { source } : { headers: header }),
      };
      const prepared = await prepareFetchedEmail(this.deps, cursor, fetched);
      if (!("skipped" in prepared)) {
        if (!batch.length) batchStarted = performance.now();
        batch.push(prepared);
      }
      if (batch.length >= EMAILS_PER_COMMIT || performance.now() - batchStarted >= BATCH_WAIT_MS)
        await commit();
    }
    await commit();
  }

  /** Waits in IDLE until new mail, a stop, or the periodic renewal. */
  private async idle(client: ImapFlow): Promise<void> {
    const renew = setTimeout(() => void client.noop().catch(() => undefined), IDLE_RENEW_MS);
    try {
      await client.idle();
    } finally {
      clearTimeout(renew);
    }
  }

  /**
   * New mail announced. IDLE only ends when another command is sent, and the announcement can come
   * just before IDLE has started, so keep trying until it is running (or the loop picked it up).
   */
  private wake(): void {
    this.pending = true;
    this.interrupt();
    if (this.wakeTimer) return;
    const breakIdle = () => {
      const client = this.client;
      if (!this.pending || !client?.usable) {
        if (this.wakeTimer) clearInterval(this.wakeTimer);
        this.wakeTimer = null;
        return;
      }
      if (client.idling) {
        if (this.wakeTimer) clearInterval(this.wakeTimer);
        this.wakeTimer = null;
        void client.noop().catch(() => undefined);
      }
    };
    this.wakeTimer = setInterval(breakIdle, 50);
    breakIdle();
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = null;
        resolve();
      }, ms);
      this.sleeper = { timer, resolve };
    });
  }

  private interrupt(): void {
    const sleeper = this.sleeper;
    if (!sleeper) return;
    this.sleeper = null;
    clearTimeout(sleeper.timer);
    sleeper.resolve();
  }
}

/** UID lists whose messages add up to about `maxBytes` each (one big message is a group of its own). */
function byteGroups(messages: FetchMessageObject[], maxBytes: number): string[] {
  const groups: string[] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length && bytes + (message.size ?? 0) > maxBytes) {
      groups.push(current.join(","));
      current = [];
      bytes = 0;
    }
    current.push(message.uid);
    bytes += message.size ?? 0;
  }
  if (current.length) groups.push(current.join(","));
  return groups;
}

/**
 * The email channel of one server process: an ingester per enabled mailbox (each fetching only while
 * this process holds that mailbox's lock), the sender, and the mailbox admin operations. Changes made
 * here apply at once; changes made through another process are picked up within RELOAD_MS.
 */
import type { CaseDeps } from "../../cases/deps.ts";
import type { Database } from "../../db/connect.ts";
import type { BlobStorage } from "../storage.ts";
import { type EmailLogger, MailboxIngester } from "./imap-ingester.ts";
import { createMailboxLocks, type MailboxLocks } from "./mailbox-lock.ts";
import {
  createMailbox,
  deleteMailbox,
  type EnvEmailSettings,
  ensureEnvMailbox,
  getMailbox,
  listMailboxes,
  type MailboxInput,
  type MailboxRow,
  type MailboxView,
  mailboxConnection,
  mailboxView,
  updateMailbox,
} from "./mailboxes.ts";

/** How often each process re-reads the mailbox list for changes made through other processes. */
const RELOAD_MS = 30_000;

export interface EmailChannelDeps {
  database: Database;
  cases: CaseDeps;
  storage: BlobStorage;
  secret: string;
  env?: EnvEmailSettings;
  pollMs: number;
  attachmentMaxBytes: number;
  logger: EmailLogger;
  onError(error: unknown): void;
  /** Told whether any mailbox can send: other parts (status updates) only use email when one can. */
  onSendingAvailable(available: boolean): void;
  /** How long a process waits before trying again for a mailbox another process fetches. */
  lockRetryMs?: number;
}

export interface EmailChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Starts, stops and restarts ingesters to match the stored mailboxes. */
  reload(): Promise<void>;
  list(): Promise<MailboxView[]>;
  get(id: string): Promise<MailboxView>;
  create(input: MailboxInput): Promise<MailboxView>;
  update(id: string, patch: Partial<MailboxInput>): Promise<MailboxView>;
  remove(id: string): Promise<void>;
}

interface Running {
  ingester: MailboxIngester;
  version: string;
}

/** What an ingester was started with: when any of it changes, it restarts. */
const versionOf = (row: MailboxRow) =>
  [row.updatedAt.getTime(), row.name, row.address, row.folder, row.queueId ?? ""].join("|");

export async function createEmailChannel(deps: EmailChannelDeps): Promise<EmailChannel> {
  const { db } = deps.cases;
  if (deps.env) await ensureEnvMailbox(db, deps.env);
  const secrets = { secret: deps.secret, env: deps.env };
  let locks: MailboxLocks | null = null;
  const running = new Map<string, Running>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let reloading: Promise<void> = Promise.resolve();

  const ingesterDeps = () => ({
    cases: deps.cases,
    storage: deps.storage,
    attachmentMaxBytes: deps.attachmentMaxBytes,
    locks: locks!,
    pollMs: deps.pollMs,
    logger: deps.logger,
    lockRetryMs: deps.lockRetryMs,
    connectionOf: async (mailboxId: string) => mailboxConnection(await getMailbox(db, mailboxId), secrets),
  });

  const reconcile = async () => {
    if (stopped) return;
    const rows = await listMailboxes(db);
    deps.onSendingAvailable(rows.some((row) => !row.fromEnv || deps.env));
    if (!started) return;
    const wanted = new Map(
      rows.filter((row) => row.enabled && (!row.fromEnv || deps.env)).map((row) => [row.id, row]),
    );
    for (const [id, entry] of running) {
      const row = wanted.get(id);
      if (row && versionOf(row) === entry.version) continue;
      running.delete(id);
      await entry.ingester.stop();
    }
    for (const [id, row] of wanted) {
      if (running.has(id) || stopped) continue;
      const ingester = new MailboxIngester(ingesterDeps(), {
        id,
        name: row.name,
        address: row.address,
        folder: row.folder,
        queueId: row.queueId,
      });
      running.set(id, { ingester, version: versionOf(row) });
      ingester.start();
    }
  };

  const reload = () => {
    reloading = reloading.then(reconcile).catch((error) => deps.onError(error));
    return reloading;
  };

  await reload();
  return {
    async start() {
      locks = createMailboxLocks(deps.database, deps.onError);
      started = true;
      await reload();
      timer = setInterval(() => void reload(), RELOAD_MS);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await reloading;
      await Promise.all([...running.values()].map((entry) => entry.ingester.stop()));
      running.clear();
      await locks?.close();
    },
    reload,
    async list() {
      return (await listMailboxes(db)).map((row) => mailboxView(row, secrets));
    },
    async get(id) {
      return mailboxView(await getMailbox(db, id), secrets);
    },
    async create(input) {
      const row = await createMailbox(db, deps.secret, input);
      await reload();
      return mailboxView(row, secrets);
    },
    async update(id, patch) {
      const row = await updateMailbox(db, deps.secret, id, patch);
      await reload();
      return mailboxView(row, secrets);
    },
    async remove(id) {
      await deleteMailbox(db, id);
      await reload();
    },
  };
}

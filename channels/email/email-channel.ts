/**
 * The email channel of one server process: an ingester per enabled mailbox (each fetching only while
 * this process holds that mailbox's lock), the sender, and the mailbox admin operations. Changes made
 * here apply at once; changes made through another process are picked up within RELOAD_MS.
 */
import type { CaseDeps } from "../../cases/deps.ts";
import { AppError } from "../../cases/errors.ts";
import type { Database } from "../../db/connect.ts";
import type { BlobStorage } from "../storage.ts";
import { type EmailLogger, MailboxIngester } from "./imap-ingester.ts";
import { createMailboxLocks, type MailboxLocks } from "./mailbox-lock.ts";
import { type MailTokenDeps, mailOauthApp, signedInConnection } from "./mailbox-oauth.ts";
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
  /** Access tokens of mailboxes that sign in with OAuth, and the apps they sign in through. */
  tokens?: MailTokenDeps;
}

/** A new mailbox: its URLs may be left out when it signs in with OAuth (the provider's servers). */
export type MailboxCreate = Omit<MailboxInput, "imapUrl" | "smtpUrl"> & {
  imapUrl?: string;
  smtpUrl?: string;
};

export interface EmailChannel {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Starts, stops and restarts ingesters to match the stored mailboxes. */
  reload(): Promise<void>;
  list(): Promise<MailboxView[]>;
  get(id: string): Promise<MailboxView>;
  create(input: MailboxCreate): Promise<MailboxView>;
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

/** This process's email channel: its ingesters, whether it fetches, and the reload in flight. */
interface EmailChannelState {
  readonly deps: EmailChannelDeps;
  readonly secrets: { secret: string; env?: EnvEmailSettings };
  readonly running: Map<string, Running>;
  locks: MailboxLocks | null;
  started: boolean;
  stopped: boolean;
  timer: NodeJS.Timeout | null;
  reloading: Promise<void>;
}

function ingesterDeps(state: EmailChannelState) {
  const { deps, secrets } = state;
  return {
    cases: deps.cases,
    storage: deps.storage,
    attachmentMaxBytes: deps.attachmentMaxBytes,
    locks: state.locks!,
    pollMs: deps.pollMs,
    logger: deps.logger,
    lockRetryMs: deps.lockRetryMs,
    connectionOf: async (mailboxId: string) =>
      signedInConnection(await getMailbox(deps.cases.db, mailboxId), secrets, deps.tokens),
  };
}

/** Stops the ingesters of mailboxes no longer wanted, or changed since they started. */
async function stopChanged(state: EmailChannelState, wanted: Map<string, MailboxRow>): Promise<void> {
  for (const [id, entry] of state.running) {
    const row = wanted.get(id);
    if (row && versionOf(row) === entry.version) continue;
    state.running.delete(id);
    await entry.ingester.stop();
  }
}

function startMissing(state: EmailChannelState, wanted: Map<string, MailboxRow>): void {
  for (const [id, row] of wanted) {
    if (state.running.has(id) || state.stopped) continue;
    const ingester = new MailboxIngester(ingesterDeps(state), {
      id,
      name: row.name,
      address: row.address,
      folder: row.folder,
      queueId: row.queueId,
    });
    state.running.set(id, { ingester, version: versionOf(row) });
    ingester.start();
  }
}

async function reconcile(state: EmailChannelState): Promise<void> {
  const { deps } = state;
  if (state.stopped) return;
  const rows = await listMailboxes(deps.cases.db);
  // A mailbox from the environment is usable only while the environment still configures it.
  const usable = (row: MailboxRow) => !row.fromEnv || deps.env;
  deps.onSendingAvailable(rows.some(usable));
  if (!state.started) return;
  const wanted = new Map(rows.filter((row) => row.enabled && usable(row)).map((row) => [row.id, row]));
  await stopChanged(state, wanted);
  startMissing(state, wanted);
}

/** Reloads run one after another; a failed one is reported and does not block the next. */
function reload(state: EmailChannelState): Promise<void> {
  state.reloading = state.reloading.then(() => reconcile(state)).catch((error) => state.deps.onError(error));
  return state.reloading;
}

async function start(state: EmailChannelState): Promise<void> {
  state.locks = createMailboxLocks(state.deps.database, state.deps.onError);
  state.started = true;
  await reload(state);
  state.timer = setInterval(() => void reload(state), RELOAD_MS);
  state.timer.unref();
}

async function stop(state: EmailChannelState): Promise<void> {
  state.stopped = true;
  if (state.timer) clearInterval(state.timer);
  await state.reloading;
  await Promise.all([...state.running.values()].map((entry) => entry.ingester.stop()));
  state.running.clear();
  await state.locks?.close();
}

/** A new mailbox's URLs: as given, or its OAuth provider's servers with the address as the user. */
function withServers(input: MailboxCreate, tokens: MailTokenDeps | undefined): MailboxInput {
  if (input.oauthProvider) {
    const app = mailOauthApp(tokens?.apps ?? {}, input.oauthProvider);
    return {
      ...input,
      imapUrl: input.imapUrl ?? app.imapUrl(input.address),
      smtpUrl: input.smtpUrl ?? app.smtpUrl(input.address),
    };
  }
  if (!input.imapUrl || !input.smtpUrl)
    throw new AppError(
      "VALIDATION",
      "imapUrl and smtpUrl are required, unless the mailbox signs in with OAuth (oauthProvider).",
    );
  return { ...input, imapUrl: input.imapUrl, smtpUrl: input.smtpUrl };
}

/** The mailbox admin operations; a change reloads the ingesters at once. */
function mailboxAdmin(
  state: EmailChannelState,
): Pick<EmailChannel, "list" | "get" | "create" | "update" | "remove"> {
  const { deps, secrets } = state;
  const { db } = deps.cases;
  return {
    async list() {
      return (await listMailboxes(db)).map((row) => mailboxView(row, secrets));
    },
    async get(id) {
      return mailboxView(await getMailbox(db, id), secrets);
    },
    async create(input) {
      const row = await createMailbox(db, deps.secret, withServers(input, deps.tokens));
      await reload(state);
      return mailboxView(row, secrets);
    },
    async update(id, patch) {
      const row = await updateMailbox(db, deps.secret, id, patch);
      await reload(state);
      return mailboxView(row, secrets);
    },
    async remove(id) {
      await deleteMailbox(db, id);
      await reload(state);
    },
  };
}

export async function createEmailChannel(deps: EmailChannelDeps): Promise<EmailChannel> {
  if (deps.env) await ensureEnvMailbox(deps.cases.db, deps.env);
  const state: EmailChannelState = {
    deps,
    secrets: { secret: deps.secret, env: deps.env },
    running: new Map(),
    locks: null,
    started: false,
    stopped: false,
    timer: null,
    reloading: Promise.resolve(),
  };
  await reload(state);
  return {
    start: () => start(state),
    stop: () => stop(state),
    reload: () => reload(state),
    ...mailboxAdmin(state),
  };
}

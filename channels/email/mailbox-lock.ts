/**
 * Only one process fetches a mailbox at a time. On PostgreSQL each process keeps one session
 * (a reserved pool connection) and holds a session-level advisory lock per mailbox it fetches on it,
 * so a crashed process frees its mailboxes the moment its connection drops. A process that does not
 * get a lock tries again later. PGlite lives in one process, so a set in memory does the same there.
 */
import type { Sql } from "postgres";
import type { Database } from "../../db/connect.ts";

/**
 * Advisory lock namespace of mailbox fetching, beside db/locks.ts's (1–4) in the two-key space, so
 * it never collides with those nor with the single-key locks (migrations).
 */
export const MAILBOX_LOCK_NAMESPACE = 5;

/** How often the session is checked, so a lost connection (and with it the locks) is noticed. */
const HEARTBEAT_MS = 10_000;

export interface MailboxLease {
  /** Aborted when the lock can no longer be trusted (the session that held it is gone). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface MailboxLocks {
  /** The lease, or null when another process (or ingester) holds the mailbox. */
  tryAcquire(mailboxId: string): Promise<MailboxLease | null>;
  close(): Promise<void>;
}

const inMemoryHeld = new WeakMap<Database, Set<string>>();

function inMemoryLocks(database: Database): MailboxLocks {
  // Keyed by the database, so two apps sharing one PGlite (as tests do) exclude each other.
  const held = inMemoryHeld.get(database) ?? new Set<string>();
  inMemoryHeld.set(database, held);
  const mine = new Set<string>();
  return {
    async tryAcquire(mailboxId) {
      if (held.has(mailboxId)) return null;
      held.add(mailboxId);
      mine.add(mailboxId);
      const lost = new AbortController();
      return {
        lost: lost.signal,
        async release() {
          if (mine.delete(mailboxId)) held.delete(mailboxId);
        },
      };
    },
    async close() {
      for (const mailboxId of mine) held.delete(mailboxId);
      mine.clear();
    },
  };
}

type ReservedSql = Awaited<ReturnType<Sql["reserve"]>>;

type Session = { sql: ReservedSql; lost: AbortController; backendPid: number };

/** The one lock session of this process and the mailboxes locked on it. */
interface PostgresLockState {
  readonly client: Sql;
  readonly onError: (error: unknown) => void;
  /** Lock calls on the one session run one after another. */
  readonly serial: <T>(work: () => Promise<T>) => Promise<T>;
  readonly held: Map<string, AbortController>;
  session: Session | null;
  opening: Promise<Session> | null;
  heartbeat: NodeJS.Timeout | null;
}

function serialQueue() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
}

const noLocksHeld = () => new Error("no mailbox locks held");

function dropSession(state: PostgresLockState, reason: unknown): void {
  if (!state.session) return;
  const dead = state.session;
  state.session = null;
  if (state.heartbeat) clearInterval(state.heartbeat);
  state.heartbeat = null;
  state.held.clear();
  dead.lost.abort(reason);
  // Never hand a connection back to the pool with our locks still on it.
  void dead.sql`select pg_advisory_unlock_all()`.catch(() => undefined).finally(() => dead.sql.release());
}

/** A reconnect behind our back would answer queries while the locks are gone: compare the pid. */
function watchSession(state: PostgresLockState, opened: Session): void {
  const heartbeat = setInterval(() => {
    if (state.session !== opened) return;
    void state
      .serial(() => opened.sql<{ pid: number }[]>`select pg_backend_pid() as pid`)
      .then(([now]) => {
        if (now?.pid !== opened.backendPid) throw new Error("The mailbox lock session was replaced.");
      })
      .catch((error) => {
        state.onError(error);
        if (state.session === opened) dropSession(state, error);
      });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  state.heartbeat = heartbeat;
}

async function reserveSession(state: PostgresLockState): Promise<Session> {
  const sql = await state.client.reserve();
  const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const opened: Session = { sql, lost: new AbortController(), backendPid: row!.pid };
  state.session = opened;
  watchSession(state, opened);
  return opened;
}

/** The current session, or a newly reserved one (one reservation at a time). */
async function openSession(state: PostgresLockState): Promise<Session> {
  if (state.session) return state.session;
  state.opening ??= reserveSession(state).finally(() => {
    state.opening = null;
  });
  return state.opening;
}

function unlock(session: Session, mailboxId: string) {
  return session.sql`select pg_advisory_unlock(${MAILBOX_LOCK_NAMESPACE}::int, hashtext(${mailboxId}))`;
}

async function tryLock(state: PostgresLockState, mailboxId: string): Promise<MailboxLease | null> {
  if (state.held.has(mailboxId)) return null;
  const current = await openSession(state);
  let rows: { locked: boolean }[];
  try {
    rows = await current.sql<{ locked: boolean }[]>`
      select pg_try_advisory_lock(${MAILBOX_LOCK_NAMESPACE}::int, hashtext(${mailboxId})) as locked`;
  } catch (error) {
    dropSession(state, error);
    throw error;
  }
  if (!rows[0]?.locked) {
    if (!state.held.size) dropSession(state, noLocksHeld());
    return null;
  }
  const lost = new AbortController();
  state.held.set(mailboxId, lost);
  current.lost.signal.addEventListener("abort", () => lost.abort(current.lost.signal.reason), {
    once: true,
  });
  return {
    lost: lost.signal,
    release: () => state.serial(() => releaseLock(state, current, mailboxId, lost)),
  };
}

async function releaseLock(
  state: PostgresLockState,
  current: Session,
  mailboxId: string,
  lost: AbortController,
): Promise<void> {
  if (state.held.get(mailboxId) !== lost || state.session !== current) return;
  state.held.delete(mailboxId);
  try {
    await unlock(current, mailboxId);
  } catch (error) {
    dropSession(state, error);
    return;
  }
  // A process that fetches nothing gives its connection back to the pool.
  if (!state.held.size) dropSession(state, noLocksHeld());
}

async function releaseAll(state: PostgresLockState): Promise<void> {
  const current = state.session;
  if (!current) return;
  for (const mailboxId of state.held.keys()) {
    await unlock(current, mailboxId).catch(() => undefined);
  }
  dropSession(state, new Error("closed"));
}

function postgresLocks(client: Sql, onError: (error: unknown) => void): MailboxLocks {
  const state: PostgresLockState = {
    client,
    onError,
    serial: serialQueue(),
    held: new Map(),
    session: null,
    opening: null,
    heartbeat: null,
  };
  return {
    tryAcquire: (mailboxId) => state.serial(() => tryLock(state, mailboxId)),
    close: () => state.serial(() => releaseAll(state)),
  };
}

export function createMailboxLocks(database: Database, onError: (error: unknown) => void): MailboxLocks {
  if (database.kind === "pglite") return inMemoryLocks(database);
  // The Database interface only offers a waiting lock that would pin a pool connection per mailbox
  // in every process; one reserved session with try-locks needs the driver itself.
  const client = (database.db as unknown as { $client?: Sql }).$client;
  if (!client?.reserve) throw new Error("The PostgreSQL client does not expose reserved connections.");
  return postgresLocks(client, onError);
}

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

function postgresLocks(client: Sql, onError: (error: unknown) => void): MailboxLocks {
  type Session = { sql: ReservedSql; lost: AbortController; backendPid: number };
  let session: Session | null = null;
  let opening: Promise<Session> | null = null;
  const held = new Map<string, AbortController>();
  let heartbeat: NodeJS.Timeout | null = null;
  // Lock calls on the one session run one after another.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  const dropSession = (reason: unknown) => {
    if (!session) return;
    const dead = session;
    session = null;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    held.clear();
    dead.lost.abort(reason);
    // Never hand a connection back to the pool with our locks still on it.
    void dead.sql`select pg_advisory_unlock_all()`.catch(() => undefined).finally(() => dead.sql.release());
  };

  const open = async () => {
    if (session) return session;
    opening ??= (async () => {
      const sql = await client.reserve();
      const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const opened: Session = { sql, lost: new AbortController(), backendPid: row!.pid };
      session = opened;
      // A reconnect behind our back would answer queries while the locks are gone: compare the pid.
      heartbeat = setInterval(() => {
        if (session !== opened) return;
        void serial(() => opened.sql<{ pid: number }[]>`select pg_backend_pid() as pid`)
          .then(([now]) => {
            if (now?.pid !== opened.backendPid) throw new Error("The mailbox lock session was replaced.");
          })
          .catch((error) => {
            onError(error);
            if (session === opened) dropSession(error);
          });
      }, HEARTBEAT_MS);
      heartbeat.unref();
      return session;
    })().finally(() => {
      opening = null;
    });
    return opening;
  };

  return {
    tryAcquire: (mailboxId) =>
      serial(async () => {
        if (held.has(mailboxId)) return null;
        const current = await open();
        let rows: { locked: boolean }[];
        try {
          rows = await current.sql<{ locked: boolean }[]>`
            select pg_try_advisory_lock(${MAILBOX_LOCK_NAMESPACE}::int, hashtext(${mailboxId})) as locked`;
        } catch (error) {
          dropSession(error);
          throw error;
        }
        if (!rows[0]?.locked) {
          if (!held.size) dropSession(new Error("no mailbox locks held"));
          return null;
        }
        const lost = new AbortController();
        held.set(mailboxId, lost);
        current.lost.signal.addEventListener("abort", () => lost.abort(current.lost.signal.reason), {
          once: true,
        });
        return {
          lost: lost.signal,
          release: () =>
            serial(async () => {
              if (held.get(mailboxId) !== lost || session !== current) return;
              held.delete(mailboxId);
              try {
                await current.sql`select pg_advisory_unlock(${MAILBOX_LOCK_NAMESPACE}::int, hashtext(${mailboxId}))`;
              } catch (error) {
                dropSession(error);
                return;
              }
              // A process that fetches nothing gives its connection back to the pool.
              if (!held.size) dropSession(new Error("no mailbox locks held"));
            }),
        };
      }),
    close: () =>
      serial(async () => {
        const current = session;
        if (!current) return;
        for (const mailboxId of held.keys()) {
          await current.sql`select pg_advisory_unlock(${MAILBOX_LOCK_NAMESPACE}::int, hashtext(${mailboxId}))`.catch(
            () => undefined,
          );
        }
        dropSession(new Error("closed"));
      }),
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

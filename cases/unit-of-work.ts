/**
 * A transaction plus what must happen after it commits. Services collect domain events and jobs
 * while they work; both leave only when the transaction has committed, so a rolled-back change
 * never pushes an event or starts a job.
 */
import type { Db, Tx } from "../db/connect.ts";
import type { DomainEvent } from "./events.ts";
import type { EnqueueOptions, EventSink, RoutingTrigger } from "./ports.ts";

interface PendingJob {
  name: string;
  data: unknown;
  options?: EnqueueOptions;
}

export interface Outbox {
  /** Any scheduler: the after-commit jobs are forwarded to it by name. */
  enqueue(name: string, data: unknown, options?: EnqueueOptions): Promise<void>;
}

export class UnitOfWork {
  readonly events: DomainEvent[] = [];
  readonly jobs: PendingJob[] = [];
  /** Queues routing should look at after commit ("all" for every queue). */
  readonly routing = new Set<string>();

  requestRouting(queueId: string | "all"): void {
    this.routing.add(queueId);
  }

  emit(...events: DomainEvent[]): void {
    this.events.push(...events);
  }

  schedule(name: string, data: unknown, options?: EnqueueOptions): void {
    this.jobs.push({ name, data, options });
  }
}

export interface UnitOfWorkDeps {
  db: Db;
  events: EventSink;
  jobs: Outbox;
  routing?: RoutingTrigger;
  onAfterCommitError?: (error: unknown) => void;
}

/**
 * Runs `work` in one transaction, then publishes its events and enqueues its jobs. A failure after
 * commit is reported, not thrown: the change is durable and the periodic sweeps repair a lost job.
 */
export async function withUnitOfWork<T>(
  deps: UnitOfWorkDeps,
  work: (tx: Tx, uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const uow = new UnitOfWork();
  const result = await deps.db.transaction((tx) => work(tx as Tx, uow));
  deps.events.publish(uow.events);
  for (const queueId of uow.routing) deps.routing?.request(queueId);
  for (const job of uow.jobs) {
    try {
      await deps.jobs.enqueue(job.name, job.data, job.options);
    } catch (error) {
      deps.onAfterCommitError?.(error);
    }
  }
  return result;
}

/**
 * A transaction plus what must happen after it commits. Services collect domain events and jobs
 * while they work; both leave only when the transaction has committed, so a rolled-back change
 * never pushes an event or starts a job.
 */
import type { Db, Tx } from "../db/connect.ts";
import { caseStateHas } from "./case-states.ts";
import type { DomainEvent } from "./events.ts";
import type {
  EnqueueOptions,
  EventSink,
  JobCatalogue,
  JobName,
  JobScheduler,
  QueuedCase,
  RoutingTrigger,
} from "./ports.ts";

type PendingJob = {
  [K in JobName]: { name: K; data: JobCatalogue[K]; options?: EnqueueOptions | undefined };
}[JobName];

/** Any scheduler: the after-commit jobs are forwarded to it by name. */
export type Outbox = Pick<JobScheduler, "enqueue">;

export class UnitOfWork {
  readonly events: DomainEvent[] = [];
  readonly jobs: PendingJob[] = [];
  /** Queues routing should look at after commit ("all" for every queue). */
  readonly routing = new Set<string>();
  /** Cases that joined their queue: routing matches each against the agents free for it. */
  readonly queuedCases = new Map<string, QueuedCase>();
  /** Agents with room again: routing matches them against the cases waiting for them. */
  readonly freedAgents = new Set<string>();
  /** Work that must follow the commit in this process (e.g. handing a chat message to the visitor). */
  readonly followUps: ((deps: UnitOfWorkDeps) => Promise<void>)[] = [];

  /** Routing should look at `queueId`; given the case that joined it, at that case. */
  requestRouting(queueId: string | "all", queued?: QueuedCase): void {
    if (queued && caseStateHas(queued.row.state, "routable")) this.queuedCases.set(queued.row.id, queued);
    else this.routing.add(queueId);
  }

  agentFreed(agentId: string): void {
    this.freedAgents.add(agentId);
  }

  emit(...events: DomainEvent[]): void {
    this.events.push(...events);
  }

  schedule<K extends JobName>(name: K, data: JobCatalogue[K], options?: EnqueueOptions): void {
    this.jobs.push({ name, data, options } as PendingJob);
  }

  afterCommit(followUp: (deps: UnitOfWorkDeps) => Promise<void>): void {
    this.followUps.push(followUp);
  }
}

export interface UnitOfWorkDeps {
  db: Db;
  events: EventSink;
  jobs: Outbox;
  clock: () => Date;
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
  await publishAfterCommit(deps, uow);
  return result;
}

/** What a committed unit of work leaves behind: its events, its routing requests, its jobs. */
export async function publishAfterCommit(deps: UnitOfWorkDeps, uow: UnitOfWork): Promise<void> {
  if (uow.events.length) deps.events.publish(uow.events);
  const routing = deps.routing;
  if (routing) {
    for (const queued of uow.queuedCases.values()) {
      if (routing.caseQueued) routing.caseQueued(queued);
      else if (queued.row.queueId) routing.request(queued.row.queueId);
    }
    for (const agentId of uow.freedAgents) {
      if (routing.agentFreed) routing.agentFreed(agentId);
      else routing.request("all");
    }
    for (const queueId of uow.routing) routing.request(queueId);
  }
  for (const job of uow.jobs) {
    try {
      await deps.jobs.enqueue(job.name, job.data, job.options);
    } catch (error) {
      deps.onAfterCommitError?.(error);
    }
  }
  for (const followUp of uow.followUps) {
    try {
      await followUp(deps);
    } catch (error) {
      deps.onAfterCommitError?.(error);
    }
  }
}

/**
 * A decided change of one case, made in memory before anything is written: the rows to write (the
 * case, audit rows, and what transition hooks add) and what to do once they are written.
 */
import type { Executor } from "../db/connect.ts";
import {
  type CaseContext,
  type CaseRow,
  type CaseWrite,
  type CaseWritten,
  emptyCaseWrite,
} from "./case-store.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

/**
 * Columns the machine's snapshot decides. Only `planCaseEvent` writes them, all together, from the
 * snapshot it writes (the `cases_state_is_snapshot` CHECK refuses a row where they differ).
 */
export type SnapshotColumns = "state" | "assigneeId" | "resolvedAt" | "machineSnapshot" | "machineVersion";

/** Columns a decision may set besides those the snapshot decides. */
export type CaseRowChanges = Partial<Omit<CaseRow, SnapshotColumns>>;

type Finisher = (written: CaseWritten, uow: UnitOfWork) => void;

/** A decided change of one case: what to write, and what to do once it is written. */
export class CasePlan {
  readonly write: CaseWrite;
  private readonly finishers: Finisher[] = [];

  /**
   * @param executor where the decision reads cached configuration from when it must: the open
   *   transaction for a change inside one (an embedded database has one connection), else the database.
   */
  constructor(
    readonly context: CaseContext,
    readonly executor: Executor,
  ) {
    this.write = emptyCaseWrite(context.row);
  }

  /** The case row as it will be once written (without what only the database fills in). */
  get after(): CaseRow {
    return { ...this.context.row, ...this.write.set };
  }

  set(changes: CaseRowChanges): void {
    Object.assign(this.write.set, changes);
  }

  /** Adds an audit row; returns its position, by which customer updates refer to it. */
  audit(entry: CaseWrite["audits"][number]): number {
    return this.write.audits.push(entry) - 1;
  }

  afterWrite(finisher: Finisher): void {
    this.finishers.push(finisher);
  }

  finish(written: CaseWritten, uow: UnitOfWork): void {
    for (const finisher of this.finishers) finisher(written, uow);
  }
}

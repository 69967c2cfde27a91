/**
 * The case machine's vocabulary for code outside it: which states carry a tag (cases/case-machine.ts,
 * `CASE_TAGS`), asked of a state name (`caseStateHas`), listed (`statesTagged`) or written into SQL
 * (`stateIn`). Read from the machine's definition, so a state added, split or renamed there changes
 * every question asked here with it.
 */
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { CaseState } from "../db/schema/cases.ts";
import { CASE_TAGS, type CaseTag, createCaseMachine, initialCaseSnapshot } from "./case-machine.ts";

export type { CaseTag } from "./case-machine.ts";

// Tags belong to the states, not to a policy: any instance of the machine has the same ones.
const TAGS_OF: ReadonlyMap<string, ReadonlySet<CaseTag>> = new Map(
  Object.entries(createCaseMachine().states).map(([state, node]) => [state, new Set(node.tags as CaseTag[])]),
);

const TAGGED: ReadonlyMap<CaseTag, readonly CaseState[]> = new Map(
  CASE_TAGS.map((tag) => [
    tag,
    Object.freeze([...TAGS_OF].filter(([, tags]) => tags.has(tag)).map(([state]) => state as CaseState)),
  ]),
);

/** The machine's states, in the order it declares them. */
export const MACHINE_STATES: readonly CaseState[] = Object.freeze([...TAGS_OF.keys()] as CaseState[]);

/**
 * Whether a state carries `tag`. A state the machine does not know (an audit row of a state since
 * renamed) carries none.
 */
export function caseStateHas(state: CaseState | string | null | undefined, tag: CaseTag): boolean {
  return state != null && (TAGS_OF.get(state)?.has(tag) ?? false);
}

/** The states that carry `tag`, in the machine's order. */
export function statesTagged(tag: CaseTag): readonly CaseState[] {
  return TAGGED.get(tag)!;
}

/**
 * `column in ('a', 'b')` for the states carrying `tag` (`not in` with `negate`). The states are
 * written as literals, not parameters, so the planner can match the partial indexes whose predicate
 * names them (e.g. `cases_queued_idx`, the inbox's open-case indexes).
 */
export function stateIn(column: SQLWrapper, tag: CaseTag, negate = false): SQL {
  const list = sql.raw(
    statesTagged(tag)
      .map((state) => `'${state}'`)
      .join(", "),
  );
  return negate ? sql`${column} not in (${list})` : sql`${column} in (${list})`;
}

/** Where every case starts. */
export const INITIAL_CASE_STATE: CaseState = initialCaseSnapshot(createCaseMachine()).value;

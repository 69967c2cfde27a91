/**
 * The case machine's vocabulary (cases/case-states.ts): which states carry which tag, and the lists
 * kept elsewhere that must say the same — the schema's states and its open-case index predicate,
 * and the agent console's copies (it never imports server code at run time).
 */

import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import {
  FINAL_STATES as CONSOLE_FINAL_STATES,
  OPEN_STATES as CONSOLE_OPEN_STATES,
  type CaseState as ConsoleCaseState,
} from "../../agent-console/src/api/types.ts";
import { CASE_TAGS, createCaseMachine } from "../../cases/case-machine.ts";
import { OPEN_STATES } from "../../cases/case-queries.ts";
import {
  caseStateHas,
  INITIAL_CASE_STATE,
  MACHINE_STATES,
  stateIn,
  statesTagged,
} from "../../cases/case-states.ts";
import { CASE_STATES, type CaseState, cases, OPEN_CASE_STATES } from "../../db/schema/cases.ts";

describe("case state vocabulary", () => {
  it("tags every state of the machine as the rest of the system needs", () => {
    const table = Object.fromEntries(
      MACHINE_STATES.map((state) => [state, CASE_TAGS.filter((tag) => caseStateHas(state, tag))]),
    );
    expect(table).toEqual({
      new: ["open", "intake", "awaitingAgent"],
      queued: ["open", "awaitingAgent", "inQueue", "routable"],
      offered: ["open", "awaitingAgent", "inQueue", "offerPending"],
      assigned: ["open", "occupiesAgent", "agentWorking"],
      waiting_on_customer: ["open", "occupiesAgent", "awaitingCustomer"],
      resolved: ["done", "resolved"],
      closed: ["done", "final"],
    });
    // Every tag is used, and every state is either open or done.
    for (const tag of CASE_TAGS) expect(statesTagged(tag).length).toBeGreaterThan(0);
    for (const state of MACHINE_STATES)
      expect(caseStateHas(state, "open")).toBe(!caseStateHas(state, "done"));
    expect(INITIAL_CASE_STATE).toBe("new");
    expect(caseStateHas("not-a-state", "open")).toBe(false);
    expect(caseStateHas(null, "open")).toBe(false);
  });

  it("says `final` exactly where the machine accepts nothing more", () => {
    const machine = createCaseMachine();
    for (const state of MACHINE_STATES)
      expect(caseStateHas(state, "final")).toBe(machine.states[state]!.type === "final");
  });

  it("agrees with the lists kept outside the machine", () => {
    expect([...MACHINE_STATES].sort()).toEqual([...CASE_STATES].sort());
    // The open-case partial indexes (db/migrations) spell these states out.
    expect(statesTagged("open")).toEqual(OPEN_CASE_STATES);
    expect(OPEN_STATES).toEqual(OPEN_CASE_STATES);
    // The agent console's copies.
    expect([...CONSOLE_OPEN_STATES]).toEqual(statesTagged("open"));
    expect([...CONSOLE_FINAL_STATES]).toEqual(statesTagged("final"));
    const sameStates: [ConsoleCaseState, CaseState] extends [CaseState, ConsoleCaseState] ? true : false =
      true;
    expect(sameStates).toBe(true);
  });

  it("writes the states of a tag into SQL as literals", () => {
    const dialect = new PgDialect();
    expect(dialect.sqlToQuery(stateIn(cases.state, "occupiesAgent"))).toEqual({
      sql: `"cases"."state" in ('assigned', 'waiting_on_customer')`,
      params: [],
    });
    expect(dialect.sqlToQuery(stateIn(cases.state, "final", true)).sql).toBe(
      `"cases"."state" not in ('closed')`,
    );
  });
});

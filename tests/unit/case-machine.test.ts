import { describe, expect, it } from "vitest";
import {
  CASE_MACHINE_VERSION,
  CASE_SNAPSHOT_UPGRADES,
  type CaseEvent,
  caseColumnsOf,
  createCaseMachine,
  decideCaseEvent,
  initialCaseSnapshot,
  type PersistedCaseSnapshot,
  restoreCaseSnapshot,
} from "../../cases/case-machine.ts";
import { AppError } from "../../cases/errors.ts";

const DAY = 24 * 3600_000;
const machine = createCaseMachine({ reopenWindowMs: 7 * DAY, autoCloseAfterMs: 4 * DAY });

function run(events: CaseEvent[], start: PersistedCaseSnapshot = initialCaseSnapshot(machine)) {
  let snapshot = start;
  const trail: { type: string; accepted: boolean; state: string; effects: string[] }[] = [];
  for (const event of events) {
    const decision = decideCaseEvent(machine, snapshot, event);
    trail.push({
      type: event.type,
      accepted: decision.accepted,
      state: decision.snapshot.value,
      effects: decision.effects.map((e) => e.type),
    });
    snapshot = decision.snapshot;
  }
  return { snapshot, trail };
}

describe("case machine", () => {
  it("walks new → queued → offered → assigned → waiting → assigned → resolved → closed", () => {
    const { trail } = run([
      { type: "ENQUEUE", at: 0 },
      { type: "OFFER", agentId: "a", at: 1 },
      { type: "ASSIGN", agentId: "a", at: 2 },
      { type: "WAIT_ON_CUSTOMER", at: 3 },
      { type: "CUSTOMER_MESSAGE", at: 4 },
      { type: "RESOLVE", at: 5 },
      { type: "CLOSE", at: 6 },
    ]);
    expect(trail.map((t) => t.state)).toEqual([
      "queued",
      "offered",
      "assigned",
      "waiting_on_customer",
      "assigned",
      "resolved",
      "closed",
    ]);
    expect(trail.every((t) => t.accepted)).toBe(true);
  });

  it("asks for routing on entering the queue and withdraws offers on leaving `offered`", () => {
    const { trail } = run([
      { type: "ENQUEUE", at: 0 },
      { type: "OFFER", agentId: "a", at: 1 },
      { type: "OFFER_RETURNED", at: 2 },
    ]);
    expect(trail[0]!.effects).toEqual(["requestRouting"]);
    expect(trail[2]!.effects).toEqual(["cancelPendingOffers", "requestRouting"]);
  });

  it("schedules the auto-close when resolved and closes only once the delay has passed", () => {
    const { snapshot, trail } = run([
      { type: "ASSIGN", agentId: "a", at: 0 },
      { type: "RESOLVE", at: 1000 },
      { type: "AUTO_CLOSE", at: 1000 + 4 * DAY - 1 },
    ]);
    const resolve = decideCaseEvent(machine, run([{ type: "ASSIGN", agentId: "a", at: 0 }]).snapshot, {
      type: "RESOLVE",
      at: 1000,
    });
    expect(resolve.effects).toContainEqual({ type: "scheduleAutoClose", at: 1000 + 4 * DAY });
    expect(trail[2]!.accepted).toBe(false);
    expect(
      decideCaseEvent(machine, snapshot, { type: "AUTO_CLOSE", at: 1000 + 4 * DAY }).snapshot.value,
    ).toBe("closed");
  });

  it("reopens a resolved case to its assignee inside the window and refuses after it", () => {
    const resolved = run([
      { type: "ASSIGN", agentId: "a", at: 0 },
      { type: "RESOLVE", at: 0 },
    ]).snapshot;
    const inside = decideCaseEvent(machine, resolved, { type: "CUSTOMER_MESSAGE", at: 7 * DAY });
    expect(inside).toMatchObject({
      accepted: true,
      snapshot: { value: "assigned", context: { assigneeId: "a", resolvedAt: null } },
    });
    expect(decideCaseEvent(machine, resolved, { type: "CUSTOMER_MESSAGE", at: 7 * DAY + 1 }).accepted).toBe(
      false,
    );
  });

  it("reopens an unassigned resolved case into the queue", () => {
    const resolved = run([
      { type: "ENQUEUE", at: 0 },
      { type: "RESOLVE", at: 0 },
    ]).snapshot;
    const reopened = decideCaseEvent(machine, resolved, { type: "REOPEN", at: 1 });
    expect(reopened.snapshot.value).toBe("queued");
    expect(reopened.effects.map((e) => e.type)).toContain("requestRouting");
  });

  it("frees the agent's capacity on resolve, close, unassign and transfer", () => {
    const assigned = run([{ type: "ASSIGN", agentId: "a", at: 0 }]).snapshot;
    for (const event of [
      { type: "RESOLVE", at: 1 },
      { type: "CLOSE", at: 1 },
      { type: "UNASSIGN", at: 1 },
      { type: "ASSIGN", agentId: "b", at: 1 },
    ] as CaseEvent[]) {
      expect(decideCaseEvent(machine, assigned, event).effects.map((e) => e.type)).toContain(
        "releaseCapacity",
      );
    }
    expect(
      decideCaseEvent(machine, assigned, { type: "ASSIGN", agentId: "b", at: 1 }).snapshot.context.assigneeId,
    ).toBe("b");
    expect(decideCaseEvent(machine, assigned, { type: "ASSIGN", agentId: "a", at: 1 }).accepted).toBe(false);
  });

  it("accepts messages without a state change where nothing should change", () => {
    const queued = run([{ type: "ENQUEUE", at: 0 }]).snapshot;
    const decision = decideCaseEvent(machine, queued, { type: "CUSTOMER_MESSAGE", at: 1 });
    expect(decision).toMatchObject({ accepted: true, snapshot: { value: "queued" }, effects: [] });
  });

  it("refuses every event once closed", () => {
    const closed = run([{ type: "CLOSE", at: 0 }]).snapshot;
    for (const type of [
      "ENQUEUE",
      "RESOLVE",
      "REOPEN",
      "CUSTOMER_MESSAGE",
      "WAIT_ON_CUSTOMER",
      "CLOSE",
    ] as const) {
      expect(decideCaseEvent(machine, closed, { type, at: 1 } as CaseEvent).accepted).toBe(false);
    }
  });

  it("refuses illegal actions without changing anything", () => {
    const fresh = initialCaseSnapshot(machine);
    const decision = decideCaseEvent(machine, fresh, { type: "WAIT_ON_CUSTOMER", at: 0 });
    expect(decision).toEqual({ accepted: false, snapshot: fresh, effects: [] });
  });
});

describe("stored snapshots across machine versions", () => {
  /** A snapshot as version 1 stores it today (a case resolved by agent `a`), read back from jsonb. */
  const V1_RESOLVED = {
    value: "resolved",
    context: { assigneeId: "0b5a6c4e-4f2d-4a8e-9a51-2f0e6d1c9b7a", resolvedAt: 1_772_445_600_000 },
  };

  it("restores a snapshot of the current version as stored", () => {
    const stored = structuredClone(V1_RESOLVED);
    expect(restoreCaseSnapshot(stored, CASE_MACHINE_VERSION)).toBe(stored);
    expect(CASE_MACHINE_VERSION).toBe(1 + CASE_SNAPSHOT_UPGRADES.length);
    // Restored, it is a state the machine works from.
    expect(
      decideCaseEvent(machine, restoreCaseSnapshot(stored, 1), { type: "REOPEN", at: 1_772_445_600_001 }),
    ).toMatchObject({ accepted: true, snapshot: { value: "assigned", context: { resolvedAt: null } } });
  });

  it("upgrades snapshots of earlier versions one step at a time", () => {
    // As if today's shape were version 3, reached by two changes: version 1 stored `{ state, agent }`
    // and called waiting on the customer `pending`; version 2 moved to `{ value, context }` and had
    // no resolution time yet. Each upgrade sees only its own step.
    type Json = Record<string, unknown>;
    const v1ToV2 = ({ state, agent }: Json) => ({
      value: state === "pending" ? "waiting_on_customer" : state,
      context: { assigneeId: agent },
    });
    const v2ToV3 = (stored: Json) => ({
      ...stored,
      context: { ...(stored.context as Json), resolvedAt: null },
    });
    const upgrades = [v1ToV2, v2ToV3];
    const current = { value: "waiting_on_customer", context: { assigneeId: "a", resolvedAt: null } };

    const previous = { value: "waiting_on_customer", context: { assigneeId: "a" } };
    expect(restoreCaseSnapshot(structuredClone(previous), 2, upgrades)).toEqual(current);
    const first = { state: "pending", agent: "a" };
    expect(restoreCaseSnapshot(structuredClone(first), 1, upgrades)).toEqual(current);
    expect(restoreCaseSnapshot(structuredClone(current), 3, upgrades)).toEqual(current);
    // Restored, an old snapshot is one the machine decides from.
    expect(
      decideCaseEvent(machine, restoreCaseSnapshot(first, 1, upgrades), { type: "CUSTOMER_MESSAGE", at: 1 }),
    ).toMatchObject({ accepted: true, snapshot: { value: "assigned", context: { assigneeId: "a" } } });
    // The stored value is left as it was.
    expect(first).toEqual({ state: "pending", agent: "a" });
    // A step that does not end in the machine's shape is caught, not decided on.
    expect(() => restoreCaseSnapshot(first, 1, [v1ToV2, (stored) => stored])).toThrowError(
      expect.objectContaining({ code: "CONFLICT" }),
    );
  });

  it("refuses a version it does not know, saying which", () => {
    const future = (() => {
      try {
        restoreCaseSnapshot(V1_RESOLVED, CASE_MACHINE_VERSION + 1);
      } catch (error) {
        return error;
      }
    })();
    // Written by a newer release during a rolling upgrade: worth a retry, on a newer process.
    expect(future).toBeInstanceOf(AppError);
    expect(future).toMatchObject({
      code: "TEMPORARY",
      details: { version: CASE_MACHINE_VERSION + 1, supported: CASE_MACHINE_VERSION },
    });
    expect((future as Error).message).toMatch(/newer release/);
    for (const version of [0, -1, 1.5, Number.NaN])
      expect(() => restoreCaseSnapshot(V1_RESOLVED, version)).toThrowError(
        expect.objectContaining({
          code: "CONFLICT",
          message: expect.stringMatching(/Unknown case machine version/),
        }),
      );
  });

  it("refuses a stored snapshot that is not one of the machine's states", () => {
    for (const broken of [
      {},
      null,
      { value: "open", context: { assigneeId: null, resolvedAt: null } },
      { value: "queued" },
      { value: "queued", context: { assigneeId: 7, resolvedAt: null } },
    ])
      expect(() => restoreCaseSnapshot(broken, 1)).toThrowError(
        expect.objectContaining({
          code: "CONFLICT",
          message: expect.stringMatching(/not a state of the case machine/),
        }),
      );
  });

  it("decides the state columns from the snapshot", () => {
    expect(caseColumnsOf(restoreCaseSnapshot(V1_RESOLVED, 1))).toEqual({
      state: "resolved",
      assigneeId: V1_RESOLVED.context.assigneeId,
      resolvedAt: new Date(V1_RESOLVED.context.resolvedAt),
    });
  });
});

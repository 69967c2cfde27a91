import { describe, expect, it } from "vitest";
import {
  type CaseEvent,
  createCaseMachine,
  decideCaseEvent,
  initialCaseSnapshot,
  type PersistedCaseSnapshot,
} from "../../cases/case-machine.ts";

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

import { describe, expect, it } from "vitest";
import type { SlaMetric } from "../../db/schema/sla.ts";
import { startClock, type TargetSpec } from "../../sla/sla-clock.ts";
import {
  answerRule,
  firstResponseRule,
  type MetricClock,
  moveClocks,
  newlyMet,
  nextResponseRule,
  periodicUpdateRule,
  resolutionRule,
  runClockChanges,
  type SlaMoment,
  slaMomentOf,
} from "../../sla/sla-rules.ts";

const at = (iso: string) => new Date(iso);
const T0 = at("2026-06-01T10:00:00Z");
const spec = (targetMinutes: number): TargetSpec => ({
  targetMinutes,
  business: false,
  calendar: null,
  atRiskPercent: 25,
});

const quiet: SlaMoment = {
  event: "UPDATE",
  opened: false,
  joinedLiveQueue: false,
  answered: false,
  startedWaiting: false,
  stoppedWaiting: false,
  resolved: false,
  reopened: false,
  finished: false,
  retargeted: false,
};
const moment = (changes: Partial<SlaMoment>): SlaMoment => ({ ...quiet, ...changes });

const side = (state: string, changes: Partial<{ channel: string; priority: string; tags: string[] }> = {}) =>
  ({ state, channel: "email", priority: "normal", queueId: "q1", tags: [], ...changes }) as Parameters<
    typeof slaMomentOf
  >[0]["before"];
const transition = (before: ReturnType<typeof side>, after: ReturnType<typeof side>, type = "UPDATE") => ({
  before,
  after,
  event: { type },
});

describe("reading a case event for the SLA rules", () => {
  it("a new case opens its clocks; a live one joining the queue starts answer time, an email does not", () => {
    const chat = slaMomentOf(
      transition(side("new", { channel: "chat" }), side("queued", { channel: "chat" }), "ENQUEUE"),
      false,
    );
    expect(chat).toMatchObject({ opened: true, joinedLiveQueue: true });
    const email = slaMomentOf(transition(side("new"), side("queued"), "ENQUEUE"), false);
    expect(email).toMatchObject({ opened: true, joinedLiveQueue: false });
    expect(slaMomentOf(transition(side("new"), side("queued"), "ENQUEUE"), true).opened).toBe(false);
  });

  it("an offer coming back to the queue does not start answer time again", () => {
    const back = slaMomentOf(
      transition(
        side("offered", { channel: "voice" }),
        side("queued", { channel: "voice" }),
        "OFFER_RETURNED",
      ),
      true,
    );
    expect(back.joinedLiveQueue).toBe(false);
  });

  it("answered means taken from the queue, not moved between agents", () => {
    expect(slaMomentOf(transition(side("queued"), side("assigned"), "ASSIGN"), true).answered).toBe(true);
    expect(slaMomentOf(transition(side("offered"), side("assigned"), "ASSIGN"), true).answered).toBe(true);
    expect(slaMomentOf(transition(side("assigned"), side("assigned"), "ASSIGN"), true).answered).toBe(false);
  });

  it("waiting on the customer starts and stops; closing while waiting is not a resume", () => {
    expect(slaMomentOf(transition(side("assigned"), side("waiting_on_customer")), true)).toMatchObject({
      startedWaiting: true,
      stoppedWaiting: false,
    });
    expect(slaMomentOf(transition(side("waiting_on_customer"), side("assigned")), true)).toMatchObject({
      startedWaiting: false,
      stoppedWaiting: true,
    });
    expect(slaMomentOf(transition(side("waiting_on_customer"), side("closed")), true)).toMatchObject({
      stoppedWaiting: false,
      finished: true,
    });
  });

  it("resolving, reopening and closing a resolved case", () => {
    expect(slaMomentOf(transition(side("assigned"), side("resolved")), true)).toMatchObject({
      resolved: true,
      reopened: false,
    });
    expect(slaMomentOf(transition(side("resolved"), side("queued")), true)).toMatchObject({
      resolved: false,
      reopened: true,
    });
    expect(slaMomentOf(transition(side("resolved"), side("closed")), true)).toMatchObject({
      reopened: false,
      finished: true,
    });
  });

  it("a change of priority, queue or tags re-targets; anything else does not", () => {
    const retargeted = (after: ReturnType<typeof side>) =>
      slaMomentOf(transition(side("assigned"), after), true).retargeted;
    expect(retargeted(side("assigned", { priority: "urgent" }))).toBe(true);
    expect(retargeted({ ...side("assigned"), queueId: "q2" })).toBe(true);
    expect(retargeted(side("assigned", { tags: ["vip"] }))).toBe(true);
    expect(retargeted(side("assigned"))).toBe(false);
  });
});

describe("one rule per SLA metric", () => {
  const met = { status: "met" } as const;
  const active = { status: "active" } as const;

  it("first response: started with the case, met by an agent's reply, not by the customer's", () => {
    expect(firstResponseRule(moment({ opened: true }), {})).toEqual(["start"]);
    expect(firstResponseRule(moment({ event: "AGENT_REPLIED" }), { first_response: active })).toEqual([
      "meet",
    ]);
    expect(firstResponseRule(moment({ event: "CUSTOMER_MESSAGE" }), { first_response: active })).toEqual([]);
  });

  it("next response: a customer's message after our answer starts it, once at a time", () => {
    const message = moment({ event: "CUSTOMER_MESSAGE" });
    expect(nextResponseRule(message, { first_response: met })).toEqual(["start"]);
    expect(nextResponseRule(message, { first_response: active })).toEqual([]);
    expect(nextResponseRule(message, { first_response: met, next_response: active })).toEqual([]);
    expect(
      nextResponseRule(message, {
        first_response: { status: "met_late" },
        next_response: { status: "met_late" },
      }),
    ).toEqual(["start"]);
    expect(nextResponseRule(moment({ event: "AGENT_REPLIED" }), { next_response: active })).toEqual(["meet"]);
  });

  it("periodic update: a reply meets the running one and starts the next; a met one stays met", () => {
    const reply = moment({ event: "AGENT_REPLIED" });
    expect(periodicUpdateRule(reply, { periodic_update: active })).toEqual(["meet", "start"]);
    expect(periodicUpdateRule(reply, { periodic_update: { status: "breached" } })).toEqual(["meet", "start"]);
    expect(periodicUpdateRule(reply, { periodic_update: met })).toEqual([]);
    expect(periodicUpdateRule(reply, {})).toEqual([]);
  });

  it("resolution: met on resolving, running again with its time on reopening", () => {
    expect(resolutionRule(moment({ resolved: true }), {})).toEqual(["meet"]);
    expect(resolutionRule(moment({ reopened: true }), {})).toEqual(["resume", "reopen"]);
    expect(resolutionRule(moment({ event: "AGENT_REPLIED" }), {})).toEqual([]);
  });

  it("answer: from joining the queue to being taken, and it does not pause for the customer", () => {
    expect(answerRule(moment({ joinedLiveQueue: true }), {})).toEqual(["start"]);
    expect(answerRule(moment({ answered: true }), {})).toEqual(["meet"]);
    expect(answerRule(moment({ startedWaiting: true, stoppedWaiting: true }), {})).toEqual([]);
  });

  it("waiting on the customer pauses and resumes the response and resolution clocks", () => {
    for (const rule of [firstResponseRule, nextResponseRule, periodicUpdateRule, resolutionRule]) {
      expect(rule(moment({ startedWaiting: true }), {})).toEqual(["pause"]);
      expect(rule(moment({ stoppedWaiting: true }), {})).toEqual(["resume"]);
    }
  });

  it("resolving pauses the other clocks; closing pauses every clock; a new target re-targets each", () => {
    for (const rule of [firstResponseRule, nextResponseRule, periodicUpdateRule, answerRule])
      expect(rule(moment({ resolved: true }), {})).toEqual(["pause"]);
    for (const rule of [
      firstResponseRule,
      nextResponseRule,
      periodicUpdateRule,
      resolutionRule,
      answerRule,
    ]) {
      expect(rule(moment({ finished: true }), {})).toEqual(["pause"]);
      expect(rule(moment({ retargeted: true }), {})).toEqual(["retarget"]);
    }
  });
});

describe("carrying out a rule's changes", () => {
  const running: MetricClock = { clock: startClock(spec(60), T0), cycle: 1 };

  it("starts only with a target, and a restart is a new cycle", () => {
    expect(runClockChanges(undefined, ["start"], null, T0)).toBeUndefined();
    expect(runClockChanges(undefined, ["start"], spec(30), T0)).toMatchObject({ cycle: 1, changed: true });
    const restarted = runClockChanges(running, ["meet", "start"], spec(30), at("2026-06-01T10:10:00Z"));
    expect(restarted).toMatchObject({
      cycle: 2,
      changed: true,
      clock: { status: "active", targetMinutes: 30 },
    });
    expect(restarted!.clock.dueAt!.toISOString()).toBe("2026-06-01T10:40:00.000Z");
  });

  it("does nothing to a clock the case does not have", () => {
    expect(runClockChanges(undefined, ["meet", "pause", "resume", "reopen", "retarget"], spec(30), T0)).toBe(
      undefined,
    );
  });

  it("a change that leaves the clock as it was is no change", () => {
    const paused = runClockChanges(running, ["pause"], null, at("2026-06-01T10:20:00Z"))!;
    expect(paused).toMatchObject({ changed: true, clock: { paused: true, elapsedMinutes: 20 } });
    const again = runClockChanges(paused, ["pause"], null, at("2026-06-01T10:30:00Z"))!;
    expect(again.changed).toBe(false);
    expect(again.clock).toBe(paused.clock);
    expect(runClockChanges(running, ["retarget"], null, T0)!.changed).toBe(false);
  });

  it("meets late after the due time, and resumes then reopens a met clock with its time spent", () => {
    const late = runClockChanges(running, ["meet"], null, at("2026-06-01T11:30:00Z"))!;
    expect(late.clock.status).toBe("met_late");
    const reopened = runClockChanges(late, ["resume", "reopen"], null, at("2026-06-02T09:00:00Z"))!;
    expect(reopened).toMatchObject({ changed: true, clock: { status: "active", elapsedMinutes: 90 } });
    const onTime = runClockChanges(running, ["meet"], null, at("2026-06-01T10:40:00Z"))!;
    const again = runClockChanges(onTime, ["resume", "reopen"], null, at("2026-06-02T09:00:00Z"))!;
    expect(again.clock).toMatchObject({ status: "active", metAt: null });
    expect(again.clock.dueAt!.toISOString()).toBe("2026-06-02T09:20:00.000Z");
  });
});

describe("moving every clock of a case", () => {
  const targets: Partial<Record<SlaMetric, number>> = {
    first_response: 60,
    next_response: 30,
    periodic_update: 120,
    resolution: 480,
    answer: 5,
  };
  const specOf = (metric: SlaMetric) => (targets[metric] ? spec(targets[metric]) : null);

  it("a new chat starts its clocks in a stable order, and only those the policy sets", () => {
    const moved = moveClocks(new Map(), moment({ opened: true, joinedLiveQueue: true }), specOf, T0);
    expect([...moved.keys()]).toEqual(["first_response", "resolution", "periodic_update", "answer"]);
    const noResolution = moveClocks(
      new Map(),
      moment({ opened: true }),
      (metric) => (metric === "resolution" ? null : specOf(metric)),
      T0,
    );
    expect([...noResolution.keys()]).toEqual(["first_response", "periodic_update"]);
  });

  it("an agent's reply meets first response and periodic update, starts the next update, leaves the rest", () => {
    const found = new Map<SlaMetric, MetricClock>(
      [...moveClocks(new Map(), moment({ opened: true }), specOf, T0)].map(([m, c]) => [m, { ...c }]),
    );
    const moved = moveClocks(found, moment({ event: "AGENT_REPLIED" }), specOf, at("2026-06-01T10:10:00Z"));
    expect(moved.get("first_response")).toMatchObject({ changed: true, clock: { status: "met" } });
    expect(moved.get("periodic_update")).toMatchObject({
      changed: true,
      cycle: 2,
      clock: { status: "active" },
    });
    expect(moved.get("resolution")).toMatchObject({ changed: false, clock: { status: "active" } });
    expect(moved.has("next_response")).toBe(false);
  });

  it("keeps the clocks it found first, in their order", () => {
    const found = new Map<SlaMetric, MetricClock>([
      ["next_response", { clock: startClock(spec(30), T0), cycle: 3 }],
      ["resolution", { clock: startClock(spec(480), T0), cycle: 1 }],
    ]);
    const moved = moveClocks(found, moment({ joinedLiveQueue: true }), specOf, T0);
    expect([...moved.keys()]).toEqual(["next_response", "resolution", "answer"]);
    expect(moved.get("next_response")).toMatchObject({ cycle: 3, changed: false });
  });
});

describe("recording a target as met", () => {
  it("once per cycle, and only when it is met", () => {
    const metNow = { clock: { status: "met" as const }, cycle: 1 };
    expect(newlyMet(undefined, metNow)).toBe(true);
    expect(newlyMet({ status: "active", cycle: 1 }, metNow)).toBe(true);
    expect(newlyMet({ status: "met", cycle: 1 }, metNow)).toBe(false);
    expect(newlyMet({ status: "met_late", cycle: 1 }, { ...metNow, cycle: 2 })).toBe(true);
    expect(newlyMet({ status: "active", cycle: 1 }, { clock: { status: "at_risk" }, cycle: 1 })).toBe(false);
  });
});

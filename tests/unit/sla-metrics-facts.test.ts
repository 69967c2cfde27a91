/**
 * Facts from a case's audit trail, pure: arrivals, answers and their wait, abandonments, handled
 * work (waiting on the customer left out, wrap-up added), busy time, first-contact resolution, and
 * the queue each fact belongs to when the case was moved. Also agents' available time from presence.
 */
import { describe, expect, it } from "vitest";
import type { CaseState } from "../../db/schema/cases.ts";
import {
  type AuditRow,
  addCaseFacts,
  availableSpans,
  type CaseHistory,
  queueAt,
} from "../../sla/metrics-facts.ts";
import { emptyFacts, type MetricsFacts } from "../../sla/metrics-figures.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const s = (seconds: number) => T0 + seconds * 1000;

function ev(
  at: number,
  type: string,
  fromState: CaseState | null,
  toState: CaseState,
  extra: Partial<AuditRow> = {},
): AuditRow {
  return {
    type,
    fromState,
    toState,
    actorType: "system",
    at: s(at),
    assigneeChanged: false,
    toAssigneeId: null,
    queueChanged: false,
    fromQueueId: null,
    toQueueId: null,
    transfer: false,
    ...extra,
  };
}
const assign = (
  at: number,
  from: CaseState,
  to: CaseState,
  agentId: string | null,
  extra: Partial<AuditRow> = {},
) =>
  ev(at, agentId ? "assign" : "unassign", from, to, {
    assigneeChanged: true,
    toAssigneeId: agentId,
    ...extra,
  });

const settings = new Map([
  ["q1", { serviceLevelSeconds: 20, wrapUpSeconds: 30 }],
  ["q2", { serviceLevelSeconds: 60, wrapUpSeconds: 0 }],
]);
const settingsOf = (queueId: string | null) =>
  settings.get(queueId ?? "") ?? { serviceLevelSeconds: 20, wrapUpSeconds: 0 };

function factsOf(history: Partial<CaseHistory> & { events: AuditRow[] }): MetricsFacts {
  const facts = emptyFacts();
  addCaseFacts(
    facts,
    { caseId: "c1", channel: "chat", queueId: "q1", createdAt: s(0), abandonedCalls: [], ...history },
    settingsOf,
  );
  return facts;
}

describe("facts from a case's audit trail", () => {
  it("measures the wait from joining the queue, not from an offer that came back", () => {
    const facts = factsOf({
      events: [
        ev(0, "created", null, "new"),
        ev(0, "enqueue", "new", "queued"),
        ev(5, "offer", "queued", "offered"),
        ev(25, "offer_returned", "offered", "queued"),
        ev(30, "offer", "queued", "offered"),
        assign(40, "offered", "assigned", "alice"),
        ev(340, "resolve", "assigned", "resolved"),
      ],
    });
    expect(facts.arrivals).toEqual([{ caseId: "c1", queueId: "q1", at: s(0) }]);
    expect(facts.answers).toEqual([
      { caseId: "c1", queueId: "q1", at: s(40), waitMs: 40_000, withinTarget: false },
    ]);
    expect(facts.handles).toEqual([
      {
        caseId: "c1",
        queueId: "q1",
        agentId: "alice",
        releasedAt: s(340),
        workMs: 300_000,
        wrapUpMs: 30_000,
      },
    ]);
    expect(facts.agents.get("alice")!.busy).toEqual([
      { start: s(40), end: s(340) },
      { start: s(340), end: s(370) },
    ]);
    expect(facts.resolutions).toEqual([{ caseId: "c1", queueId: "q1", at: s(340), firstContact: true }]);
    expect(facts.abandons).toEqual([]);
  });

  it("counts a wait within the target as answered in time", () => {
    const facts = factsOf({
      events: [ev(0, "enqueue", "new", "queued"), assign(20, "queued", "assigned", "alice")],
    });
    expect(facts.answers[0]!.withinTarget).toBe(true);
    // Still being worked on: busy for as long as anyone asks.
    expect(facts.agents.get("alice")!.busy).toEqual([{ start: s(20), end: Number.POSITIVE_INFINITY }]);
    expect(facts.handles).toEqual([]);
  });

  it("leaves time waiting on the customer out of handle and busy time, and adds no wrap-up for email", () => {
    const facts = factsOf({
      channel: "email",
      events: [
        ev(0, "enqueue", "new", "queued"),
        assign(10, "queued", "assigned", "alice"),
        ev(70, "wait_on_customer", "assigned", "waiting_on_customer"),
        ev(1000, "customer_message", "waiting_on_customer", "assigned"),
        ev(1060, "resolve", "assigned", "resolved"),
      ],
    });
    expect(facts.handles).toEqual([
      { caseId: "c1", queueId: "q1", agentId: "alice", releasedAt: s(1060), workMs: 120_000, wrapUpMs: 0 },
    ]);
    expect(facts.agents.get("alice")!.busy).toEqual([
      { start: s(10), end: s(70) },
      { start: s(1000), end: s(1060) },
    ]);
  });

  it("keeps each fact in the queue the case was in at the time when it is transferred", () => {
    const facts = factsOf({
      queueId: "q2",
      events: [
        ev(0, "enqueue", "new", "queued"),
        assign(10, "queued", "assigned", "alice"),
        assign(100, "assigned", "queued", null, {
          transfer: true,
          queueChanged: true,
          fromQueueId: "q1",
          toQueueId: "q2",
        }),
        assign(130, "queued", "assigned", "bob"),
        ev(400, "resolve", "assigned", "resolved"),
      ],
    });
    expect(facts.arrivals.map((a) => [a.queueId, a.at])).toEqual([
      ["q1", s(0)],
      ["q2", s(100)],
    ]);
    expect(facts.answers.map((a) => [a.queueId, a.waitMs, a.withinTarget])).toEqual([
      ["q1", 10_000, true],
      ["q2", 30_000, true],
    ]);
    expect(facts.handles.map((h) => [h.queueId, h.agentId, h.workMs, h.wrapUpMs])).toEqual([
      ["q1", "alice", 90_000, 30_000],
      ["q2", "bob", 270_000, 0],
    ]);
    expect(facts.resolutions).toEqual([{ caseId: "c1", queueId: "q2", at: s(400), firstContact: false }]);
  });

  it("counts a move between queues while waiting as an arrival in the new queue", () => {
    const history = {
      queueId: "q2",
      events: [
        ev(0, "enqueue", "new", "queued"),
        ev(50, "transferred", "queued", "queued", { queueChanged: true, fromQueueId: "q1", toQueueId: "q2" }),
        assign(80, "queued", "assigned", "bob"),
      ],
    };
    const facts = factsOf(history);
    expect(facts.arrivals.map((a) => a.queueId)).toEqual(["q1", "q2"]);
    expect(facts.answers).toMatchObject([{ queueId: "q2", waitMs: 30_000 }]);
    expect(
      queueAt({ caseId: "c1", channel: "chat", createdAt: s(0), abandonedCalls: [], ...history }, s(10)),
    ).toBe("q1");
  });

  it("does not count a reopened case or one passed between agents as resolved at first contact", () => {
    const reopened = factsOf({
      events: [
        ev(0, "enqueue", "new", "queued"),
        assign(10, "queued", "assigned", "alice"),
        ev(100, "resolve", "assigned", "resolved"),
        assign(200, "resolved", "queued", null, { type: "customer_message" }),
        assign(210, "queued", "assigned", "alice"),
        ev(300, "resolve", "assigned", "resolved"),
      ],
    });
    expect(reopened.arrivals).toHaveLength(2);
    expect(reopened.answers.map((a) => a.waitMs)).toEqual([10_000, 10_000]);
    expect(reopened.resolutions.map((r) => r.firstContact)).toEqual([false, false]);

    const passedOn = factsOf({
      events: [
        ev(0, "enqueue", "new", "queued"),
        assign(10, "queued", "assigned", "alice"),
        assign(50, "assigned", "queued", null, { type: "unassign" }),
        assign(60, "queued", "assigned", "bob"),
        ev(90, "close", "assigned", "closed"),
      ],
    });
    expect(passedOn.handles.map((h) => [h.agentId, h.releasedAt])).toEqual([
      ["alice", s(50)],
      ["bob", s(90)],
    ]);
    expect(passedOn.resolutions).toEqual([{ caseId: "c1", queueId: "q1", at: s(90), firstContact: false }]);
  });

  it("counts a waiting case closed by the system or the customer as abandoned, not one an agent closed", () => {
    const gone = factsOf({
      events: [ev(0, "enqueue", "new", "queued"), ev(45, "close", "queued", "closed")],
    });
    expect(gone.abandons).toEqual([
      { caseId: "c1", queueId: "q1", at: s(45), source: "queue", joinedAt: s(0) },
    ]);
    expect(gone.resolutions).toEqual([]);
    const spam = factsOf({
      events: [
        ev(0, "enqueue", "new", "queued"),
        ev(45, "close", "queued", "closed", { actorType: "agent" }),
      ],
    });
    expect(spam.abandons).toEqual([]);
  });

  it("adds abandoned calls in the queue the case was in when the caller hung up", () => {
    const facts = factsOf({
      channel: "voice",
      queueId: "q2",
      abandonedCalls: [s(30)],
      events: [
        ev(0, "enqueue", "new", "queued"),
        ev(100, "transferred", "queued", "queued", {
          queueChanged: true,
          fromQueueId: "q1",
          toQueueId: "q2",
        }),
      ],
    });
    expect(facts.abandons).toEqual([
      { caseId: "c1", queueId: "q1", at: s(30), source: "call", joinedAt: s(0) },
    ]);
  });
});

describe("available time from presence", () => {
  const span = { start: s(0), end: s(300) };

  it("cuts the stretches at each change and at the span's edges", () => {
    expect(
      availableSpans(
        "available",
        [
          { presence: "away", at: s(100) },
          { presence: "available", at: s(200) },
        ],
        span,
      ),
    ).toEqual([
      { start: s(0), end: s(100) },
      { start: s(200), end: s(300) },
    ]);
  });

  it("gives nothing to an agent offline throughout, and the rest of the span to one who came online", () => {
    expect(availableSpans("offline", [], span)).toEqual([]);
    expect(availableSpans("offline", [{ presence: "available", at: s(250) }], span)).toEqual([
      { start: s(250), end: s(300) },
    ]);
  });
});

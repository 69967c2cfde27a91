/**
 * Automation's pure parts: every condition operator with its explanation, the regex safety check,
 * rule validation messages, the loop guard's origins and which events become jobs, and time rules'
 * due times in wall-clock and business time. Run with TZ=UTC and a non-UTC TZ: none of it may
 * depend on the machine's zone.
 */
import { describe, expect, it } from "vitest";
import { type CaseFacts, evaluateCondition, evaluateConditions } from "../../automation/conditions.ts";
import { automationJobsFor } from "../../automation/event-feed.ts";
import { EventDepths, MAX_AUTOMATION_DEPTH, mayRunAt } from "../../automation/loop-guard.ts";
import type { ActiveRules } from "../../automation/rule-cache.ts";
import { actionSchema, type Condition, conditionsSchema } from "../../automation/rule-schema.ts";
import { unsafeRegexReason } from "../../automation/safe-regex.ts";
import { anchorFromRow, countsBusinessTime, dueAtFor } from "../../automation/time-anchors.ts";
import type { DomainEvent } from "../../cases/events.ts";
import type { cases } from "../../db/schema/cases.ts";

const facts: CaseFacts = {
  channel: "email",
  queueId: "q-billing",
  priority: "high",
  state: "assigned",
  tags: ["vip", "refund"],
  assigneeId: "agent-1",
  subject: "Invoice",
  customFields: { plan: "Gold", seats: 12 },
  contact: { name: "Ada", tier: "enterprise" },
  message: "Hello, I would like a REFUND of order 1234",
  businessHours: false,
};

const holds = (condition: Condition, over: Partial<CaseFacts> = {}) =>
  evaluateCondition(condition, { ...facts, ...over }).holds;

describe("condition evaluator", () => {
  it("compares with eq and neq, case-insensitively for text", () => {
    expect(holds({ field: "channel", op: "eq", value: "EMAIL" })).toBe(true);
    expect(holds({ field: "priority", op: "neq", value: "high" })).toBe(false);
    expect(holds({ field: "customFields.plan", op: "eq", value: "gold" })).toBe(true);
    expect(holds({ field: "customFields.missing", op: "eq", value: "gold" })).toBe(false);
  });

  it("checks membership with in and not_in", () => {
    expect(holds({ field: "channel", op: "in", value: ["sms", "email"] })).toBe(true);
    expect(holds({ field: "queue", op: "not_in", value: ["q-billing"] })).toBe(false);
    expect(holds({ field: "tags", op: "in", value: ["none", "vip"] })).toBe(true);
  });

  it("looks into lists with includes and not_includes", () => {
    expect(holds({ field: "tags", op: "includes", value: "VIP" })).toBe(true);
    expect(holds({ field: "tags", op: "not_includes", value: "spam" })).toBe(true);
    expect(holds({ field: "tags", op: "includes", value: "spam" }, { tags: [] })).toBe(false);
  });

  it("reads the message with contains and matches", () => {
    expect(holds({ field: "message", op: "contains", value: "refund" })).toBe(true);
    expect(holds({ field: "message", op: "matches", value: "order \\d{4}" })).toBe(true);
    expect(holds({ field: "message", op: "matches", value: "^refund" })).toBe(false);
    expect(holds({ field: "message", op: "contains", value: "refund" }, { message: null })).toBe(false);
  });

  it("compares numbers with gt and lt, and tells set from unset with exists", () => {
    expect(holds({ field: "customFields.seats", op: "gt", value: 10 })).toBe(true);
    expect(holds({ field: "customFields.seats", op: "lt", value: 10 })).toBe(false);
    expect(holds({ field: "contact.tier", op: "exists" })).toBe(true);
    expect(holds({ field: "contact.phone", op: "exists" })).toBe(false);
    expect(holds({ field: "assignee", op: "exists" }, { assigneeId: null })).toBe(false);
  });

  it("knows business hours, a queue without hours counting as open", () => {
    expect(holds({ field: "businessHours", op: "eq", value: true })).toBe(false);
    expect(holds({ field: "businessHours", op: "eq", value: true }, { businessHours: null })).toBe(true);
  });

  it("needs every condition, and explains each one", () => {
    const evaluation = evaluateConditions(
      [
        { field: "channel", op: "eq", value: "email" },
        { field: "tags", op: "includes", value: "spam" },
      ],
      facts,
    );
    expect(evaluation.matched).toBe(false);
    expect(evaluation.results.map((r) => r.why)).toEqual([
      "channel eq 'email': yes (is 'email')",
      `tags includes 'spam': no (is ["vip","refund"])`,
    ]);
    expect(evaluateConditions([], facts).matched).toBe(true);
  });
});

describe("rule validation", () => {
  const firstIssue = (value: unknown) => {
    const parsed = conditionsSchema.safeParse(value);
    return parsed.success
      ? null
      : `${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`;
  };

  it("refuses slow or broken patterns, unknown fields and wrong values, naming the condition", () => {
    expect(firstIssue([{ field: "message", op: "matches", value: "(a+)+$" }])).toMatch(
      /^0\.value: cannot repeat/,
    );
    expect(firstIssue([{ field: "message", op: "matches", value: "(\\w*)*" }])).toMatch(/cannot repeat/);
    expect(firstIssue([{ field: "message", op: "matches", value: "(a)\\1" }])).toMatch(/back-references/);
    expect(firstIssue([{ field: "message", op: "matches", value: "([a-z" }])).toMatch(/not a valid regular/);
    expect(firstIssue([{ field: "message", op: "matches", value: "x".repeat(201) }])).toMatch(/at most 200/);
    expect(firstIssue([{ field: "colour", op: "eq", value: "red" }])).toMatch(/^0\.field/);
    expect(firstIssue([{ field: "channel", op: "in", value: ["fax"] }])).toMatch(/fax is not one of/);
    expect(firstIssue([{ field: "channel", op: "in", value: "email" }])).toMatch(/must be a list/);
    expect(firstIssue([{ field: "message", op: "contains" }])).toMatch(/required/);
    expect(firstIssue([{ field: "message", op: "matches", value: "refund|return(s)?" }])).toBeNull();
    expect(unsafeRegexReason("(ab|cd){2,}x")).toBeNull();
    expect(unsafeRegexReason("((ab)+x)+")).toMatch(/cannot repeat/);
  });

  it("checks actions by type", () => {
    expect(
      actionSchema.safeParse({ type: "reply", text: "Hi", cannedResponseId: crypto.randomUUID() }).success,
    ).toBe(false);
    expect(actionSchema.safeParse({ type: "notify", message: "Look" }).success).toBe(false);
    expect(actionSchema.safeParse({ type: "set_state", state: "closed" }).success).toBe(false);
    expect(actionSchema.safeParse({ type: "set_custom_field", key: "plan", value: "gold" }).success).toBe(
      true,
    );
  });
});

describe("loop guard", () => {
  const active: ActiveRules = {
    sets: [],
    timeRules: [],
    events: new Set(["case.updated", "interaction.created"]),
  };
  const row = (revision: number) => ({ revision }) as typeof cases.$inferSelect;

  it("runs rules below depth 3 only", () => {
    expect(MAX_AUTOMATION_DEPTH).toBe(3);
    expect([0, 1, 2, 3].map(mayRunAt)).toEqual([true, true, true, false]);
  });

  it("carries the depth and root of automation's own events, and coalesces one change's edits", () => {
    const depths = new EventDepths();
    const byPerson: DomainEvent = {
      type: "case.updated",
      caseId: "c1",
      state: "queued",
      assigneeId: null,
      case: row(4),
    };
    const first: DomainEvent = {
      type: "case.updated",
      caseId: "c2",
      state: "queued",
      assigneeId: null,
      case: row(7),
    };
    const second: DomainEvent = {
      type: "case.updated",
      caseId: "c2",
      state: "queued",
      assigneeId: null,
      case: row(8),
    };
    depths.mark([first, second], { depth: 2, root: "updated-c2-6" });
    const jobs = automationJobsFor([byPerson, first, second], (event) => depths.originOf(event), active);
    expect(jobs).toEqual([
      { caseId: "c1", event: "case.updated", key: "updated-c1-4", depth: 0, root: "updated-c1-4" },
      { caseId: "c2", event: "case.updated", key: "updated-c2-8", depth: 2, root: "updated-c2-6" },
    ]);
  });

  it("calls a new case's first write case.created, and skips what no rule listens to", () => {
    const created: DomainEvent = {
      type: "case.updated",
      caseId: "c3",
      state: "queued",
      assigneeId: null,
      case: row(0),
    };
    const note: DomainEvent = {
      type: "interaction.created",
      caseId: "c3",
      interactionId: "i1",
      channel: "sms",
      kind: "note",
      direction: "internal",
    };
    expect(automationJobsFor([created, note], () => null, active)).toEqual([]);
    const listening = { ...active, events: new Set(["case.created" as const]) };
    expect(automationJobsFor([created], () => null, listening).map((job) => job.event)).toEqual([
      "case.created",
    ]);
  });
});

describe("time rules", () => {
  const calendar = {
    timeZone: "Europe/Berlin",
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })),
    holidays: [],
  };

  it("falls due after wall-clock minutes, or business minutes of the queue's calendar", () => {
    const friday = new Date("2026-12-04T15:55:00Z"); // 16:55 in Berlin
    expect(dueAtFor(friday, 10, null).toISOString()).toBe("2026-12-04T16:05:00.000Z");
    // Five minutes before closing, five after Monday's opening (08:00 UTC).
    expect(dueAtFor(friday, 10, calendar).toISOString()).toBe("2026-12-07T08:05:00.000Z");
    expect(countsBusinessTime([{ field: "businessHours", op: "eq", value: true }])).toBe(true);
    expect(countsBusinessTime([{ field: "businessHours", op: "eq", value: false }])).toBe(false);
  });

  it("reads the clocks a case row tells, and stops them on closed cases", () => {
    const base = {
      id: "c",
      state: "assigned",
      assigneeId: "a",
      createdAt: new Date("2026-12-01T10:00:00Z"),
      lastCustomerMessageAt: new Date("2026-12-02T10:00:00Z"),
    } as typeof cases.$inferSelect;
    expect(anchorFromRow(base, "created")).toEqual(base.createdAt);
    expect(anchorFromRow(base, "last_customer_message")).toEqual(base.lastCustomerMessageAt);
    expect(anchorFromRow(base, "unassigned_since")).toBeNull();
    expect(anchorFromRow(base, "waiting_on_customer_since")).toBeNull();
    expect(
      anchorFromRow({ ...base, state: "waiting_on_customer" }, "waiting_on_customer_since"),
    ).toBeUndefined();
    expect(anchorFromRow({ ...base, state: "closed" }, "created")).toBeNull();
  });
});

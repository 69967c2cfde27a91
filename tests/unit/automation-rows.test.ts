/**
 * The rule and macro editors open a stored rule as rows and save the rows back: what was stored
 * comes back the same, including the fields a row does not show (a notify's agents, a canned reply).
 */
import { describe, expect, it } from "vitest";
import {
  actionSummary,
  fromActions,
  fromConditions,
  readableRefusal,
  toActions,
  toConditions,
} from "../../agent-console/src/admin/automation-rows.ts";
import { actionsSchema, conditionsSchema } from "../../automation/rule-schema.ts";

const QUEUE = "0b6f2c1e-6a5e-4f1e-9a51-2f0d1c3b4a5e";
const AGENT = "1c7f3d2f-7b6f-4a2f-8b62-3a1e2d4c5b6f";
const CANNED = "2d8a4e3a-8c7a-4b3a-9c73-4b2f3e5d6c7a";

describe("automation editor rows", () => {
  it("gives back every stored action it opened", () => {
    const actions = [
      { type: "reply", text: "Hi {{contact.first_name}}, done on #{{case.number}}." },
      { type: "reply", cannedResponseId: CANNED },
      { type: "note", text: "Checked by the night shift" },
      { type: "add_tags", tags: ["refund", "billing"] },
      { type: "remove_tags", tags: ["new"] },
      { type: "set_priority", priority: "urgent" },
      { type: "set_queue", queueId: QUEUE },
      { type: "set_custom_field", key: "plan", value: "gold=yes" },
      { type: "assign", agentId: AGENT },
      { type: "unassign" },
      { type: "notify", agentIds: [AGENT], message: "Look at this one" },
      { type: "set_state", state: "waiting_on_customer" },
    ];
    expect(actionsSchema.parse(actions)).toEqual(actions);
    expect(toActions(fromActions(actions))).toEqual(actions);
  });

  it("saves what was typed over a stored action, and drops the old fields when its type changes", () => {
    const [reply, notify] = fromActions([
      { type: "reply", cannedResponseId: CANNED },
      { type: "notify", agentIds: [AGENT], message: "Look" },
    ]);
    expect(toActions([{ ...reply!, param: "Typed instead" }])).toEqual([
      { type: "reply", text: "Typed instead" },
    ]);
    expect(toActions([{ ...notify!, type: "add_tags", param: "a, b" }])).toEqual([
      { type: "add_tags", tags: ["a", "b"] },
    ]);
    expect(toActions([{ type: "notify", param: "New" }])).toEqual([
      { type: "notify", supervisors: true, message: "New" },
    ]);
  });

  it("gives back stored conditions: lists, numbers, true/false and exists", () => {
    const conditions = [
      { field: "channel", op: "in", value: ["email", "sms"] },
      { field: "message", op: "contains", value: "refund" },
      { field: "customFields.seats", op: "gt", value: 10 },
      { field: "businessHours", op: "eq", value: true },
      { field: "contact.tier", op: "exists" },
    ];
    expect(conditionsSchema.parse(conditions)).toEqual(conditions);
    expect(toConditions(fromConditions(conditions))).toEqual(conditions);
  });

  it("says what an action does in a few words, with names where the screen knows them", () => {
    expect(actionSummary({ type: "add_tags", tags: ["refund", "billing"] })).toBe(
      "add tags: refund, billing",
    );
    expect(actionSummary({ type: "set_queue", queueId: QUEUE }, { queue: () => "Billing" })).toBe(
      "set queue: Billing",
    );
    expect(actionSummary({ type: "set_state", state: "waiting_on_customer" })).toBe(
      "set state: waiting on customer",
    );
    expect(actionSummary({ type: "reply", text: "x".repeat(80) })).toMatch(/^reply: “x{59}…”$/);
    expect(actionSummary({ type: "unassign" })).toBe("unassign");
  });
});

describe("a refusal in the editor's words", () => {
  it("numbers conditions and actions as the dialog shows them", () => {
    expect(readableRefusal("body.conditions.1.value: sky-high is not one of low, normal")).toBe(
      "Condition 2: sky-high is not one of low, normal",
    );
    expect(readableRefusal("body.actions.0.text: cannot be empty; body.name: cannot be empty")).toBe(
      "Action 1 (text): cannot be empty; Name: cannot be empty",
    );
    expect(readableRefusal("actions[2]: queue 'x' does not exist")).toBe(
      "Action 3: queue 'x' does not exist",
    );
    expect(
      readableRefusal(
        "body.actions.0.text: cannot be empty; body.actions.0: give exactly one of text or cannedResponseId",
      ),
    ).toBe("Action 1 (text): cannot be empty");
    expect(readableRefusal("body.actions.1: give exactly one of text or cannedResponseId")).toBe(
      "Action 2: give exactly one of text or cannedResponseId",
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  type CustomFieldDefinition,
  customFieldColumns,
  fieldConditionsHold,
  missingRequiredFields,
  validateCustomFieldValues,
} from "../../cases/custom-fields.ts";
import { isAppError } from "../../cases/errors.ts";
import { ruleMatches } from "../../routing/placement.ts";
import { conditionsCover } from "../../sla/policy-reach.ts";
import { policyMatches } from "../../sla/sla-policies.ts";

const field = (over: Partial<CustomFieldDefinition> & Pick<CustomFieldDefinition, "key" | "type">) =>
  ({
    label: over.key.toUpperCase(),
    options: [],
    required: false,
    requiredQueueIds: [],
    position: 0,
    archivedAt: null,
    entity: "case",
    ...over,
  }) as CustomFieldDefinition;

const definitions = [
  field({ key: "note", type: "text", label: "Note", position: 1 }),
  field({ key: "seats", type: "number", label: "Seats", position: 2 }),
  field({ key: "renewal", type: "date", label: "Renewal", position: 3 }),
  field({ key: "plan", type: "choice", label: "Plan", options: ["gold", "silver"], position: 4 }),
  field({ key: "products", type: "multi_choice", label: "Products", options: ["a", "b", "c"], position: 5 }),
  field({ key: "consent", type: "checkbox", label: "Consent", position: 6 }),
  field({ key: "cause", type: "text", label: "Cause", requiredQueueIds: ["billing"], position: 7 }),
  field({ key: "always", type: "choice", label: "Always", options: ["x"], required: true, position: 8 }),
  field({ key: "old", type: "text", label: "Old", archivedAt: new Date(), position: 0 }),
  field({ key: "segment", type: "text", label: "Segment", entity: "contact" }),
];

const check = (values: Record<string, unknown>, queueId: string | null = null) =>
  validateCustomFieldValues(definitions, "case", values, { queueId });

function refusal(values: Record<string, unknown>, queueId: string | null = null): string {
  try {
    check(values, queueId);
  } catch (error) {
    if (isAppError(error, "VALIDATION")) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(values)}`);
}

describe("custom field values", () => {
  it("accepts a good value of each type, stored as written", () => {
    expect(
      check({
        note: "Called twice",
        seats: 12.5,
        renewal: "2028-02-29",
        plan: "gold",
        products: ["c", "a", "c"],
        consent: false,
      }),
    ).toEqual({
      note: "Called twice",
      seats: 12.5,
      renewal: "2028-02-29",
      plan: "gold",
      // Each choice once, in the options' order.
      products: ["a", "c"],
      consent: false,
    });
  });

  it("refuses a bad value of each type, naming the field and the reason", () => {
    expect(refusal({ note: 5 })).toBe("Custom field 'note' (Note) must be text.");
    expect(refusal({ note: "x".repeat(2001) })).toMatch(/'note' \(Note\) can be at most 2000 characters/);
    expect(refusal({ seats: "12" })).toMatch(/'seats' \(Seats\) must be a number/);
    expect(refusal({ seats: Number.NaN })).toMatch(/must be a number/);
    expect(refusal({ seats: Number.POSITIVE_INFINITY })).toMatch(/must be a number/);
    expect(refusal({ renewal: "2027-02-29" })).toMatch(
      /'renewal' \(Renewal\) must be a date written YYYY-MM-DD/,
    );
    expect(refusal({ renewal: "31/01/2027" })).toMatch(/YYYY-MM-DD/);
    expect(refusal({ renewal: "2027-01-31T10:00:00Z" })).toMatch(/YYYY-MM-DD/);
    expect(refusal({ plan: "bronze" })).toBe("Custom field 'plan' (Plan) must be one of 'gold', 'silver'.");
    expect(refusal({ plan: ["gold"] })).toMatch(/must be one of/);
    expect(refusal({ products: "a" })).toMatch(/'products' \(Products\) must be a list of choices/);
    expect(refusal({ products: ["a", "z"] })).toMatch(/has 'z', which is not one of 'a', 'b', 'c'/);
    expect(refusal({ consent: "true" })).toMatch(/'consent' \(Consent\) must be true or false/);
  });

  it("refuses unknown, archived and other entities' keys as no such field", () => {
    expect(refusal({ nope: 1 })).toBe("No custom field 'nope' on cases.");
    expect(refusal({ old: "x" })).toBe("No custom field 'old' on cases.");
    expect(refusal({ segment: "smb" })).toBe("No custom field 'segment' on cases.");
    expect(validateCustomFieldValues(definitions, "contact", { segment: "smb" })).toEqual({ segment: "smb" });
  });

  it("clears with null (or empty text or no choices) unless the field is required there", () => {
    expect(check({ note: null, products: [], seats: null })).toEqual({
      note: null,
      products: null,
      seats: null,
    });
    expect(check({ note: "   " })).toEqual({ note: null });
    expect(check({ cause: null }, "sales")).toEqual({ cause: null });
    expect(refusal({ cause: null }, "billing")).toBe(
      "Custom field 'cause' (Cause) is required and cannot be cleared.",
    );
    expect(refusal({ always: null })).toMatch(/'always' \(Always\) is required and cannot be cleared/);
  });

  it("names the required fields a case still lacks: everywhere, or on its queue", () => {
    const keys = (values: Record<string, unknown>, queueId: string | null) =>
      missingRequiredFields(definitions, values, queueId).map((f) => f.key);
    expect(keys({}, null)).toEqual(["always"]);
    expect(keys({}, "billing")).toEqual(["cause", "always"]);
    expect(keys({ always: "x", cause: "Card expired" }, "billing")).toEqual([]);
    const ticked = [field({ key: "ok", type: "checkbox", required: true })];
    expect(missingRequiredFields(ticked, { ok: false }, null)).toHaveLength(1);
    expect(missingRequiredFields(ticked, { ok: true }, null)).toHaveLength(0);
  });
});

describe("conditions on custom fields", () => {
  it("hold when every key has the value; a multiple-choice field when it has the choice", () => {
    expect(fieldConditionsHold({ plan: "gold" }, { plan: "gold" })).toBe(true);
    expect(fieldConditionsHold({ plan: "gold" }, { plan: "silver" })).toBe(false);
    expect(fieldConditionsHold({ plan: "gold" }, {})).toBe(false);
    expect(fieldConditionsHold({ products: "b" }, { products: ["a", "b"] })).toBe(true);
    expect(fieldConditionsHold({ seats: 5, consent: true }, { seats: 5, consent: true })).toBe(true);
    expect(fieldConditionsHold(undefined, {})).toBe(true);
  });

  it("route by case and contact fields", () => {
    const facts = {
      channel: "sms" as const,
      channelAddress: null,
      contactAttributes: {},
      subject: "",
      body: "",
      priority: "normal" as const,
      caseFields: { plan: "gold" },
      contactFields: { segment: "enterprise" },
    };
    const rule = (conditions: object) => ({ enabled: true, conditions });
    expect(ruleMatches(rule({ customFields: { plan: "gold" } }), facts)).toBe(true);
    expect(ruleMatches(rule({ customFields: { plan: "silver" } }), facts)).toBe(false);
    expect(ruleMatches(rule({ contactFields: { segment: "enterprise" } }), facts)).toBe(true);
    expect(
      ruleMatches(rule({ contactFields: { segment: "smb" } }), { ...facts, contactFields: undefined }),
    ).toBe(false);
  });

  it("pick SLA policies by fields, and keep shadowing right", () => {
    const facts = {
      priority: "normal" as const,
      channel: "chat" as const,
      queueId: null,
      tags: [],
      contactAttributes: {},
      customFields: { plan: "gold" },
      contactFields: {},
    };
    expect(policyMatches({ enabled: true, conditions: { customFields: { plan: "gold" } } }, facts)).toBe(
      true,
    );
    expect(policyMatches({ enabled: true, conditions: { customFields: { plan: "silver" } } }, facts)).toBe(
      false,
    );
    // "Gold plans" above "Gold chats" takes all of them; not the other way round.
    expect(
      conditionsCover(
        { customFields: { plan: "gold" } },
        { customFields: { plan: "gold" }, channels: ["chat"] },
      ),
    ).toBe(true);
    expect(
      conditionsCover(
        { customFields: { plan: "gold" }, channels: ["chat"] },
        { customFields: { plan: "gold" } },
      ),
    ).toBe(false);
    expect(conditionsCover({ contactFields: { segment: "smb" } }, {})).toBe(false);
    expect(conditionsCover({}, { contactFields: { segment: "smb" } })).toBe(true);
  });
});

describe("custom fields in exports", () => {
  it("gives every active field as [label, text], in the admin's order", () => {
    expect(
      customFieldColumns(definitions, "case", {
        seats: 3,
        products: ["a", "c"],
        consent: true,
        old: "archived value",
      }),
    ).toEqual([
      ["Note", ""],
      ["Seats", "3"],
      ["Renewal", ""],
      ["Plan", ""],
      ["Products", "a; c"],
      ["Consent", "Yes"],
      ["Cause", ""],
      ["Always", ""],
    ]);
    expect(customFieldColumns(definitions, "contact", null)).toEqual([["Segment", ""]]);
  });
});

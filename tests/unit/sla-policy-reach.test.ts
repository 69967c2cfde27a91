import { describe, expect, it } from "vitest";
import type { SlaConditions } from "../../db/schema/sla.ts";
import { conditionsCover, newPolicyPosition, withReach } from "../../sla/policy-reach.ts";

const policy = (name: string, position: number, conditions: SlaConditions, enabled = true) => ({
  id: name,
  name,
  position,
  enabled,
  conditions,
});

describe("whether an SLA policy can ever apply", () => {
  it("knows when an earlier policy takes every case a later one would", () => {
    expect(conditionsCover({}, { channels: ["chat"] })).toBe(true);
    expect(conditionsCover({ channels: ["chat"] }, { channels: ["chat"], priorities: ["urgent"] })).toBe(
      true,
    );
    expect(conditionsCover({ channels: ["chat", "sms"] }, { channels: ["chat"] })).toBe(true);
    expect(conditionsCover({ channels: ["chat"] }, { channels: ["chat", "sms"] })).toBe(false);
    expect(conditionsCover({ channels: ["chat"] }, {})).toBe(false);
    expect(conditionsCover({ tags: ["vip"] }, { tags: ["vip", "billing"] })).toBe(true);
    expect(conditionsCover({ tags: ["vip", "billing"] }, { tags: ["vip"] })).toBe(false);
    expect(
      conditionsCover({ contactAttributes: { tier: "gold" } }, { contactAttributes: { tier: "gold" } }),
    ).toBe(true);
    expect(conditionsCover({ contactAttributes: { tier: "gold" } }, {})).toBe(false);
  });

  it("flags a policy below one that matches all its cases, and not one below a disabled one", () => {
    const [all, chats, off, vipChats] = withReach([
      policy("Everything", 3, {}),
      policy("Chats", 1, { channels: ["chat"] }),
      policy("Old", 2, {}, false),
      policy("VIP chats", 4, { channels: ["chat"], tags: ["vip"] }),
    ]);
    expect(all!.neverApplies).toBeNull();
    expect(chats!.neverApplies).toBeNull();
    expect(off!.neverApplies).toBeNull();
    expect(vipChats!.neverApplies).toContain("'Chats' comes first");
  });

  it("puts a new specific policy above the first catch-all, and a new catch-all last", () => {
    const existing = [policy("Chats", 1, { channels: ["chat"] }), policy("Everything", 2, {})];
    expect(newPolicyPosition(existing, { tags: ["vip"] })).toBe(2);
    expect(newPolicyPosition(existing, {})).toBe(3);
    expect(newPolicyPosition([], { tags: ["vip"] })).toBe(1);
  });
});

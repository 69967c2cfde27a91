/** API keys' pure rules: the queues a limited key reaches, and that its limit binds its admin. */
import { describe, expect, it } from "vitest";
import { EVERY_QUEUE, maySeeCase, scopeOf } from "../../cases/case-permissions.ts";
import { keyQueueScope } from "../../server/http/access.ts";
import { personOnlyReason } from "../../server/http/api-key-scope.ts";

const key = (queueIds: string[] | null) => ({
  id: "k",
  name: "CRM",
  scopes: ["cases:read" as const],
  queueIds,
});

describe("an API key's queues", () => {
  it("reaches every queue its admin sees when it names none", () => {
    expect(keyQueueScope(EVERY_QUEUE, key(null))).toBe(EVERY_QUEUE);
  });

  it("reaches only its queues, and only those its admin may see", () => {
    expect(keyQueueScope(EVERY_QUEUE, key(["b", "a"]))).toEqual({
      limited: true,
      queueIds: ["a", "b"],
      bindsAdmins: true,
    });
    const limited = { limited: true, queueIds: ["a", "c"] };
    expect(keyQueueScope(limited, key(["a", "b"])).queueIds).toEqual(["a"]);
  });

  it("limits the admin it acts for, where an admin's stored scope never does", () => {
    const admin = { id: "root", role: "admin" as const };
    const throughKey = { ...admin, scope: keyQueueScope(EVERY_QUEUE, key(["billing"])) };
    expect(scopeOf(throughKey).limited).toBe(true);
    expect(maySeeCase(throughKey, { assigneeId: null, offeredToId: null, queueId: "sales" })).toBe(false);
    expect(maySeeCase(throughKey, { assigneeId: null, offeredToId: null, queueId: "billing" })).toBe(true);
    expect(scopeOf({ ...admin, scope: { limited: true, queueIds: ["billing"] } })).toBe(EVERY_QUEUE);
  });

  it("says why a people-only route refuses keys", () => {
    expect(personOnlyReason("/api/me/presence")).toMatch(/^API keys cannot use a person's own/);
    expect(personOnlyReason("/api/elsewhere")).toMatch(/^API keys cannot call this route/);
  });
});

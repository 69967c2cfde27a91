import { describe, expect, it } from "vitest";
import {
  type CaseWorkFacts,
  EVERY_QUEUE,
  maySeeAgent,
  maySeeCase,
  mayWorkCase,
  type QueueScope,
  queueInScope,
} from "../../cases/case-permissions.ts";
import { outOfScopeAgents } from "../../routing/config-cache.ts";

const facts = (over: Partial<CaseWorkFacts> = {}): CaseWorkFacts => ({
  assigneeId: null,
  assigneeName: null,
  queueId: "billing",
  offeredToId: null,
  ...over,
});
const only = (...queueIds: string[]): QueueScope => ({ limited: true, queueIds });
const serves = (answer: boolean) => () => answer;

type Role = "agent" | "supervisor" | "admin";
const ROLES: Role[] = ["agent", "supervisor", "admin"];

describe("queue scopes: what a person sees", () => {
  // role × limited × case queue × assignment → sees?
  const table: [Role, QueueScope, Partial<CaseWorkFacts>, boolean][] = [];
  for (const role of ROLES) {
    table.push([role, EVERY_QUEUE, {}, true]);
    table.push([role, EVERY_QUEUE, { queueId: null, assigneeId: "ben" }, true]);
    table.push([role, only("billing"), {}, true]);
    table.push([role, only("billing"), { assigneeId: "ben" }, true]);
    // Out of scope: admins are never limited; others see it only when it is their own work.
    table.push([role, only("sales"), {}, role === "admin"]);
    table.push([role, only("sales"), { assigneeId: "ben" }, role === "admin"]);
    table.push([role, only("sales"), { assigneeId: "me" }, true]);
    table.push([role, only("sales"), { offeredToId: "me" }, true]);
    table.push([role, only(), { queueId: null }, role === "admin"]);
    table.push([role, only(), {}, role === "admin"]);
    table.push([role, only(), { assigneeId: "me" }, true]);
  }
  it.each(table)("%s with scope %j and case %j sees it: %s", (role, scope, over, expected) => {
    expect(maySeeCase({ id: "me", role, scope }, facts(over))).toBe(expected);
  });

  it("says whether a queue is in scope: every queue when unlimited, never a missing queue when limited", () => {
    expect(queueInScope(EVERY_QUEUE, "sales")).toBe(true);
    expect(queueInScope(EVERY_QUEUE, null)).toBe(true);
    expect(queueInScope(only("billing"), "billing")).toBe(true);
    expect(queueInScope(only("billing"), "sales")).toBe(false);
    expect(queueInScope(only("billing"), null)).toBe(false);
  });
});

describe("queue scopes: what a person may work", () => {
  it("refuses a limited supervisor an out-of-scope case as if it did not exist", () => {
    const supervisor = { id: "sue", role: "supervisor" as const, scope: only("billing") };
    expect(mayWorkCase(supervisor, facts(), serves(false))).toEqual({ allowed: true });
    expect(mayWorkCase(supervisor, facts({ queueId: "sales", assigneeId: "ben" }), serves(true))).toEqual({
      allowed: false,
      hidden: true,
      reason: expect.any(String),
    });
  });

  it("lets a limited agent take unassigned work only in a queue they both serve and may see", () => {
    const agent = { id: "ana", role: "agent" as const, scope: only("billing") };
    expect(mayWorkCase(agent, facts(), serves(true)).allowed).toBe(true);
    expect(mayWorkCase(agent, facts(), serves(false))).toMatchObject({
      allowed: false,
      reason: /do not serve/,
    });
    expect(mayWorkCase(agent, facts({ queueId: "sales" }), serves(true))).toMatchObject({
      allowed: false,
      hidden: true,
    });
    expect(mayWorkCase(agent, facts({ queueId: "sales", assigneeId: "ana" }), serves(false)).allowed).toBe(
      true,
    );
    expect(mayWorkCase(agent, facts({ queueId: "sales", offeredToId: "ana" }), serves(false)).allowed).toBe(
      true,
    );
  });

  it("keeps today's rule for unlimited people and admins whatever their list says", () => {
    const admin = { id: "root", role: "admin" as const, scope: only() };
    expect(mayWorkCase(admin, facts({ queueId: "sales", assigneeId: "ben" }), serves(false))).toEqual({
      allowed: true,
    });
    const agent = { id: "ana", role: "agent" as const, scope: EVERY_QUEUE };
    expect(mayWorkCase(agent, facts({ queueId: null }), serves(false)).allowed).toBe(true);
    expect(mayWorkCase(agent, facts({ assigneeId: "ben" }), serves(true)).allowed).toBe(false);
  });
});

describe("queue scopes: which agents a supervisor sees", () => {
  const viewer = { id: "sue", role: "supervisor" as const, scope: only("billing") };
  it("shows agents who serve a scoped queue or are scoped to one, and the supervisor themself", () => {
    const servesBilling = (queueId: string) => queueId === "billing";
    const servesNothing = () => false;
    expect(maySeeAgent(viewer, { id: "ana", scope: EVERY_QUEUE }, servesBilling)).toBe(true);
    expect(maySeeAgent(viewer, { id: "ben", scope: EVERY_QUEUE }, servesNothing)).toBe(false);
    expect(maySeeAgent(viewer, { id: "cy", scope: only("billing") }, servesNothing)).toBe(true);
    expect(maySeeAgent(viewer, { id: "dee", scope: only("sales") }, servesNothing)).toBe(false);
    expect(maySeeAgent(viewer, { id: "sue", scope: only("billing") }, servesNothing)).toBe(true);
  });
  it("shows every agent to unlimited supervisors and admins", () => {
    for (const role of ["supervisor", "admin"] as const)
      expect(
        maySeeAgent(
          { id: "x", role, scope: role === "admin" ? only() : EVERY_QUEUE },
          { id: "b", scope: only("sales") },
          () => false,
        ),
      ).toBe(true);
  });
});

describe("queue scopes in routing", () => {
  it("excludes from a queue's cases exactly the limited agents without that queue", () => {
    const scopes = new Map<string, ReadonlySet<string>>([
      ["bea", new Set(["billing"])],
      ["bo", new Set(["billing", "sales"])],
      ["nil", new Set()],
    ]);
    expect(outOfScopeAgents({ scopes }, "billing")).toEqual(["nil"]);
    expect(outOfScopeAgents({ scopes }, "sales")).toEqual(["bea", "nil"]);
    expect(outOfScopeAgents({ scopes: new Map() }, "sales")).toEqual([]);
  });
});

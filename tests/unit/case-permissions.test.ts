import { describe, expect, it } from "vitest";
import { type CaseWorkFacts, mayWorkCase } from "../../cases/case-permissions.ts";

const agent = { id: "ana", role: "agent" as const };
const facts = (over: Partial<CaseWorkFacts> = {}): CaseWorkFacts => ({
  assigneeId: null,
  assigneeName: null,
  queueId: "billing",
  offeredToId: null,
  ...over,
});
const serves = (answer: boolean) => () => answer;

describe("who may work a case", () => {
  it("lets supervisors and admins work every case", () => {
    for (const role of ["supervisor", "admin"] as const)
      expect(mayWorkCase({ id: "sue", role }, facts({ assigneeId: "ben" }), serves(false))).toEqual({
        allowed: true,
      });
  });

  it("lets an agent work their own and offered cases, and unassigned ones in queues they serve", () => {
    expect(mayWorkCase(agent, facts({ assigneeId: "ana" }), serves(false)).allowed).toBe(true);
    expect(mayWorkCase(agent, facts({ offeredToId: "ana" }), serves(false)).allowed).toBe(true);
    expect(mayWorkCase(agent, facts(), serves(true)).allowed).toBe(true);
    expect(mayWorkCase(agent, facts({ queueId: null }), serves(false)).allowed).toBe(true);
  });

  it("refuses a colleague's case, one offered elsewhere, and a queue the agent does not serve, saying why", () => {
    const theirs = mayWorkCase(agent, facts({ assigneeId: "ben", assigneeName: "Ben" }), serves(true));
    expect(theirs).toEqual({ allowed: false, reason: expect.stringContaining("Ben's") });
    expect(mayWorkCase(agent, facts({ offeredToId: "ben" }), serves(true))).toEqual({
      allowed: false,
      reason: expect.stringContaining("offered to another agent"),
    });
    expect(mayWorkCase(agent, facts(), serves(false))).toEqual({
      allowed: false,
      reason: expect.stringContaining("queue you do not serve"),
    });
  });
});

/** Why "take next" found nothing, in words the agent can act on. */
import { describe, expect, it } from "vitest";
import type { MatcherAgent, MatcherCase, MatcherQueue } from "../../routing/matcher.ts";
import { whyNothingToTake } from "../../routing/take-next-reason.ts";

const NOW = Date.UTC(2026, 11, 7, 12);

const me = (fields: Partial<MatcherAgent> = {}): MatcherAgent => ({
  id: "me",
  skills: { english: 5 },
  capacity: { voice: 1, chat: 3, sms: 5, email: 5 },
  load: { chat: 0, email: 0, sms: 0, voice: 0 },
  idleSince: NOW,
  available: true,
  ...fields,
});

const queue = (id: string, requiredSkills: MatcherQueue["requiredSkills"] = []): MatcherQueue => ({
  id,
  requiredSkills,
  preferredSkills: [],
  policy: "longest_idle",
  overflowSteps: [],
  agingSteps: [],
  stickySeconds: 0,
});

const waiting = (id: string, queueId: string, fields: Partial<MatcherCase> = {}): MatcherCase => ({
  id,
  queueId,
  channel: "chat",
  priority: "normal",
  enqueuedAt: NOW - 60_000,
  stickyAgentId: null,
  excludedAgentIds: [],
  ...fields,
});

const queues = new Map([
  ["general", queue("general")],
  ["german", queue("german", [{ skill: "german", level: 3 }])],
]);
const queueNames = new Map([
  ["general", "General"],
  ["german", "German"],
]);

const why = (agent: MatcherAgent, cases: MatcherCase[]) =>
  whyNothingToTake({ me: agent, waiting: cases, queues, roster: [agent], queueNames, now: NOW });

describe("why take next found nothing", () => {
  it("says nothing waits", () => {
    expect(why(me(), [])).toEqual({ code: "nothing_waiting", message: "No case is waiting in any queue." });
  });

  it("names the queues of cases that are not the agent's to take", () => {
    const answer = why(me(), [waiting("c1", "german"), waiting("c2", "german")]);
    expect(answer.code).toBe("not_yours");
    expect(answer.message).toMatch(/^2 cases wait \(in German\), none of them for you/);
  });

  it("says which channel is full when the agent could take a case but has no room", () => {
    const full = me({ load: { chat: 3, email: 0, sms: 0, voice: 0 } });
    const answer = why(full, [waiting("c1", "general"), waiting("c2", "german")]);
    expect(answer).toEqual({
      code: "at_capacity",
      message:
        "You are at capacity for the cases you could take (chats 3 of 3). Resolve or hand over one first.",
    });
    expect(
      why(me({ load: { chat: 0, email: 0, sms: 0, voice: 1 } }), [waiting("c1", "general")]).message,
    ).toBe("You are on a call. Take the next case after it.");
  });

  it("counts a case the agent missed as theirs to take", () => {
    const full = me({ load: { chat: 3, email: 0, sms: 0, voice: 0 } });
    expect(why(full, [waiting("c1", "general", { excludedAgentIds: ["me"] })]).code).toBe("at_capacity");
  });
});

import { describe, expect, it } from "vitest";
import {
  caseOrder,
  effectiveRank,
  hasRoom,
  isEligible,
  type MatcherAgent,
  type MatcherCase,
  type MatcherQueue,
  matchCases,
} from "../../routing/matcher.ts";
import { servesQueue } from "../../routing/matcher-rules.ts";

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const SECOND = 1000;

function agent(id: string, fields: Partial<MatcherAgent> = {}): MatcherAgent {
  return {
    id,
    skills: {},
    capacity: { voice: 1, chat: 3, sms: 5, email: 5 },
    load: { chat: 0, email: 0, sms: 0, voice: 0 },
    idleSince: NOW - 600 * SECOND,
    available: true,
    ...fields,
  };
}

function queue(id: string, fields: Partial<MatcherQueue> = {}): MatcherQueue {
  return {
    id,
    requiredSkills: [],
    preferredSkills: [],
    policy: "longest_idle",
    overflowSteps: [],
    agingSteps: [],
    stickySeconds: 0,
    ...fields,
  };
}

/** A case in queue "q" that has waited `waitedSeconds`. */
function waiting(id: string, waitedSeconds: number, fields: Partial<MatcherCase> = {}): MatcherCase {
  return {
    id,
    queueId: "q",
    channel: "chat",
    priority: "normal",
    enqueuedAt: NOW - waitedSeconds * SECOND,
    stickyAgentId: null,
    excludedAgentIds: [],
    ...fields,
  };
}

const queueMap = (queues: MatcherQueue[]) => new Map(queues.map((q) => [q.id, q]));

function match(agents: MatcherAgent[], cases: MatcherCase[], queues: MatcherQueue[], now = NOW) {
  return matchCases({ agents, cases, queues: queueMap(queues), now });
}

/** caseId -> agentId of the offers made. */
function offered(agents: MatcherAgent[], cases: MatcherCase[], queues: MatcherQueue[], now = NOW) {
  return Object.fromEntries(match(agents, cases, queues, now).offers.map((o) => [o.caseId, o.agentId]));
}

const oneChatSeat = (id: string, fields: Partial<MatcherAgent> = {}) =>
  agent(id, { capacity: { voice: 0, chat: 1, sms: 0, email: 0 }, ...fields });

describe("order of cases", () => {
  it("serves higher priority first, then the case waiting longest, then the smaller id", () => {
    const q = queue("q");
    const cases = [
      waiting("c-normal-old", 300),
      waiting("c-urgent-new", 5, { priority: "urgent" }),
      waiting("c-b", 100, { priority: "high" }),
      waiting("c-a", 100, { priority: "high" }),
    ];
    const sorted = [...cases].sort((a, b) => caseOrder(a, b, queueMap([q]), NOW)).map((c) => c.id);
    expect(sorted).toEqual(["c-urgent-new", "c-a", "c-b", "c-normal-old"]);
    expect(offered([oneChatSeat("a1")], cases, [q])).toEqual({ "c-urgent-new": "a1" });
  });

  it("lets an aged case overtake a newer case of higher priority", () => {
    const q = queue("q", {
      agingSteps: [
        { afterSeconds: 120, raiseBy: 1 },
        { afterSeconds: 300, raiseBy: 1 },
      ],
    });
    const aged = waiting("c-aged", 301); // normal 1 + 1 + 1 = 3
    const fresh = waiting("c-fresh", 10, { priority: "high" }); // high 2, no aging yet
    expect(effectiveRank(aged, q, NOW)).toBe(3);
    expect(effectiveRank(fresh, q, NOW)).toBe(2);
    expect(effectiveRank(aged, q, NOW - 2 * SECOND)).toBe(2); // at 299 s only the first step counts
    expect(effectiveRank(waiting("c", 120), q, NOW)).toBe(2); // a step counts from its exact second
    expect(effectiveRank(waiting("c", 119), q, NOW)).toBe(1);
    expect(offered([oneChatSeat("a1")], [fresh, aged], [q])).toEqual({ "c-aged": "a1" });
    expect(match([], [fresh, aged], [q]).nextChangeAt).toBe(fresh.enqueuedAt + 120 * SECOND);
  });
});

describe("greedy assignment", () => {
  it("counts each offer against the agent's capacity for the next cases, without mutating inputs", () => {
    const agents = [
      agent("a1", { capacity: { voice: 0, chat: 2, sms: 0, email: 0 }, idleSince: NOW - 900 * SECOND }),
      agent("a2", { capacity: { voice: 0, chat: 2, sms: 0, email: 0 } }),
    ];
    const snapshot = structuredClone(agents);
    const cases = [
      waiting("c1", 50),
      waiting("c2", 40),
      waiting("c3", 30),
      waiting("c4", 20),
      waiting("c5", 10),
    ];
    const result = match(agents, cases, [queue("q")]);
    expect(result.offers).toEqual([
      { caseId: "c1", agentId: "a1" }, // a1 idle longest; afterwards a1 counts as idle since now
      { caseId: "c2", agentId: "a2" },
      { caseId: "c3", agentId: "a1" },
      { caseId: "c4", agentId: "a2" },
    ]);
    expect(agents).toEqual(snapshot);
  });

  it("offers each case at most once and leaves cases of an unknown queue waiting", () => {
    const result = match([agent("a1")], [waiting("c1", 10, { queueId: "gone" })], [queue("q")]);
    expect(result).toEqual({ offers: [], nextChangeAt: null });
  });
});

describe("room", () => {
  it("gives an agent on a call nothing else, and a voice case only to an agent not on a call", () => {
    const onCall = agent("a1", { load: { chat: 0, email: 0, sms: 0, voice: 1 } });
    expect(hasRoom(onCall, "email")).toBe(false);
    expect(hasRoom(onCall, "voice")).toBe(false);
    const chatting = agent("a2", { load: { chat: 2, email: 0, sms: 0, voice: 0 } });
    expect(hasRoom(chatting, "voice")).toBe(true);
    expect(hasRoom(chatting, "chat")).toBe(true);
    expect(hasRoom(agent("a3", { load: { chat: 3, email: 0, sms: 0, voice: 0 } }), "chat")).toBe(false);

    const q = queue("q");
    const cases = [waiting("call", 30, { channel: "voice" }), waiting("mail", 20, { channel: "email" })];
    // The call goes to a2, who is then on a call too: the email waits.
    expect(offered([onCall, agent("a2")], cases, [q])).toEqual({ call: "a2" });
  });
});

describe("skills and overflow steps", () => {
  const billing = queue("q", {
    requiredSkills: [{ skill: "billing", level: 5 }],
    preferredSkills: [{ skill: "spanish", level: 3 }],
  });
  const senior = agent("senior", { skills: { billing: 6 } });
  const bilingual = agent("bilingual", { skills: { billing: 5, spanish: 4 } });
  const junior = agent("junior", { skills: { billing: 3, spanish: 9 } });

  it("requires the required and, until dropped, the preferred skills", () => {
    const c = waiting("c1", 10);
    const roster = [senior, bilingual, junior];
    expect(roster.map((a) => isEligible(a, c, queueMap([billing]), roster, NOW))).toEqual([
      false,
      true,
      false,
    ]);
  });

  it("drops the preferred skills once a drop_preferred step's time has come", () => {
    const q = { ...billing, overflowSteps: [{ afterSeconds: 60, action: "drop_preferred" as const }] };
    expect(offered([senior], [waiting("c1", 59)], [q])).toEqual({});
    expect(match([senior], [waiting("c1", 59)], [q]).nextChangeAt).toBe(NOW + SECOND);
    expect(offered([senior], [waiting("c1", 60)], [q])).toEqual({ c1: "senior" });
  });

  it("lowers required levels, cumulatively and never below 1", () => {
    const q = queue("q", {
      requiredSkills: [
        { skill: "billing", level: 5 },
        { skill: "french", level: 2 },
      ],
      overflowSteps: [
        { afterSeconds: 120, action: "lower_required", by: 2 },
        { afterSeconds: 60, action: "lower_required", by: 1 },
      ],
    });
    const a = agent("a", { skills: { billing: 3, french: 1 } });
    const none = agent("none", { skills: { billing: 9 } });
    const queues = queueMap([q]);
    expect(isEligible(a, waiting("c", 59), queues, [a], NOW)).toBe(false);
    expect(isEligible(a, waiting("c", 60), queues, [a], NOW)).toBe(false); // billing 4, french 1
    expect(isEligible(a, waiting("c", 120), queues, [a], NOW)).toBe(true); // billing 2, french 1
    // Lowered to 1, not to 0: a missing skill still disqualifies.
    expect(isEligible(none, waiting("c", 120), queues, [none], NOW)).toBe(false);
  });

  it("admits agents of an added overflow queue on its base required skills only", () => {
    const q = queue("q", {
      requiredSkills: [{ skill: "billing", level: 5 }],
      overflowSteps: [{ afterSeconds: 30, action: "add_queue", queueId: "general" }],
    });
    const general = queue("general", {
      requiredSkills: [{ skill: "english", level: 2 }],
      preferredSkills: [{ skill: "billing", level: 9 }],
    });
    const helper = agent("helper", { skills: { english: 2 } });
    expect(offered([helper], [waiting("c1", 29)], [q, general])).toEqual({});
    expect(offered([helper], [waiting("c1", 30)], [q, general])).toEqual({ c1: "helper" });
    // The case's own queue is still served: a billing agent qualifies either way.
    const biller = agent("biller", { skills: { billing: 5 } });
    expect(isEligible(biller, waiting("c1", 30), queueMap([q, general]), [biller], NOW)).toBe(true);
    // An overflow queue that no longer exists admits nobody.
    expect(offered([helper], [waiting("c1", 30)], [q])).toEqual({});
  });

  it("skips a skip-if-no-agents step at once when nobody available meets the criteria before it", () => {
    const q = queue("q", {
      requiredSkills: [{ skill: "german", level: 5 }],
      overflowSteps: [
        { afterSeconds: 600, action: "lower_required", by: 2, skipIfNoAgents: true },
        { afterSeconds: 900, action: "add_queue", queueId: "general", skipIfNoAgents: true },
      ],
    });
    const general = queue("general", { requiredSkills: [{ skill: "english", level: 1 }] });
    const queues = [q, general];
    const c = waiting("c1", 5);
    const english = agent("english", { skills: { english: 3 } });
    const weakGerman = agent("weak", { skills: { german: 3 } });

    // Nobody has german >= 5, nor german >= 3: both steps apply at once.
    expect(offered([english], [c], queues)).toEqual({ c1: "english" });
    // Someone has german >= 3 after the first step: the second waits for its time.
    expect(offered([english, weakGerman], [c], queues)).toEqual({ c1: "weak" });

    // A matching agent who is busy (no room) or excluded still counts as "someone": no skip.
    const busyGerman = agent("busy", {
      skills: { german: 7 },
      load: { chat: 3, email: 0, sms: 0, voice: 0 },
    });
    const result = match([english, busyGerman], [c], queues);
    expect(result.offers).toEqual([]);
    expect(result.nextChangeAt).toBe(c.enqueuedAt + 600 * SECOND);
    // Excluded but with room: no skip, and the last resort takes the case rather than the step.
    expect(
      offered([english, agent("x", { skills: { german: 7 } })], [{ ...c, excludedAgentIds: ["x"] }], queues),
    ).toEqual({ c1: "x" });

    // An unavailable agent does not count.
    expect(offered([english, { ...busyGerman, available: false }], [c], queues)).toEqual({ c1: "english" });
  });

  it("does not skip a step while an earlier step has not applied", () => {
    const q = queue("q", {
      requiredSkills: [{ skill: "german", level: 5 }],
      overflowSteps: [
        { afterSeconds: 60, action: "lower_required", by: 4 },
        { afterSeconds: 600, action: "add_queue", queueId: "general", skipIfNoAgents: true },
      ],
    });
    const general = queue("general");
    const anyone = agent("anyone");
    expect(offered([anyone], [waiting("c1", 30)], [q, general])).toEqual({});
    expect(offered([anyone], [waiting("c1", 60)], [q, general])).toEqual({ c1: "anyone" });
  });
});

describe("sticky agent", () => {
  const q = queue("q", { stickySeconds: 120 });
  const agents = [agent("a-idle", { idleSince: NOW - 3600 * SECOND }), agent("a-sticky")];

  it("offers the case only to the sticky agent within the window", () => {
    expect(offered(agents, [waiting("c1", 60, { stickyAgentId: "a-sticky" })], [q])).toEqual({
      c1: "a-sticky",
    });
    const full = [agents[0]!, agent("a-sticky", { load: { chat: 3, email: 0, sms: 0, voice: 0 } })];
    const result = match(full, [waiting("c1", 60, { stickyAgentId: "a-sticky" })], [q]);
    expect(result.offers).toEqual([]);
    expect(result.nextChangeAt).toBe(NOW + 60 * SECOND);
  });

  it("falls back to the normal rules after the window", () => {
    expect(offered(agents, [waiting("c1", 120, { stickyAgentId: "a-sticky" })], [q])).toEqual({
      c1: "a-idle",
    });
  });

  it("ends the window when the sticky agent missed the case: the normal rules apply at once", () => {
    const c = waiting("c1", 60, { stickyAgentId: "a-sticky", excludedAgentIds: ["a-sticky"] });
    expect(offered(agents, [c], [q])).toEqual({ c1: "a-idle" });
    // And nobody else with room: back to the one who missed it rather than stranded.
    expect(offered([agents[1]!], [c], [q])).toEqual({ c1: "a-sticky" });
  });

  it("still requires the sticky agent to be eligible", () => {
    const skilled = { ...q, requiredSkills: [{ skill: "billing", level: 2 }] };
    expect(offered(agents, [waiting("c1", 60, { stickyAgentId: "a-sticky" })], [skilled])).toEqual({});
    expect(offered(agents, [waiting("c1", 60, { stickyAgentId: "nobody" })], [q])).toEqual({});
  });
});

describe("exclusions", () => {
  it("offers a case to an agent who recently missed it only when nobody else who could take it has room", () => {
    const agents = [agent("a1", { idleSince: NOW - 3600 * SECOND }), agent("a2")];
    const q = queue("q");
    expect(offered(agents, [waiting("c1", 10, { excludedAgentIds: ["a1"] })], [q])).toEqual({ c1: "a2" });
    // Both missed it: the case is not stranded; the policy picks among them as usual.
    expect(offered(agents, [waiting("c1", 10, { excludedAgentIds: ["a1", "a2"] })], [q])).toEqual({
      c1: "a1",
    });
    // The one who did not miss it is full: the one who did gets it again.
    const full = agent("a2", { load: { voice: 0, chat: 3, email: 0, sms: 0 } });
    expect(offered([agents[0]!, full], [waiting("c1", 10, { excludedAgentIds: ["a1"] })], [q])).toEqual({
      c1: "a1",
    });

    // A barred agent (limited to other queues) is never the last resort.
    expect(
      offered(agents, [waiting("c1", 10, { excludedAgentIds: ["a1"], barredAgentIds: ["a2"] })], [q]),
    ).toEqual({
      c1: "a1",
    });
    expect(offered(agents, [waiting("c1", 10, { barredAgentIds: ["a1", "a2"] })], [q])).toEqual({});
    expect(
      offered(
        agents,
        [waiting("c1", 10, { stickyAgentId: "a2", barredAgentIds: ["a2"] })],
        [queue("q", { stickySeconds: 600 })],
      ),
    ).toEqual({ c1: "a1" });
    // The excluded agent stays available to the next case.
    const cases = [waiting("c1", 20, { excludedAgentIds: ["a1"] }), waiting("c2", 10)];
    expect(offered(agents, cases, [q])).toEqual({ c1: "a2", c2: "a1" });
  });
});

describe("selection policies", () => {
  const load = (chat: number, email = 0, sms = 0) => ({ chat, email, sms, voice: 0 });

  it("longest_idle picks the smallest idleSince and rotates through agents within a run", () => {
    const agents = [
      agent("a", { idleSince: NOW - 100 * SECOND }),
      agent("b", { idleSince: NOW - 300 * SECOND }),
      agent("c", { idleSince: NOW - 200 * SECOND }),
    ];
    const cases = [waiting("c1", 40), waiting("c2", 30), waiting("c3", 20), waiting("c4", 10)];
    expect(offered(agents, cases, [queue("q")])).toEqual({ c1: "b", c2: "c", c3: "a", c4: "a" });
  });

  it("most_available picks the most free room on the case's channel", () => {
    const agents = [
      agent("a", { load: load(2), idleSince: NOW - 900 * SECOND }),
      agent("b", { load: load(0, 4, 4) }),
      agent("c", { load: load(1) }),
    ];
    expect(offered(agents, [waiting("c1", 10)], [queue("q", { policy: "most_available" })])).toEqual({
      c1: "b",
    });
  });

  it("least_active picks the fewest open cases over all channels", () => {
    const agents = [
      agent("a", { load: load(0, 3) }),
      agent("b", { load: load(1, 1) }),
      agent("c", { load: load(2) }),
    ];
    expect(offered(agents, [waiting("c1", 10)], [queue("q", { policy: "least_active" })])).toEqual({
      c1: "b",
    });
  });

  it("best_skill picks the highest sum of levels over the required skills", () => {
    const q = queue("q", {
      policy: "best_skill",
      requiredSkills: [
        { skill: "billing", level: 1 },
        { skill: "refunds", level: 1 },
      ],
    });
    const agents = [
      agent("a", { skills: { billing: 9, refunds: 1, spanish: 10 } }),
      agent("b", { skills: { billing: 6, refunds: 6 } }),
      agent("c", { skills: { billing: 10 } }),
    ];
    expect(offered(agents, [waiting("c1", 10)], [q])).toEqual({ c1: "b" });
  });

  it("breaks ties by the longest idle, then the smallest id", () => {
    const q = queue("q", { policy: "least_active" });
    const tiedIdle = [agent("b"), agent("a"), agent("c", { idleSince: NOW - 601 * SECOND })];
    expect(offered(tiedIdle, [waiting("c1", 10)], [q])).toEqual({ c1: "c" });
    expect(offered(tiedIdle.slice(0, 2), [waiting("c1", 10)], [q])).toEqual({ c1: "a" });
  });
});

describe("nextChangeAt", () => {
  it("is the earliest overflow, aging or sticky deadline among unmatched cases", () => {
    const q = queue("q", {
      requiredSkills: [{ skill: "rare", level: 1 }],
      overflowSteps: [{ afterSeconds: 300, action: "add_queue", queueId: "general" }],
      agingSteps: [{ afterSeconds: 200, raiseBy: 1 }],
      stickySeconds: 150,
    });
    const general = queue("general");
    const queues = [q, general];
    expect(match([], [waiting("c1", 100)], queues).nextChangeAt).toBe(NOW + 100 * SECOND); // aging at 200 s
    expect(match([], [waiting("c1", 250)], queues).nextChangeAt).toBe(NOW + 50 * SECOND); // overflow at 300 s
    expect(match([], [waiting("c1", 100, { stickyAgentId: "x" })], queues).nextChangeAt).toBe(
      NOW + 50 * SECOND,
    );
    expect(match([], [waiting("c1", 400)], queues).nextChangeAt).toBeNull(); // nothing left to change
  });

  it("ignores matched cases and is null when every case was offered", () => {
    const q = queue("q", { agingSteps: [{ afterSeconds: 200, raiseBy: 1 }] });
    expect(match([agent("a")], [waiting("c1", 100)], [q]).nextChangeAt).toBeNull();
  });

  it("never points at now or the past", () => {
    const q = queue("q", {
      requiredSkills: [{ skill: "rare", level: 1 }],
      overflowSteps: [{ afterSeconds: 100, action: "drop_preferred" }],
    });
    // The step's time is exactly now: it already applies, so it is not a future change.
    expect(match([], [waiting("c1", 100)], [q]).nextChangeAt).toBeNull();
  });
});

describe("servesQueue (who may work a queue's unassigned cases)", () => {
  it("admits an agent whose skills meet the queue at some step, overflow included", () => {
    const billing = queue("q", { requiredSkills: [{ skill: "billing", level: 5 }] });
    expect(servesQueue(agent("a", { skills: { billing: 5 } }), billing, new Map([["q", billing]]))).toBe(
      true,
    );
    expect(servesQueue(agent("a", { skills: { billing: 3 } }), billing, new Map([["q", billing]]))).toBe(
      false,
    );
    const lowering = queue("q", {
      requiredSkills: [{ skill: "billing", level: 5 }],
      overflowSteps: [{ afterSeconds: 60, action: "lower_required", by: 2 }],
    });
    expect(servesQueue(agent("a", { skills: { billing: 3 } }), lowering, new Map([["q", lowering]]))).toBe(
      true,
    );
  });
});

import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../routing/agent-snapshot.ts";
import { availableAgentsKept } from "../../sla/chat-availability.ts";

describe("the widget's available agents under load", () => {
  it("keeps a list with someone on it briefly, and never keeps an empty one", async () => {
    let now = 0;
    let agents: AgentSnapshot[] = [];
    let reads = 0;
    const read = availableAgentsKept(
      async () => {
        reads += 1;
        return agents;
      },
      2_000,
      () => now,
    );
    expect(await read()).toEqual([]);
    const someone = { id: "a" } as AgentSnapshot;
    agents = [someone];
    expect(await read()).toEqual([someone]);
    now = 1_500;
    agents = [];
    expect(await read()).toEqual([someone]);
    expect(reads).toBe(2);
    now = 2_000;
    expect(await read()).toEqual([]);
    expect(await read()).toEqual([]);
    expect(reads).toBe(4);
  });
});

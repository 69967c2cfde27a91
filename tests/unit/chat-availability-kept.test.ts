import { describe, expect, it } from "vitest";
import { type ChatAvailability, openAnswersKept } from "../../sla/chat-availability.ts";

describe("the widget's availability answer under load", () => {
  it("keeps an 'open' answer briefly and never keeps 'nobody is there'", async () => {
    let now = 0;
    let answer: ChatAvailability = "open";
    let reads = 0;
    const ask = openAnswersKept(
      async () => {
        reads += 1;
        return answer;
      },
      2_000,
      () => now,
    );
    expect(await ask()).toBe("open");
    now = 1_500;
    answer = "no_agents";
    expect(await ask()).toBe("open");
    expect(reads).toBe(1);
    now = 2_000;
    expect(await ask()).toBe("no_agents");
    expect(await ask()).toBe("no_agents");
    expect(reads).toBe(3);
    answer = "open";
    expect(await ask()).toBe("open");
  });
});

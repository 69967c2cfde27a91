/**
 * How search reads each place, from the estimated number of matches: a rare word from its trigram
 * index, a common one by walking the list newest first (cases/case-search.ts).
 */
import { describe, expect, it } from "vitest";
import { chooseStrategies } from "../../cases/case-search.ts";

const atScale = (matches: { subject: number; name: number; address: number; body: number }) => ({
  matches,
  cases: 1_000_000,
  contacts: 400_000,
  interactions: 10_000_000,
});

describe("search strategy", () => {
  it("reads a rare word from the index everywhere", () => {
    expect(chooseStrategies(atScale({ subject: 1, name: 3, address: 1, body: 40 }), 101)).toEqual({
      subject: "index",
      name: "index",
      address: "index",
      body: "index",
    });
  });

  it("walks for a word in a large share of cases", () => {
    expect(
      chooseStrategies(atScale({ subject: 300_000, name: 40_000, address: 60_000, body: 2_000_000 }), 101),
    ).toEqual({ subject: "walk", name: "walk", address: "walk", body: "walk" });
  });

  it("walks a place sooner when testing a case there is cheap", () => {
    // 8,000 matches: a subject costs one read to test per case, a case's interactions about eleven.
    const chosen = chooseStrategies(atScale({ subject: 8_000, name: 1, address: 1, body: 8_000 }), 101);
    expect(chosen.subject).toBe("walk");
    expect(chosen.body).toBe("index");
  });

  it("reads a small database from the index until a word is common there too", () => {
    const small = { cases: 300, contacts: 40, interactions: 600 };
    expect(
      chooseStrategies({ ...small, matches: { subject: 2, name: 1, address: 1, body: 3 } }, 101).body,
    ).toBe("index");
    expect(
      chooseStrategies({ ...small, matches: { subject: 300, name: 40, address: 40, body: 600 } }, 101)
        .subject,
    ).toBe("walk");
  });
});

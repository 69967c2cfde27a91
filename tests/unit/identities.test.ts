import { describe, expect, it } from "vitest";
import { normaliseIdentity } from "../../cases/identities.ts";

describe("identity normalisation", () => {
  it("writes phone numbers in E.164", () => {
    expect(normaliseIdentity("phone", "(415) 555-2671", "US")).toBe("+14155552671");
    expect(normaliseIdentity("phone", "+44 20 7946 0958")).toBe("+442079460958");
    expect(normaliseIdentity("phone", "020 7946 0958", "GB")).toBe("+442079460958");
  });

  it("refuses what is not a phone number, naming it", () => {
    expect(() => normaliseIdentity("phone", "12", "US")).toThrow(/'12' is not a valid phone number/);
  });

  it("lower-cases email addresses and refuses malformed ones", () => {
    expect(normaliseIdentity("email", "  Vera.Visitor@Example.COM ")).toBe("vera.visitor@example.com");
    expect(() => normaliseIdentity("email", "not-an-email")).toThrow(/not a valid email/);
  });

  it("accepts only well-formed chat visitor ids", () => {
    expect(normaliseIdentity("chat", "abcdEFGH_1234-xyz")).toBe("abcdEFGH_1234-xyz");
    expect(() => normaliseIdentity("chat", "a b")).toThrow(/visitor id/);
  });
});

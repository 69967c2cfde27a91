import { describe, expect, it } from "vitest";
import { newVisitorId, signVisitorToken, verifyVisitorToken } from "../../channels/chat/visitor-token.ts";

const secret = "a-secret-of-at-least-thirty-two-characters";

describe("visitor token", () => {
  it("round-trips the visitor id", () => {
    const id = newVisitorId();
    expect(verifyVisitorToken(secret, signVisitorToken(secret, id))).toBe(id);
  });

  it("rejects tampering, another secret and garbage", () => {
    const token = signVisitorToken(secret, "visitor-one-id");
    expect(verifyVisitorToken(secret, token.replace("visitor-one-id", "visitor-two-id"))).toBeNull();
    expect(verifyVisitorToken("another-secret-of-at-least-thirty-two-chars", token)).toBeNull();
    expect(verifyVisitorToken(secret, "garbage")).toBeNull();
    expect(verifyVisitorToken(secret, "")).toBeNull();
  });
});

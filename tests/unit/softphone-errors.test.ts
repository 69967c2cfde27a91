/** What the agent is told when the softphone fails: microphone, network to Twilio, token, or the call's audio. */
import { describe, expect, it } from "vitest";
import {
  describeSoftphoneError,
  isLineError,
  UNREACHABLE_MESSAGE,
} from "../../agent-console/src/softphone/errors.ts";

describe("softphone errors", () => {
  it("asks to allow the microphone when the browser denies it", () => {
    for (const error of [{ code: 31401 }, { code: 31208 }, { name: "NotAllowedError", message: "denied" }]) {
      const notice = describeSoftphoneError(error);
      expect(notice.kind).toBe("microphone");
      expect(notice.message).toMatch(/^Microphone blocked: allow this site to use the microphone/);
    }
    expect(describeSoftphoneError({ code: 31402 }).message).toMatch(/^No microphone found/);
  });

  it("says Twilio cannot be reached for signalling failures, and that is a line error", () => {
    for (const code of [31000, 31005, 31009, 53000]) {
      const notice = describeSoftphoneError({ code, message: "WebSocket closed" });
      expect(notice).toEqual({ kind: "unreachable", message: UNREACHABLE_MESSAGE });
      expect(isLineError(notice)).toBe(true);
    }
    expect(UNREACHABLE_MESSAGE).toBe("Softphone offline: cannot reach Twilio");
  });

  it("points an administrator at the API key when Twilio refuses the token", () => {
    const notice = describeSoftphoneError({ code: 20101, message: "Invalid Access Token" });
    expect(notice.kind).toBe("token");
    expect(notice.message).toMatch(/administrator/);
    expect(isLineError(notice)).toBe(true);
  });

  it("keeps the code and message of anything else", () => {
    expect(describeSoftphoneError({ code: 31486, message: "Busy Here" })).toEqual({
      kind: "other",
      message: "Softphone error: Busy Here (31486)",
    });
    expect(describeSoftphoneError("boom").message).toBe("Softphone error: boom");
    expect(describeSoftphoneError(null).message).toBe("Softphone error: unknown error");
    expect(isLineError(describeSoftphoneError({ code: 53405 }))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "../../cases/errors.ts";
import { failureReason, mapMessageStatus } from "../../channels/sms/sms-status.ts";
import { toAppError, twilioErrorCode } from "../../channels/twilio/twilio-errors.ts";

/** Shaped like twilio's RestException. */
const rest = (status: number, code?: number, message?: string) =>
  Object.assign(new Error(message ?? `[HTTP ${status}] Failed to execute request`), {
    status,
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
  });

describe("Twilio REST errors", () => {
  it("maps a refused request to INVALID with Twilio's words and code", () => {
    const error = toAppError(
      rest(400, 21211, "The 'To' number +1555 is not a valid phone number."),
      "send the SMS",
    );
    expect(error).toMatchObject({
      code: "INVALID",
      message: "The 'To' number +1555 is not a valid phone number. (Twilio error 21211)",
    });
    expect(twilioErrorCode(error)).toBe(21211);
    expect(toAppError(rest(400, 21610, "Attempt to send to unsubscribed recipient"), "send").code).toBe(
      "INVALID",
    );
    expect(toAppError(rest(400, 21614, "'To' number is not a valid mobile number"), "send").code).toBe(
      "INVALID",
    );
  });

  it("maps refused credentials to AUTH, naming what to check", () => {
    const error = toAppError(rest(401, 20003, "Authenticate"), "send the SMS");
    expect(error.code).toBe("AUTH");
    expect(error.message).toMatch(/Twilio error 20003.*TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/);
    expect(toAppError(rest(403), "send").code).toBe("AUTH");
  });

  it("maps throttling, Twilio outages and network failures to TEMPORARY", () => {
    expect(toAppError(rest(429, 20429, "Too Many Requests"), "send").code).toBe("TEMPORARY");
    expect(toAppError(rest(500), "send").code).toBe("TEMPORARY");
    expect(toAppError(rest(503, 20500, "Service unavailable"), "send").code).toBe("TEMPORARY");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(toAppError(refused, "send the SMS")).toMatchObject({
      code: "TEMPORARY",
      message: "Could not reach Twilio to send the SMS: connect ECONNREFUSED 127.0.0.1:9",
    });
  });

  it("passes our own errors through", () => {
    const ours = new AppError("INVALID", "no number");
    expect(toAppError(ours, "send")).toBe(ours);
  });
});

describe("message status callbacks", () => {
  it("maps Twilio's statuses onto ours", () => {
    expect(mapMessageStatus("queued")).toEqual({ status: "queued", reason: null });
    expect(mapMessageStatus("sending")).toEqual({ status: "sending", reason: null });
    expect(mapMessageStatus("sent")).toEqual({ status: "sent", reason: null });
    expect(mapMessageStatus("delivered")).toEqual({ status: "delivered", reason: null });
    expect(mapMessageStatus("accepted")).toBeNull();
    expect(mapMessageStatus("received")).toBeNull();
  });

  it("turns undelivered and failed into failed with the error code explained", () => {
    expect(mapMessageStatus("undelivered", "30003")).toEqual({
      status: "failed",
      reason:
        "Twilio reported the message undelivered: the handset is unreachable (switched off or out of coverage) (Twilio error 30003).",
    });
    expect(mapMessageStatus("failed", "30008")?.reason).toMatch(/unknown error \(Twilio error 30008\)/);
    expect(failureReason("failed", "39999", "Something odd")).toBe(
      "Twilio reported the message failed: Something odd (Twilio error 39999).",
    );
    expect(failureReason("undelivered")).toBe("Twilio reported the message undelivered: no reason given.");
  });
});

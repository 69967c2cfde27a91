import { describe, expect, it } from "vitest";
import { isQuiet, nextAllowed } from "../../channels/status-updates/quiet-hours.ts";
import { signStatusToken, verifyStatusToken } from "../../channels/status-updates/status-token.ts";
import { updateEventFor } from "../../channels/status-updates/status-updates.ts";
import { renderTemplate, unknownPlaceholders } from "../../channels/status-updates/templates.ts";

const QUIET = { start: 21 * 60, end: 8 * 60 };
const transition = (from: string, to: string, channel = "sms") =>
  ({ before: { state: from }, after: { state: to, channel } }) as never;

describe("which transitions tell the customer", () => {
  it("maps created, waiting on customer, resolved and reopened, and nothing else", () => {
    expect(updateEventFor(transition("new", "queued"))).toBe("created");
    expect(updateEventFor(transition("new", "assigned"))).toBe("created");
    expect(updateEventFor(transition("assigned", "waiting_on_customer"))).toBe("waiting_on_customer");
    expect(updateEventFor(transition("waiting_on_customer", "resolved"))).toBe("resolved");
    expect(updateEventFor(transition("resolved", "assigned"))).toBe("reopened");
    expect(updateEventFor(transition("resolved", "queued"))).toBe("reopened");
    // A caller is on the line when their case opens.
    expect(updateEventFor(transition("new", "queued", "voice"))).toBeNull();
    expect(updateEventFor(transition("waiting_on_customer", "resolved", "voice"))).toBe("resolved");
    for (const [from, to] of [
      ["queued", "offered"],
      ["offered", "assigned"],
      ["resolved", "closed"],
      ["new", "closed"],
      ["assigned", "assigned"],
    ]) {
      expect(updateEventFor(transition(from!, to!))).toBeNull();
    }
  });
});

describe("templates", () => {
  const values = {
    case: { number: 1042, subject: "Refund", state: "waiting_on_customer" },
    contact: { name: null },
    statusUrl: "https://x/status/t",
  };
  it("fills the placeholders and leaves unknown ones visible", () => {
    expect(
      renderTemplate(
        "Hi {{contact.name}}, #{{ case.number }} ({{case.subject}}) is {{case.state}}: {{statusUrl}} {{nope}}",
        values,
      ),
    ).toBe("Hi there, #1042 (Refund) is waiting on customer: https://x/status/t {{nope}}");
    expect(unknownPlaceholders("{{case.number}} {{nope}} {{contact.email}}")).toEqual([
      "nope",
      "contact.email",
    ]);
  });
});

describe("quiet hours", () => {
  it("is quiet from 21:00 to 08:00 local time, wrapping midnight", () => {
    expect(isQuiet(new Date("2026-06-01T20:59:00Z"), "UTC", QUIET)).toBe(false);
    expect(isQuiet(new Date("2026-06-01T21:00:00Z"), "UTC", QUIET)).toBe(true);
    expect(isQuiet(new Date("2026-06-02T07:59:00Z"), "UTC", QUIET)).toBe(true);
    expect(isQuiet(new Date("2026-06-02T08:00:00Z"), "UTC", QUIET)).toBe(false);
    // 22:30 in New York (EDT) is 02:30 UTC.
    expect(isQuiet(new Date("2026-06-02T02:30:00Z"), "America/New_York", QUIET)).toBe(true);
    expect(isQuiet(new Date("2026-06-02T02:30:00Z"), "Asia/Tokyo", QUIET)).toBe(false); // 11:30 JST
  });

  it("holds until 08:00 local, across a DST change", () => {
    // Saturday 7 March 2026 23:00 EST; clocks spring forward on Sunday 8 March at 02:00.
    const held = nextAllowed(new Date("2026-03-08T04:00:00Z"), ["America/New_York"], QUIET);
    expect(held.toISOString()).toBe("2026-03-08T12:00:00.000Z"); // 08:00 EDT
    // Saturday 31 October 2026 22:00 in London; clocks fall back on Sunday at 02:00.
    const autumn = nextAllowed(new Date("2026-10-31T21:00:00Z"), ["Europe/London"], QUIET);
    expect(autumn.toISOString()).toBe("2026-11-01T08:00:00.000Z"); // 08:00 GMT
  });

  it("with several candidate zones, waits until it is allowed in all of them", () => {
    // 13:00 UTC is 09:00 in New York and 06:00 in Los Angeles: wait for 08:00 in Los Angeles.
    const at = nextAllowed(
      new Date("2026-06-01T13:00:00Z"),
      ["America/New_York", "America/Los_Angeles"],
      QUIET,
    );
    expect(at.toISOString()).toBe("2026-06-01T15:00:00.000Z");
  });

  it("sends at once outside quiet hours, and never holds when start equals end", () => {
    const noon = new Date("2026-06-01T12:00:00Z");
    expect(nextAllowed(noon, ["UTC"], QUIET)).toBe(noon);
    expect(nextAllowed(new Date("2026-06-01T23:00:00Z"), ["UTC"], { start: 0, end: 0 }).toISOString()).toBe(
      "2026-06-01T23:00:00.000Z",
    );
  });
});

describe("status link", () => {
  const secret = "a-secret-of-at-least-thirty-two-characters";
  const caseId = "6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f";
  it("round-trips and refuses anything altered", () => {
    const token = signStatusToken(secret, caseId);
    expect(verifyStatusToken(secret, token)).toBe(caseId);
    expect(
      verifyStatusToken(secret, token.replace(caseId, "6f1d2c3b-1a2b-4c5d-8e9f-0a1b2c3d4e50")),
    ).toBeNull();
    expect(verifyStatusToken("another-secret-of-at-least-thirty-two-chars", token)).toBeNull();
    expect(verifyStatusToken(secret, "s1.nonsense.x")).toBeNull();
  });
});

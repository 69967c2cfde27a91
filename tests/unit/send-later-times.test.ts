/** Send-later times: wall clocks in the customer's zone, and the words that show both zones. */
import { describe, expect, it } from "vitest";
import {
  atCustomerHour,
  daysToMonday,
  describeSendAt,
  instantInZone,
} from "../../agent-console/src/lib/send-later-times.ts";
import { setViewerZone } from "../../agent-console/src/lib/viewer-zone.ts";
import { windowAt } from "../../cases/whatsapp-window.ts";

describe("send-later times", () => {
  it("turns a wall clock in a zone into the instant, across daylight saving", () => {
    expect(instantInZone(2026, 12, 8, 9, 0, "America/New_York").toISOString()).toBe(
      "2026-12-08T14:00:00.000Z",
    );
    expect(instantInZone(2026, 7, 8, 9, 0, "America/New_York").toISOString()).toBe(
      "2026-07-08T13:00:00.000Z",
    );
    // 02:30 does not exist on 8 March 2026 in New York: it resolves forward to 03:30 EDT.
    expect(instantInZone(2026, 3, 8, 2, 30, "America/New_York").toISOString()).toBe(
      "2026-03-08T07:30:00.000Z",
    );
  });

  it("offers tomorrow 9:00 and next Monday in the customer's zone", () => {
    const now = new Date("2026-12-07T19:00:00Z"); // Monday 14:00 in New York
    expect(atCustomerHour(now, "America/New_York", 1, 9).toISOString()).toBe("2026-12-08T14:00:00.000Z");
    expect(daysToMonday(now, "America/New_York")).toBe(7);
    expect(daysToMonday(now, "Asia/Tokyo")).toBe(6); // already Tuesday 04:00 there
  });

  it("says the time in the customer's zone and the agent's", () => {
    setViewerZone("Asia/Tokyo");
    const now = new Date("2026-12-07T19:00:00Z");
    expect(describeSendAt(new Date("2026-12-08T14:00:00Z"), "America/New_York", now)).toBe(
      "Tomorrow 9:00 customer time (Today 23:00 yours)",
    );
    setViewerZone("America/New_York");
    expect(describeSendAt(new Date("2026-12-08T14:00:00Z"), "America/New_York", now)).toBe(
      "Tomorrow 9:00 customer time (yours too)",
    );
    setViewerZone(null);
  });

  it("keeps the WhatsApp window open for 24 hours after the customer's last message", () => {
    const last = new Date("2026-12-07T10:00:00Z");
    expect(windowAt(last, new Date("2026-12-08T09:59:59Z"))).toEqual({
      open: true,
      closesAt: new Date("2026-12-08T10:00:00Z"),
    });
    expect(windowAt(last, new Date("2026-12-08T10:00:00Z")).open).toBe(false);
    expect(windowAt(null, last)).toEqual({ open: false, closesAt: null });
  });
});

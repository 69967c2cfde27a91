/**
 * The console's one time zone: formatters follow the agent's zone when set and the process's
 * (the browser's) otherwise, and "today" starts at midnight in that zone. Run under any TZ.
 */
import { afterEach, describe, expect, it } from "vitest";
import { formatDateTimeWithZone, formatTime, withLocalTimes } from "../../agent-console/src/lib/format.ts";
import {
  effectiveTimeZone,
  setViewerZone,
  startOfTodayInViewerZone,
  viewerTimeZone,
} from "../../agent-console/src/lib/viewer-zone.ts";
import { mailbox } from "../../cases/contact-duplicates.ts";

const at = (iso: string, zone: string | undefined, options: Intl.DateTimeFormatOptions) =>
  new Date(iso).toLocaleString(undefined, { ...options, timeZone: zone });

describe("viewer zone", () => {
  afterEach(() => setViewerZone(null));

  it("formats in the agent's zone when set, the browser's otherwise", () => {
    const iso = "2026-03-10T23:30:00.000Z";
    setViewerZone("Asia/Tokyo");
    expect(viewerTimeZone()).toBe("Asia/Tokyo");
    // 08:30 on the 11th in Tokyo: another day than now, so the date shows.
    expect(formatTime(iso)).toBe(
      at(iso, "Asia/Tokyo", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
    );
    expect(formatDateTimeWithZone(iso)).toContain("GMT+9");
    expect(withLocalTimes(`callback at ${iso}.`)).toContain("GMT+9");

    setViewerZone(null);
    expect(viewerTimeZone()).toBeUndefined();
    expect(effectiveTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(formatTime(iso)).toBe(
      at(iso, undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
    );
  });

  it("falls back to the browser's zone for a zone this browser does not know", () => {
    setViewerZone("Mars/Olympus_Mons");
    expect(viewerTimeZone()).toBeUndefined();
  });

  it("starts today at midnight in the viewer's zone, across offsets and a DST change", () => {
    setViewerZone("Asia/Tokyo");
    expect(startOfTodayInViewerZone(new Date("2026-03-10T23:30:00Z")).toISOString()).toBe(
      "2026-03-10T15:00:00.000Z",
    );
    setViewerZone("America/New_York");
    // 8 March 2026 is the spring-forward day: midnight was still on standard time (UTC−5).
    expect(startOfTodayInViewerZone(new Date("2026-03-08T18:00:00Z")).toISOString()).toBe(
      "2026-03-08T05:00:00.000Z",
    );
    expect(startOfTodayInViewerZone(new Date("2026-07-01T03:59:00Z")).toISOString()).toBe(
      "2026-06-30T04:00:00.000Z",
    );
  });
});

describe("mailbox of an email address", () => {
  it("drops a +tag and keeps untagged addresses as they are", () => {
    expect(mailbox("ann+shop@x.org")).toEqual({ local: "ann", domain: "x.org" });
    expect(mailbox("ann@x.org")).toEqual({ local: "ann", domain: "x.org" });
    expect(mailbox("+tag@x.org")).toBeNull();
    expect(mailbox("no-at-sign")).toBeNull();
  });
});

/** The inbox's columns by priority: what each table width shows, and that it always fits. */
import { describe, expect, it } from "vitest";
import {
  INBOX_COLUMNS,
  inboxLayout,
  minimumWidth,
} from "../../agent-console/src/pages/inbox/inbox-layout.ts";

describe("inbox columns by width", () => {
  it("shows every column on a wide table and folds nothing", () => {
    const layout = inboxLayout(1400);
    expect(layout.kind).toBe("table");
    expect(layout.columns).toEqual([...INBOX_COLUMNS]);
    expect(layout.folded.size).toBe(0);
  });

  it("drops CSAT and channel first, then number and activity, then the customer", () => {
    // A 1280 px laptop with the sidebar open leaves about 950 px of rows.
    expect(inboxLayout(950).columns).not.toContain("csat");
    expect(inboxLayout(950).columns).not.toContain("channel");
    expect(inboxLayout(950).columns).toContain("updatedAt");
    expect(inboxLayout(950).folded).toEqual(new Set(["csat", "channel"]));
    // An 820 px tablet with the sidebar shut.
    expect(inboxLayout(770).columns).toEqual([
      "select",
      "sla",
      "customer",
      "subject",
      "assignee",
      "state",
      "priority",
    ]);
    // 768 px, or 1024 px with the sidebar open.
    expect(inboxLayout(700).columns).toEqual(["select", "sla", "subject", "assignee", "state", "priority"]);
  });

  it("becomes cards below the narrowest table, with everything but the tick box in the card", () => {
    const layout = inboxLayout(360);
    expect(layout.kind).toBe("cards");
    expect(layout.columns).toEqual(["select", "subject"]);
    expect(layout.rowHeight).toBeGreaterThan(inboxLayout(700).rowHeight);
  });

  it("never picks columns wider than the table, at any width", () => {
    for (let width = 1; width <= 1600; width += 1) {
      const layout = inboxLayout(width);
      if (layout.kind === "table") expect(minimumWidth(layout.columns)).toBeLessThanOrEqual(width);
      else expect(width).toBeLessThan(minimumWidth(inboxLayout(10_000).columns));
    }
  });
});

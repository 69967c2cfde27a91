/** The console's paths: each screen parses from its path and builds the same path back. */
import { describe, expect, it } from "vitest";
import { parseRoute, pathOf, type Route } from "../../agent-console/src/lib/router.ts";

describe("console router", () => {
  const routes: [string, Route][] = [
    ["/", { name: "inbox" }],
    [
      "/cases/0b6f2c1e-6a5e-4f1e-9a51-2f0d1c3b4a5e",
      { name: "case", caseId: "0b6f2c1e-6a5e-4f1e-9a51-2f0d1c3b4a5e" },
    ],
    ["/contacts", { name: "contacts" }],
    ["/contacts/abc", { name: "contacts", contactId: "abc" }],
    ["/macros", { name: "macros" }],
    ["/supervisor", { name: "supervisor", section: "" }],
    ["/supervisor/agents", { name: "supervisor", section: "agents" }],
    ["/admin/queues", { name: "admin", section: "queues" }],
  ];

  it.each(routes)("parses %s and builds it back", (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    expect(pathOf(route)).toBe(path);
  });

  it("sends unknown paths to the inbox and tolerates a trailing slash", () => {
    expect(parseRoute("/nothing/here")).toEqual({ name: "inbox" });
    expect(parseRoute("/contacts/")).toEqual({ name: "contacts" });
    expect(parseRoute("/cases/a%20b/")).toEqual({ name: "case", caseId: "a b" });
  });
});

/**
 * Call list import: the messy-numbers fixture imports with the right result on every line, numbers
 * already known as contacts are merged with them, and re-importing reports every row as a duplicate.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactIdentities } from "../../db/schema/contacts.ts";
import type { Api } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

const FIXTURE = readFileSync(new URL("../fixtures/outbound/messy-numbers.csv", import.meta.url), "utf8");

/** The expected result of each line of the fixture (line 1 is the header). */
const IMPORTED: Record<
  number,
  { phone: string; name: string; extension: string | null; zones: string[]; source: string }
> = {
  2: {
    phone: "+14155552671",
    name: "Ada Lovelace",
    extension: null,
    zones: ["America/Los_Angeles"],
    source: "number",
  },
  3: {
    phone: "+14155552672",
    name: "Alan Turing",
    extension: null,
    zones: ["America/Chicago"],
    source: "column",
  },
  4: {
    phone: "+13125550199",
    name: "Grace Hopper",
    extension: null,
    zones: ["America/Chicago"],
    source: "number",
  },
  5: {
    phone: "+18003569377",
    name: "Flower Shop",
    extension: null,
    zones: ["America/New_York"],
    source: "column",
  },
  6: {
    phone: "+12125550147",
    name: "Extension Person",
    extension: "42",
    zones: ["America/New_York"],
    source: "number",
  },
  7: {
    phone: "+442079460958",
    name: "Brit Person",
    extension: null,
    zones: ["Europe/London"],
    source: "column",
  },
  13: {
    phone: "+4930901820",
    name: "Berlin Person",
    extension: null,
    zones: ["Europe/Berlin"],
    source: "number",
  },
  16: {
    phone: "+33142685300",
    name: "Paris Person",
    extension: null,
    zones: ["Europe/Paris"],
    source: "number",
  },
  17: {
    phone: "+13125550100",
    name: "Hopper, Grace Jr",
    extension: "7",
    zones: ["America/Chicago"],
    source: "number",
  },
};
const ISSUES = [
  { line: 8, kind: "invalid", reason: "'020 7946 0959' is not a valid number in US (default country US)" },
  { line: 9, kind: "invalid", reason: "'555-1234' is not a valid number in US (default country US)" },
  { line: 10, kind: "duplicate", reason: "duplicate of line 2 (+14155552671)" },
  { line: 11, kind: "invalid", reason: "no phone number" },
  { line: 12, kind: "invalid", reason: "'not a number' is not a phone number" },
  { line: 14, kind: "duplicate", reason: "duplicate of line 3 (+14155552672)" },
  { line: 15, kind: "invalid", reason: "'Mars/Olympus' is not an IANA time zone (e.g. America/Chicago)" },
];

async function waitForImport(api: Api, importId: string) {
  for (let tries = 0; tries < 600; tries++) {
    const progress = await api.get(`/api/outbound/imports/${importId}?limit=1000`);
    if (progress.body.status === "done" || progress.body.status === "failed") return progress.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the import did not finish");
}

describe("call list import", () => {
  let app: TestApp;
  let existingContactId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { STATUS_UPDATES: "false" } });
    // Grace Hopper wrote to us before: her number is already a contact.
    const known = await newCase(app.services, { from: { kind: "phone", address: "+13125550199" } });
    existingContactId = known.contactId;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("previews the file with a suggested mapping", async () => {
    const preview = await app.admin.post("/api/outbound/lists/preview", { csv: FIXTURE });
    expect(preview.status).toBe(200);
    expect(preview.body.headers).toEqual(["Phone Number", "First Name", "Last Name", "Time Zone", "Notes"]);
    expect(preview.body.rows).toHaveLength(10);
    expect(preview.body.rows[0]).toEqual(["(415) 555-2671", "Ada", "Lovelace", "", "first customer"]);
    expect(preview.body.suggestedMapping).toEqual({
      phone: "Phone Number",
      firstName: "First Name",
      lastName: "Last Name",
      timeZone: "Time Zone",
    });
  });

  it("imports every line with the right result and reports every row it did not import", async () => {
    const list = await app.admin.post("/api/outbound/lists", { name: "Messy numbers" });
    expect(list.status).toBe(201);
    const mapping = (await app.admin.post("/api/outbound/lists/preview", { csv: FIXTURE })).body
      .suggestedMapping;
    const started = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: FIXTURE,
      mapping,
      defaultCountry: "US",
    });
    expect(started.status).toBe(202);
    const done = await waitForImport(app.admin, started.body.id);
    expect(done).toMatchObject({
      status: "done",
      totalRows: 16,
      rowsDone: 16,
      imported: 9,
      invalid: 5,
      duplicates: 2,
      contactsMatched: 1,
    });
    expect(
      done.issues.map(({ line, kind, reason }: { line: number; kind: string; reason: string }) => ({
        line,
        kind,
        reason,
      })),
    ).toEqual(ISSUES);
    // Every line of the file is accounted for exactly once.
    const records = (await app.admin.get(`/api/outbound/lists/${list.body.id}/records?limit=100`)).body.items;
    const lines = [
      ...records.map((record: { line: number }) => record.line),
      ...ISSUES.map((issue) => issue.line),
    ];
    expect(lines.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, index) => index + 2));
    for (const record of records) {
      const expected = IMPORTED[record.line as number]!;
      expect(record).toMatchObject({
        phone: expected.phone,
        name: expected.name,
        extension: expected.extension,
        timeZones: expected.zones,
        timeZoneSource: expected.source,
        status: "pending",
        attempts: 0,
      });
    }
    const grace = records.find((record: { line: number }) => record.line === 4);
    expect(grace.contactId).toBe(existingContactId);
    expect(grace.attributes).toEqual({ Notes: "already a customer" });
    // New numbers became contacts with a phone identity.
    const [identity] = await app.services.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.address, "+33142685300"));
    expect(identity?.contactId).toBe(
      records.find((record: { line: number }) => record.line === 16).contactId,
    );

    // The same file again: nothing new, every valid row a duplicate of what the list holds.
    const again = await app.admin.post(`/api/outbound/lists/${list.body.id}/imports`, {
      csv: FIXTURE,
      mapping,
    });
    const second = await waitForImport(app.admin, again.body.id);
    expect(second).toMatchObject({ status: "done", imported: 0, invalid: 5, duplicates: 11 });
    expect(second.issues.find((issue: { line: number }) => issue.line === 2).reason).toBe(
      "duplicate of line 2 (+14155552671)",
    );
  });
});

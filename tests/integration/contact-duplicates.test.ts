/**
 * Duplicate contacts end to end: suggestions with their reasons (shared addresses, claims included,
 * a mailbox under a +tag, similar names), merging one with the supervisor's confirmation, and
 * undoing the merge — everything it moved goes back, and an undo that cannot be right is refused.
 */
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { contactIdentities, contactMerges, contacts } from "../../db/schema/contacts.ts";
import type { Body } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";

type Agent = Awaited<ReturnType<TestApp["createAgent"]>>;

describe("contact duplicates, merge and undo", () => {
  let app: TestApp;
  let agent: Agent;
  let supervisor: Agent;
  let phone = 7000;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent();
    supervisor = await app.createAgent({ role: "supervisor" });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A contact who wrote in by SMS from a new number: the contact, its phone and its case. */
  const person = async (name: string | undefined) => {
    phone += 1;
    const address = `+1628555${phone}`;
    const row = await newCase(app.services, { from: { kind: "phone", address, ...(name ? { name } : {}) } });
    return { id: row.contactId, caseId: row.id, phone: address };
  };
  const addIdentity = async (
    contactId: string,
    kind: "email" | "phone" | "chat",
    address: string,
    verified: boolean,
  ) => {
    await app.services.db
      .insert(contactIdentities)
      .values({ contactId, kind, address, verifiedAt: verified ? new Date() : null });
  };
  const duplicatesOf = async (contactId: string) => {
    const answer = await agent.api.get(`/api/contacts/${contactId}/duplicates`);
    expect(answer.status).toBe(200);
    return answer.body.items as Body[];
  };
  const identitiesOf = async (contactId: string) =>
    app.services.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, contactId))
      .orderBy(contactIdentities.address);
  const contactRow = async (id: string) =>
    (await app.services.db.select().from(contacts).where(eq(contacts.id, id)))[0]!;

  it("suggests contacts sharing an address, a mailbox or a similar name, best first", async () => {
    const ada = await person("Augusta Lovelace");
    await addIdentity(ada.id, "email", "augusta@example.org", true);
    // A pre-chat form claimed Ada's address for someone else: still a strong hint.
    const claimer = await person(undefined);
    await addIdentity(claimer.id, "email", "augusta@example.org", false);
    const namesake = await person("Augusta Lovelace");
    const tagged = await person("A. L.");
    await addIdentity(tagged.id, "email", "augusta+shop@example.org", true);
    const sharedVisitor = await person("Visitor");
    await addIdentity(ada.id, "chat", "visitor-ada-1", true);
    await addIdentity(sharedVisitor.id, "chat", "visitor-ada-1", false);
    const stranger = await person("Zebulon Quartz");
    const gone = await person("Augusta Lovelace");
    await app.services.db.update(contacts).set({ mergedIntoId: namesake.id }).where(eq(contacts.id, gone.id));

    const items = await duplicatesOf(ada.id);
    const ids = items.map((item) => item.contact.id);
    expect(ids).toEqual(expect.arrayContaining([claimer.id, namesake.id, tagged.id, sharedVisitor.id]));
    expect(ids).not.toContain(stranger.id);
    expect(ids).not.toContain(gone.id);
    expect(ids).not.toContain(ada.id);
    const byId = new Map(items.map((item) => [item.contact.id, item]));
    expect(byId.get(claimer.id).reasons).toEqual([
      { type: "same_email", value: "augusta@example.org", verified: false },
    ]);
    expect(byId.get(tagged.id).reasons).toEqual([
      { type: "similar_email", value: "augusta+shop@example.org", verified: true },
    ]);
    expect(byId.get(sharedVisitor.id).reasons).toEqual([
      { type: "shared_identity", value: "visitor-ada-1", verified: false },
    ]);
    expect(byId.get(namesake.id).reasons).toEqual([
      { type: "similar_name", value: "Augusta Lovelace", similarity: 1 },
    ]);
    const scores = items.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(byId.get(sharedVisitor.id).score).toBeGreaterThan(byId.get(namesake.id).score);

    // A similar spelling counts; a merely related one does not.
    const typo = await person("Augusta Lovelase");
    const cousin = await person("Augustin Moreau");
    const again = (await duplicatesOf(ada.id)).map((item) => item.contact.id);
    expect(again).toContain(typo.id);
    expect(again).not.toContain(cousin.id);

    // The team-wide list pairs the shared address for supervisors only.
    expect((await agent.api.get("/api/contacts/duplicates")).status).toBe(403);
    const pairs = await supervisor.api.get("/api/contacts/duplicates?limit=50");
    expect(pairs.status).toBe(200);
    expect(
      pairs.body.items.some(
        (pair: Body) =>
          [pair.first.id, pair.second.id].sort().join() === [ada.id, claimer.id].sort().join() &&
          pair.reasons.some((reason: Body) => reason.type === "same_email"),
      ),
    ).toBe(true);
    expect((await supervisor.api.get("/api/contacts/duplicates?limit=0")).status).toBe(400);
  });

  it("answers 404 for an unknown contact, 409 for a merged one and 400 for a bad id", async () => {
    expect(
      (await agent.api.get("/api/contacts/00000000-0000-4000-8000-000000000000/duplicates")).status,
    ).toBe(404);
    expect((await agent.api.get("/api/contacts/nope/duplicates")).status).toBe(400);
    const survivor = await person("Mira Merged");
    const merged = await person("Mira Merged");
    await supervisor.api.post(`/api/contacts/${survivor.id}/merge`, { mergedId: merged.id });
    const refused = await agent.api.get(`/api/contacts/${merged.id}/duplicates`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(survivor.id);
  });

  it("records a merge and undoes it: identities, cases, name and attributes go back", async () => {
    const survivor = await person(undefined);
    await app.services.db
      .update(contacts)
      .set({ attributes: { plan: "gold" } })
      .where(eq(contacts.id, survivor.id));
    await addIdentity(survivor.id, "email", "olga@example.net", false);
    const duplicate = await person("Olga Undo");
    await app.services.db
      .update(contacts)
      .set({ attributes: { plan: "silver", city: "Oslo" } })
      .where(eq(contacts.id, duplicate.id));
    // The duplicate proved the address the survivor only claimed.
    await addIdentity(duplicate.id, "email", "olga@example.net", true);
    const secondCase = await newCase(app.services, {
      channel: "email",
      from: { kind: "email", address: "olga@example.net" },
      externalId: "<olga-undo-1@example.net>",
    });
    const duplicateIdentities = await identitiesOf(duplicate.id);

    expect(
      (await agent.api.post(`/api/contacts/${survivor.id}/merge`, { mergedId: duplicate.id })).status,
    ).toBe(403);
    const merge = await supervisor.api.post(`/api/contacts/${survivor.id}/merge`, { mergedId: duplicate.id });
    expect(merge.status).toBe(200);
    const mergeId = merge.body.mergeId as string;
    expect(mergeId).toMatch(/^[0-9a-f-]{36}$/);
    const [record] = await app.services.db.select().from(contactMerges).where(eq(contactMerges.id, mergeId));
    expect(record).toMatchObject({
      survivorId: survivor.id,
      mergedId: duplicate.id,
      mergedById: supervisor.id,
    });
    expect(record!.moved.caseIds.sort()).toEqual([duplicate.caseId, secondCase.id].sort());
    expect(record!.moved.identityIds).toEqual([duplicateIdentities.find((i) => i.kind === "phone")!.id]);
    expect((await contactRow(survivor.id)).name).toBe("Olga Undo");
    expect((await identitiesOf(survivor.id)).find((i) => i.kind === "email")!.verifiedAt).not.toBeNull();
    expect((await duplicatesOf(survivor.id)).map((item) => item.contact.id)).not.toContain(duplicate.id);

    const listed = await agent.api.get(`/api/contacts/${survivor.id}/merges`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: mergeId,
        survivor: { id: survivor.id, name: "Olga Undo" },
        merged: { id: duplicate.id, name: "Olga Undo" },
        mergedBy: expect.objectContaining({ id: supervisor.id }),
        undoneAt: null,
        identities: 2,
        cases: 2,
      }),
    ]);

    expect((await agent.api.post(`/api/contacts/merges/${mergeId}/undo`)).status).toBe(403);
    const undo = await supervisor.api.post(`/api/contacts/merges/${mergeId}/undo`);
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ mergeId, casesMovedBack: 2, identitiesMovedBack: 2 });

    const back = await contactRow(duplicate.id);
    expect(back.mergedIntoId).toBeNull();
    const restored = await contactRow(survivor.id);
    expect(restored.name).toBeNull();
    expect(restored.attributes).toEqual({ plan: "gold" });
    const moved = await app.services.db
      .select({ contactId: cases.contactId })
      .from(cases)
      .where(inArray(cases.id, [duplicate.caseId, secondCase.id]));
    expect(moved.map((row) => row.contactId)).toEqual([duplicate.id, duplicate.id]);
    // Each address is where it was, verified as it was.
    const strip = (rows: Awaited<ReturnType<typeof identitiesOf>>) =>
      rows.map(({ id, kind, address, verifiedAt }) => ({ id, kind, address, verified: verifiedAt !== null }));
    expect(strip(await identitiesOf(duplicate.id))).toEqual(strip(duplicateIdentities));
    expect(strip(await identitiesOf(survivor.id))).toEqual([
      expect.objectContaining({ kind: "phone", address: survivor.phone, verified: true }),
      expect.objectContaining({ kind: "email", address: "olga@example.net", verified: false }),
    ]);
    const audit = await app.services.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, secondCase.id), eq(caseEvents.type, "contact_merge_undone")));
    expect(audit).toEqual([
      expect.objectContaining({ actorId: supervisor.id, details: expect.objectContaining({ mergeId }) }),
    ]);
    const [undone] = await app.services.db.select().from(contactMerges).where(eq(contactMerges.id, mergeId));
    expect(undone!.undoneAt).not.toBeNull();

    const twice = await supervisor.api.post(`/api/contacts/merges/${mergeId}/undo`);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/already undone/);
    // After the undo the two are suggested as duplicates again.
    expect((await duplicatesOf(survivor.id)).map((item) => item.contact.id)).toContain(duplicate.id);
  });

  it("refuses to undo a merge whose survivor was merged since, until that merge is undone", async () => {
    const first = await person("Pia Chain");
    const second = await person("Pia Chain Two");
    const third = await person("Pia Chain Three");
    const inner = await supervisor.api.post(`/api/contacts/${second.id}/merge`, { mergedId: first.id });
    const outer = await supervisor.api.post(`/api/contacts/${third.id}/merge`, { mergedId: second.id });
    expect([inner.status, outer.status]).toEqual([200, 200]);
    // The outer merge re-pointed the first contact straight at the third.
    expect((await contactRow(first.id)).mergedIntoId).toBe(third.id);

    const refused = await supervisor.api.post(`/api/contacts/merges/${inner.body.mergeId}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/merged into another contact since; undo that merge first/);
    expect((await contactRow(first.id)).mergedIntoId).toBe(third.id);

    expect((await supervisor.api.post(`/api/contacts/merges/${outer.body.mergeId}/undo`)).status).toBe(200);
    expect((await contactRow(first.id)).mergedIntoId).toBe(second.id);
    expect((await contactRow(second.id)).mergedIntoId).toBeNull();
    expect((await supervisor.api.post(`/api/contacts/merges/${inner.body.mergeId}/undo`)).status).toBe(200);
    expect((await contactRow(first.id)).mergedIntoId).toBeNull();
    const cases1 = await app.services.db.select().from(cases).where(eq(cases.id, first.caseId));
    expect(cases1[0]!.contactId).toBe(first.id);
  });

  it("answers 404 for an unknown merge and 400 for a bad id, writing nothing", async () => {
    const unknown = await supervisor.api.post(
      "/api/contacts/merges/00000000-0000-4000-8000-000000000000/undo",
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe("not_found");
    expect((await supervisor.api.post("/api/contacts/merges/not-a-uuid/undo")).status).toBe(400);
    expect((await agent.api.get("/api/contacts/00000000-0000-4000-8000-000000000000/merges")).status).toBe(
      404,
    );
  });
});

/**
 * An email typed into the web chat's pre-chat form is a claim, not an identity: it is stored
 * unverified, shown as such, and becomes the contact's only when an agent confirms it.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseEvents, cases } from "../../db/schema/cases.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { newCase } from "../helpers/factories.ts";
import { connectVisitor, type RecordingSocket } from "../helpers/sockets.ts";

describe("unverified identities", () => {
  let app: TestApp;
  let agent: Awaited<ReturnType<TestApp["createAgent"]>>;
  const sockets: RecordingSocket[] = [];

  /** A visitor who says hello with `email` and writes once: their case and contact. */
  const visitorClaiming = async (email: string, clientId: string) => {
    const visitor = await connectVisitor(app.url);
    sockets.push(visitor);
    await visitor.emitWithAck("hello", { name: "Visitor", email });
    const ack = await visitor.emitWithAck("message", { body: "Hello", clientId });
    const [row] = await app.services.db.select().from(cases).where(eq(cases.id, ack.caseId));
    return { caseId: ack.caseId as string, contactId: row!.contactId };
  };
  const emailIdentity = (identities: { kind: string; address: string }[], address: string) =>
    identities.find((identity) => identity.kind === "email" && identity.address === address) as
      | { id: string; verified: boolean }
      | undefined;

  beforeAll(async () => {
    app = await startTestApp();
    agent = await app.createAgent();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app?.close();
  });

  it("stores a pre-chat email unverified until an agent confirms it, with an audit row", async () => {
    const { caseId, contactId } = await visitorClaiming("kim@customer.example", "client-msg-kim01");
    const before = await agent.api.get(`/api/contacts/${contactId}`);
    const claimed = emailIdentity(before.body.identities, "kim@customer.example");
    expect(claimed).toMatchObject({ verified: false });
    const detail = await agent.api.get(`/api/cases/${caseId}`);
    expect(emailIdentity(detail.body.contact.identities, "kim@customer.example")).toMatchObject({
      verified: false,
    });

    const confirmed = await agent.api.post(`/api/contacts/${contactId}/identities/${claimed!.id}/verify`, {});
    expect(confirmed.status).toBe(200);
    expect(emailIdentity(confirmed.body.identities, "kim@customer.example")).toMatchObject({
      verified: true,
    });
    const audits = await app.services.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, "identity_verified")));
    expect(audits).toEqual([
      expect.objectContaining({
        actorType: "agent",
        actorId: agent.id,
        details: expect.objectContaining({ kind: "email", address: "kim@customer.example" }),
      }),
    ]);
  });

  it("refuses to confirm an address another contact already owns, and unknown ids, writing nothing", async () => {
    const owner = await newCase(app.services, {
      channel: "email",
      from: { kind: "email", address: "lee@customer.example", name: "Lee" },
      externalId: "<lee-1@customer.example>",
    });
    const { contactId } = await visitorClaiming("lee@customer.example", "client-msg-lee01");
    const claimed = emailIdentity(
      (await agent.api.get(`/api/contacts/${contactId}`)).body.identities,
      "lee@customer.example",
    );
    expect(claimed).toMatchObject({ verified: false });

    const refused = await agent.api.post(`/api/contacts/${contactId}/identities/${claimed!.id}/verify`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: expect.any(String),
      message: expect.stringMatching(/merge/i),
    });
    const after = await agent.api.get(`/api/contacts/${contactId}`);
    expect(emailIdentity(after.body.identities, "lee@customer.example")).toMatchObject({ verified: false });
    expect(owner.contactId).not.toBe(contactId);

    const unknown = await agent.api.post(
      `/api/contacts/${contactId}/identities/00000000-0000-4000-8000-000000000000/verify`,
      {},
    );
    expect(unknown.status).toBe(404);
    expect((await agent.api.post(`/api/contacts/${contactId}/identities/not-a-uuid/verify`, {})).status).toBe(
      400,
    );
  });
});

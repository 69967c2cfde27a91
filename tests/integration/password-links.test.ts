/**
 * Invitations and password resets by one-time link: mailed through the system mailbox (a real SMTP
 * capture) or, for an invitation without one, shown once; a link works once and not after it
 * expired or was replaced; a weak password changes nothing; a reset answers alike for known and
 * unknown addresses, is rate limited, and ends the person's other sessions.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agents, passwordTokens, securityEvents, sessions } from "../../db/schema/agents.ts";
import { PASSWORD_NOT_SET } from "../../server/auth/password-tokens.ts";
import { createApi } from "../helpers/api.ts";
import { startTestApp, type TestApp } from "../helpers/build-app.ts";
import { type EmailTestApp, startEmailApp } from "../helpers/email-app.ts";
import type { CapturedMail } from "../helpers/smtp-capture.ts";
import { connectAgent } from "../helpers/sockets.ts";

const STRONG = "Quiet-Lantern-Orbit-Mango-47";
const STRONGER = "Velvet-Compass-Thunder-Pike-82";

/** The token of the set-password link in a mail. */
function linkToken(mail: CapturedMail): string {
  const match = (mail.parsed.text ?? "").match(/\/set-password\?token=([A-Za-z0-9_-]+)/);
  if (!match) throw new Error(`no set-password link in: ${mail.parsed.text}`);
  return match[1]!;
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function eventsOf(app: TestApp, agentId: string) {
  const rows = await app.services.db.select().from(securityEvents).where(eq(securityEvents.agentId, agentId));
  return rows.map((row) => row.kind);
}

describe("invitations and resets with a mailbox", () => {
  let email: EmailTestApp;
  let app: TestApp;
  const mailTo = (address: string) => email.smtp.waitFor((mail) => mail.recipients.includes(address));

  beforeAll(async () => {
    email = await startEmailApp();
    app = email.app;
  });
  afterAll(async () => {
    await email?.close();
  });

  it("mails an invitation whose link sets the password once and signs the person in", async () => {
    const invited = await app.admin.post("/api/agents/invitations", {
      email: "Ines.Invited@example.com",
      name: "Ines Invited",
      role: "agent",
    });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toEqual({ expiresAt: expect.any(String), mailed: true });
    expect(invited.body.agent).toMatchObject({ email: "ines.invited@example.com", invitationPending: true });
    const days = (Date.parse(invited.body.invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    // No password works before the link is followed.
    const guess = await createApi(app.url).post("/api/auth/login", {
      email: "ines.invited@example.com",
      password: PASSWORD_NOT_SET,
    });
    expect(guess.status).toBe(401);

    const mail = await mailTo("ines.invited@example.com");
    expect(mail.parsed.subject).toMatch(/invited/i);
    expect(mail.header("auto-submitted")).toBe("auto-generated");
    const token = linkToken(mail);
    const about = await createApi(app.url).get(`/api/auth/password/token?token=${token}`);
    expect(about.body).toMatchObject({
      name: "Ines Invited",
      email: "ines.invited@example.com",
      purpose: "invite",
    });

    const set = await createApi(app.url).post("/api/auth/password/set", { token, password: STRONG });
    expect(set.status).toBe(200);
    expect(set.body.agent).toMatchObject({ email: "ines.invited@example.com" });
    expect(set.headers.get("set-cookie")).toMatch(/^sb_session=/);
    expect((await createApi(app.url, set.body.token).get("/api/me")).body).toMatchObject({
      invitationPending: false,
    });
    const again = await createApi(app.url).post("/api/auth/password/set", { token, password: STRONGER });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already used.*new invitation/);
    await createApi(app.url).login("ines.invited@example.com", STRONG);
    expect(await eventsOf(app, invited.body.agent.id)).toEqual(
      expect.arrayContaining(["invitation_created", "invitation_accepted", "sign_in"]),
    );
  });

  it("refuses a weak password saying why and writes nothing; refuses an expired or replaced link", async () => {
    const invited = await app.admin.post("/api/agents/invitations", {
      email: "walt.weak@example.com",
      name: "Walt Weak",
      role: "supervisor",
    });
    const first = linkToken(await mailTo("walt.weak@example.com"));
    const weak = await createApi(app.url).post("/api/auth/password/set", {
      token: first,
      password: "password1234",
    });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({
      error: "validation_failed",
      message: expect.stringMatching(/too easy to guess/),
    });
    const [walt] = await app.services.db.select().from(agents).where(eq(agents.id, invited.body.agent.id));
    expect(walt!.passwordHash).toBe(PASSWORD_NOT_SET);
    expect(await app.services.db.select().from(sessions).where(eq(sessions.agentId, walt!.id))).toEqual([]);

    const resent = await app.admin.post(`/api/agents/${walt!.id}/invitation`, {});
    expect(resent.status).toBe(200);
    expect(resent.body.invitation.mailed).toBe(true);
    await email.smtp.waitFor(
      (mail) => mail.recipients.includes("walt.weak@example.com") && linkToken(mail) !== first,
    );
    const replaced = await createApi(app.url).get(`/api/auth/password/token?token=${first}`);
    expect(replaced.status).toBe(404);
    expect(replaced.body.message).toMatch(/Ask for a new link/);

    await app.services.db
      .update(passwordTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordTokens.agentId, walt!.id));
    const second = linkToken(
      email.smtp.messages.filter((m) => m.recipients.includes("walt.weak@example.com")).at(-1)!,
    );
    const expired = await createApi(app.url).post("/api/auth/password/set", {
      token: second,
      password: STRONG,
    });
    expect(expired.status).toBe(409);
    expect(expired.body.message).toMatch(/expired.*new invitation/);
  });

  it("answers a reset request for known and unknown addresses alike, and mails only the known one", async () => {
    const agent = await app.createAgent({ name: "Rita Reset" });
    const gone = await app.createAgent({ name: "Gus Gone" });
    await app.admin.request("PATCH", `/api/agents/${gone.id}`, { active: false });
    const deactivated = await createApi(app.url).post("/api/auth/password/reset", { email: gone.email });
    const unknown = await createApi(app.url).post("/api/auth/password/reset", {
      email: "nobody@example.com",
    });
    const known = await createApi(app.url).post("/api/auth/password/reset", {
      email: agent.email.toUpperCase(),
    });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    expect(deactivated.status).toBe(202);
    expect(deactivated.body).toEqual(unknown.body);
    const mail = await mailTo(agent.email);
    expect(mail.parsed.subject).toMatch(/reset/i);
    // By the time the known address's mail arrived, none had gone to the others (none was queued).
    expect(email.smtp.messages.some((m) => m.recipients.includes("nobody@example.com"))).toBe(false);
    expect(email.smtp.messages.some((m) => m.recipients.includes(gone.email))).toBe(false);
    const [requested] = await app.services.db
      .select()
      .from(securityEvents)
      .where(
        and(
          eq(securityEvents.kind, "password_reset_requested"),
          eq(securityEvents.email, "nobody@example.com"),
        ),
      );
    expect(requested).toMatchObject({ agentId: null, details: { mailed: false } });
  });

  it("sets a new password by the reset link and ends every other session", async () => {
    const agent = await app.createAgent({ name: "Sam Sessions" });
    const otherDevice = createApi(app.url);
    await otherDevice.login(agent.email, "agent-password");
    expect((await otherDevice.get("/api/me")).status).toBe(200);
    const agentSocket = await connectAgent(app.url, otherDevice.token!);
    const dropped = new Promise<string>((resolve) => agentSocket.socket.once("disconnect", resolve));

    await createApi(app.url).post("/api/auth/password/reset", { email: agent.email });
    const token = linkToken(await mailTo(agent.email));
    const about = await createApi(app.url).get(`/api/auth/password/token?token=${token}`);
    expect(about.body.purpose).toBe("reset");
    const expiresIn = Date.parse(about.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    const set = await createApi(app.url).post("/api/auth/password/set", { token, password: STRONGER });
    expect(set.status).toBe(200);

    expect((await agent.api.get("/api/me")).status).toBe(401);
    expect((await otherDevice.get("/api/me")).status).toBe(401);
    expect(await dropped).toBe("io server disconnect");
    expect((await createApi(app.url, set.body.token).get("/api/me")).status).toBe(200);
    expect(
      (await createApi(app.url).post("/api/auth/login", { email: agent.email, password: "agent-password" }))
        .status,
    ).toBe(401);
    expect(await eventsOf(app, agent.id)).toEqual(
      expect.arrayContaining(["password_reset_requested", "password_reset"]),
    );
    const [reset] = await app.services.db
      .select()
      .from(securityEvents)
      .where(and(eq(securityEvents.agentId, agent.id), eq(securityEvents.kind, "password_reset")));
    expect(reset!.details).toEqual({ sessionsEnded: 2 });
  });
});

describe("invitations and resets without a mailbox", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PUBLIC_POSTS_PER_MINUTE: "8" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("answers the invitation with its link, once, and the link works", async () => {
    const invited = await app.admin.post("/api/agents/invitations", {
      email: "nils.nomail@example.com",
      name: "Nils Nomail",
      role: "admin",
    });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toMatchObject({
      mailed: false,
      link: expect.stringContaining("/set-password?token="),
    });
    const listed = await app.admin.get("/api/agents");
    expect(JSON.stringify(listed.body)).not.toContain(tokenOf(invited.body.invitation.link));
    const set = await createApi(app.url).post("/api/auth/password/set", {
      token: tokenOf(invited.body.invitation.link),
      password: STRONG,
    });
    expect(set.status).toBe(200);
    const resend = await app.admin.post(`/api/agents/${invited.body.agent.id}/invitation`, {});
    expect(resend.status).toBe(409);
    const duplicate = await app.admin.post("/api/agents/invitations", {
      email: "nils.nomail@example.com",
      name: "Nils Again",
      role: "agent",
    });
    expect(duplicate.status).toBe(409);
  });

  it("answers a second-factor challenge instead of a session when the role requires one", async () => {
    await app.admin.request("PUT", "/api/settings/2fa", { requiredFor: ["supervisor"] });
    try {
      const invited = await app.admin.post("/api/agents/invitations", {
        email: "suri.super@example.com",
        name: "Suri Super",
        role: "supervisor",
      });
      const set = await createApi(app.url).post("/api/auth/password/set", {
        token: tokenOf(invited.body.invitation.link),
        password: STRONG,
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        challenge: { token: expect.any(String), expiresAt: expect.any(String), enrolRequired: true },
      });
      expect(set.headers.get("set-cookie")).toBeNull();
      // The password is set all the same: signing in with it reaches the same step.
      const login = await createApi(app.url).post("/api/auth/login", {
        email: "suri.super@example.com",
        password: STRONG,
      });
      expect(login.body.challenge).toMatchObject({ enrolRequired: true });
    } finally {
      await app.admin.request("PUT", "/api/settings/2fa", { requiredFor: [] });
    }
  });

  it("still provisions an agent with a password by POST /api/agents, refusing a weak one with the reason", async () => {
    const weak = await app.admin.post("/api/agents", {
      email: "paula.prov@example.com",
      name: "Paula Prov",
      password: "password1234",
      role: "agent",
    });
    expect(weak.status).toBe(400);
    expect(weak.body.message).toMatch(/too easy to guess/);
    expect(
      await app.services.db.select().from(agents).where(eq(agents.email, "paula.prov@example.com")),
    ).toEqual([]);
    const created = await app.admin.post("/api/agents", {
      email: "paula.prov@example.com",
      name: "Paula Prov",
      password: STRONG,
      role: "agent",
    });
    expect(created.status).toBe(201);
    expect(created.body.invitationPending).toBe(false);
    await createApi(app.url).login("paula.prov@example.com", STRONG);
  });

  it("answers a reset alike without a mailbox, and limits requests per email and per address with 429", async () => {
    const agent = await app.createAgent();
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await createApi(app.url).post("/api/auth/password/reset", { email: agent.email }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const perEmail = await createApi(app.url).post("/api/auth/password/reset", { email: agent.email });
    expect(perEmail.status).toBe(429);
    expect(Number(perEmail.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(
      (await createApi(app.url).post("/api/auth/password/reset", { email: "other@example.com" })).status,
    ).toBe(202);
    expect(
      (await createApi(app.url).post("/api/auth/password/reset", { email: "third@example.com" })).status,
    ).toBe(202);
    const perAddress = await createApi(app.url).post("/api/auth/password/reset", {
      email: "fourth@example.com",
    });
    expect(perAddress.status).toBe(429);
    expect(Number(perAddress.headers.get("retry-after"))).toBeGreaterThan(0);
    // No mailbox: nothing to mail, so no link was made.
    expect(
      await app.services.db.select().from(passwordTokens).where(eq(passwordTokens.agentId, agent.id)),
    ).toEqual([]);
  });
});

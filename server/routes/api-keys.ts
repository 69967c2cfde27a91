/** Admin → API keys: create (the secret is answered once), list, revoke (at once). */
import { z } from "zod";
import { API_KEY_SCOPES } from "../../db/schema/integrations.ts";
import { type ApiKeyListing, createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";
import { recordSecurityEvent } from "../auth/security-log.ts";
import { currentAgent } from "../http/access.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

const API_KEY_STATES = ["active", "expired", "revoked"] as const;

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe("The secret's first characters after `sbk_`, to tell keys apart"),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  queueIds: z.array(z.uuid()).nullable().describe("The queues the key reaches; null for every queue"),
  expiresAt: isoDate.nullable(),
  lastUsedAt: isoDate.nullable().describe("Written at most once a minute"),
  createdAt: isoDate,
  createdBy: z.object({ id: z.uuid(), name: z.string().nullable() }).describe("The admin the key acts for"),
  revokedAt: isoDate.nullable(),
  status: z.enum(API_KEY_STATES),
});

const newKeyBody = z.object({
  name: z.string().trim().min(1, "cannot be empty").max(80, "can be at most 80 characters"),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, "choose at least one scope")
    .max(API_KEY_SCOPES.length)
    .describe(`Any of ${API_KEY_SCOPES.join(", ")}; \`admin\` does not include the others`),
  queueIds: z
    .array(z.uuid({ message: "must be a queue's UUID" }))
    .min(1, "choose at least one queue, or leave it out (null) for every queue")
    .max(500)
    .nullable()
    .optional()
    .describe("Limit the key to these queues' cases; null or absent for every queue"),
  expiresAt: isoDate.nullable().optional().describe("When the key stops working; null or absent for never"),
});

function keyView(row: Omit<ApiKeyListing, "createdByName">, createdByName: string | null, now: Date) {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    queueIds: row.queueIds,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
    createdBy: { id: row.createdBy, name: createdByName },
    revokedAt: row.revokedAt,
    status,
  } as const;
}

export function apiKeyRoutes(app: ZodApp, services: Pick<Services, "clock" | "db" | "secret">): void {
  const { db } = services;
  const tags = ["admin"];
  app.get(
    "/api/admin/api-keys",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "API keys, newest first (revoked ones included); never their secrets",
        response: responses({ 200: z.object({ items: z.array(apiKeySchema) }) }),
      },
    },
    async () => {
      const now = services.clock();
      return { items: (await listApiKeys(db)).map((row) => keyView(row, row.createdByName, now)) };
    },
  );

  app.post(
    "/api/admin/api-keys",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Create an API key: the answer's `secret` is shown this once",
        description:
          "Integrations send the secret as `Authorization: Bearer sbk_…`. The key acts for the admin creating it, narrowed to its scopes and queues; it stops working when revoked, when it expires, or when that admin is deactivated or no longer an admin.",
        body: newKeyBody,
        response: responses({ 201: apiKeySchema.extend({ secret: z.string() }) }, [409]),
      },
    },
    async (request, reply) => {
      const admin = currentAgent(request);
      const now = services.clock();
      const { row, secret } = await createApiKey(db, services.secret, {
        name: request.body.name,
        scopes: request.body.scopes,
        queueIds: request.body.queueIds ?? null,
        expiresAt: request.body.expiresAt ?? null,
        createdBy: admin.id,
        now,
      });
      await recordSecurityEvent(db, {
        kind: "api_key_created",
        actorId: admin.id,
        ip: request.ip,
        details: {
          apiKeyId: row.id,
          name: row.name,
          prefix: row.prefix,
          scopes: row.scopes,
          queueIds: row.queueIds,
        },
      });
      return reply.code(201).send({ ...keyView(row, admin.name, now), secret });
    },
  );

  app.delete(
    "/api/admin/api-keys/:id",
    {
      config: { access: "admin" },
      schema: {
        tags,
        summary: "Revoke an API key: its next request is refused",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      const { row, revoked } = await revokeApiKey(db, request.params.id, services.clock());
      if (revoked)
        await recordSecurityEvent(db, {
          kind: "api_key_revoked",
          actorId: currentAgent(request).id,
          ip: request.ip,
          details: { apiKeyId: row.id, name: row.name, prefix: row.prefix },
        });
      return reply.code(204).send(null);
    },
  );
}

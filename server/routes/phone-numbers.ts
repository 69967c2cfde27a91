/** Admin API for our Twilio phone numbers: queue, greeting, voice menu, fallback phone. */

import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import {
  createPhoneNumber,
  deletePhoneNumber,
  getPhoneNumber,
  listPhoneNumbers,
  updatePhoneNumber,
} from "../../channels/twilio/phone-numbers.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

export const ivrOption = z.object({
  digit: z.string().regex(/^[0-9*#]$/, "must be one key: 0-9, * or #"),
  label: z.string().trim().min(1).max(100).describe('Read out as "For <label>, press <digit>."'),
  queueId: z.uuid(),
});

const phone = z.string().trim().min(3).max(32);
const fields = {
  number: phone.describe("One of your Twilio numbers; stored in E.164"),
  name: z.string().trim().max(100).describe("Shown to agents, and signs the automatic SMS HELP answer"),
  queueId: z
    .uuid()
    .nullable()
    .describe("Where SMS and calls to this number go when no assignment rule claims them"),
  greeting: z.string().trim().max(1000).nullable().describe("Said to every caller first"),
  ivr: z.array(ivrOption).max(10).describe("Voice menu options; empty for none"),
  fallbackNumber: phone
    .nullable()
    .describe("A phone (E.164) that takes calls for agents when browser calling is not configured"),
};

export const phoneNumberSchema = z.object({
  id: z.uuid(),
  number: z.string(),
  name: z.string(),
  queueId: z.uuid().nullable(),
  greeting: z.string().nullable(),
  ivr: z.array(ivrOption),
  fallbackNumber: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const admin = { access: "admin" } as const;
const tags = ["phone numbers"];

export function phoneNumberRoutes(app: ZodApp, services: Pick<Services, "config" | "db">): void {
  const { db } = services;
  const country = services.config.defaultCountry as CountryCode;

  app.get(
    "/api/phone-numbers",
    {
      config: admin,
      schema: {
        tags,
        summary: "Our phone numbers",
        response: responses({ 200: z.object({ items: z.array(phoneNumberSchema) }) }),
      },
    },
    async () => ({ items: await listPhoneNumbers(db) }),
  );
  app.get(
    "/api/phone-numbers/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "One phone number",
        params: idParam,
        response: responses({ 200: phoneNumberSchema }, [404]),
      },
    },
    async (request) => getPhoneNumber(db, request.params.id),
  );
  app.post(
    "/api/phone-numbers",
    {
      config: admin,
      schema: {
        tags,
        summary: "Add a phone number",
        description:
          "Point the number's webhooks in Twilio at this server: voice /webhooks/twilio/voice, call status /webhooks/twilio/voice/status, messaging /webhooks/twilio/sms.",
        body: z.object(fields).partial().required({ number: true }),
        response: responses({ 201: phoneNumberSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await createPhoneNumber(db, request.body, country)),
  );
  app.patch(
    "/api/phone-numbers/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Change a phone number's queue, greeting, menu or fallback phone",
        params: idParam,
        body: z.object(fields).partial(),
        response: responses({ 200: phoneNumberSchema }, [404, 409]),
      },
    },
    async (request) => updatePhoneNumber(db, request.params.id, request.body, country),
  );
  app.delete(
    "/api/phone-numbers/:id",
    {
      config: admin,
      schema: {
        tags,
        summary: "Remove a phone number",
        params: idParam,
        response: responses({ 204: z.null() }, [404]),
      },
    },
    async (request, reply) => {
      await deletePhoneNumber(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

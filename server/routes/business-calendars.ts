/** Named business calendars (admin writes, supervisors read), chosen by queues and SLA policies. */
import { z } from "zod";
import {
  createCalendar,
  deleteCalendar,
  listCalendars,
  updateCalendar,
} from "../../routing/business-calendars.ts";
import { idParam, isoDate, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import { calendarSchema } from "./routing-admin.ts";
import type { ZodApp } from "./zod-app.ts";

const calendarFields = {
  name: z.string().trim().min(1).max(100),
  calendar: calendarSchema,
};
const named = z.object({ id: z.uuid(), name: z.string() });

export const businessCalendarSchema = z.object({
  id: z.uuid(),
  ...calendarFields,
  usedBy: z.object({ queues: z.array(named), policies: z.array(named) }),
  createdAt: isoDate,
  updatedAt: isoDate,
});

type CalendarServices = Pick<Services, "db" | "routing" | "slaPolicies">;

/** Queues and policies keep copies of a calendar: the caches holding them are cleared on a change. */
function copiesChanged(services: CalendarServices) {
  return <T>(value: T): T => {
    services.routing.config.invalidate();
    services.slaPolicies.invalidate();
    return value;
  };
}

export function businessCalendarRoutes(app: ZodApp, services: CalendarServices): void {
  const { db } = services;
  const changed = copiesChanged(services);
  app.get(
    "/api/calendars",
    {
      config: { access: "supervisor" },
      schema: {
        tags: ["routing"],
        summary: "Named business calendars, each with the queues and SLA policies using it",
        response: responses({ 200: z.object({ items: z.array(businessCalendarSchema) }) }),
      },
    },
    async () => ({ items: await listCalendars(db) }),
  );
  app.post(
    "/api/calendars",
    {
      config: { access: "admin" },
      schema: {
        tags: ["routing"],
        summary: "Add a named business calendar",
        description:
          "Weekly hours in an IANA time zone and holidays (YYYY-MM-DD, or MM-DD every year). Queues and SLA policies choose it with calendarId.",
        body: z.object(calendarFields),
        response: responses({ 201: businessCalendarSchema }, [409]),
      },
    },
    async (request, reply) => reply.code(201).send(await createCalendar(db, request.body)),
  );
  app.put(
    "/api/calendars/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["routing"],
        summary: "Replace a named business calendar; every queue and policy using it follows at once",
        params: idParam,
        body: z.object(calendarFields),
        response: responses({ 200: businessCalendarSchema }, [404, 409]),
      },
    },
    async (request) => changed(await updateCalendar(db, request.params.id, request.body)),
  );
  app.delete(
    "/api/calendars/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["routing"],
        summary: "Delete a named business calendar no queue or policy uses",
        params: idParam,
        response: responses({ 204: z.null() }, [404, 409]),
      },
    },
    async (request, reply) => {
      await deleteCalendar(db, request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/**
 * Downloads for agents: email attachments and the raw source of a received email. Always sent as a
 * download with the stored type and `nosniff`, so a hostile file is never rendered as our page.
 */
import type { FastifyReply } from "fastify";
import { AppError } from "../../cases/errors.ts";
import { attachmentFile, messageSourceFile, type StoredFile } from "../../channels/files.ts";
import { idParam, responses } from "../http/schemas.ts";
import type { Services } from "../services.ts";
import type { ZodApp } from "./zod-app.ts";

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function fileRoutes(app: ZodApp, services: Pick<Services, "db" | "storage">): void {
  const send = async (reply: FastifyReply, file: StoredFile) => {
    if (!(await services.storage.exists(file.storageKey)))
      throw new AppError(
        "NOT_FOUND",
        `The stored file of '${file.filename}' is missing from DATA_DIR/files.`,
      );
    reply
      .header("content-type", file.contentType || "application/octet-stream")
      .header("content-disposition", contentDisposition(file.filename))
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "private, max-age=300");
    return reply.send(services.storage.stream(file.storageKey));
  };

  app.get(
    "/api/attachments/:id",
    {
      config: { access: "agent" },
      schema: {
        tags: ["cases"],
        summary: "Download an attachment of a message",
        description: "409 when the file was over the size limit and only its name and size were kept.",
        params: idParam,
        response: responses({}, [404, 409]),
      },
    },
    async (request, reply) => send(reply, await attachmentFile(services.db, request.params.id)),
  );

  app.get(
    "/api/interactions/:id/source",
    {
      config: { access: "agent" },
      schema: {
        tags: ["cases"],
        summary: "Download the raw source (.eml) of a received email",
        params: idParam,
        response: responses({}, [404, 409]),
      },
    },
    async (request, reply) => send(reply, await messageSourceFile(services.db, request.params.id)),
  );
}

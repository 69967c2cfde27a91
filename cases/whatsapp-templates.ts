/**
 * The WhatsApp templates an admin has had approved: a name, the words with `{{1}}`, `{{2}}`…
 * placeholders, and Twilio's Content SID when the template lives in Twilio's Content API. Kept as
 * one JSON setting (a handful of rows, edited together), not a table.
 */
import type { Executor } from "../db/connect.ts";
import { readJsonSetting, writeJsonSetting } from "../db/json-settings.ts";
import { AppError } from "./errors.ts";

export interface WhatsAppTemplate {
  name: string;
  body: string;
  /** Twilio Content SID (HX…); null: the body is sent as written (sandbox, or pre-Content API senders). */
  contentSid: string | null;
}

const KEY = "whatsapp.templates";

export async function readWhatsAppTemplates(executor: Executor): Promise<WhatsAppTemplate[]> {
  return (await readJsonSetting(executor, KEY, { templates: [] as WhatsAppTemplate[] })).templates;
}

export async function writeWhatsAppTemplates(
  executor: Executor,
  templates: WhatsAppTemplate[],
): Promise<WhatsAppTemplate[]> {
  const seen = new Set<string>();
  for (const template of templates) {
    const key = template.name.toLowerCase();
    if (seen.has(key))
      throw new AppError("VALIDATION", `Two templates are named '${template.name}'; names must differ.`);
    seen.add(key);
  }
  await writeJsonSetting(executor, KEY, { templates });
  return templates;
}

/** How many values a template's body asks for: its highest `{{n}}`. */
export function placeholderCount(body: string): number {
  let highest = 0;
  for (const match of body.matchAll(/\{\{(\d+)\}\}/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

export interface TemplateChoice {
  name: string;
  variables: string[];
}

/** The template by name with its values filled in: the words the timeline shows and Twilio sends. */
export async function fillWhatsAppTemplate(
  executor: Executor,
  choice: TemplateChoice,
): Promise<{ body: string; template: { name: string; contentSid: string | null; variables: string[] } }> {
  const templates = await readWhatsAppTemplates(executor);
  const template = templates.find((t) => t.name.toLowerCase() === choice.name.toLowerCase());
  if (!template)
    throw new AppError(
      "VALIDATION",
      `There is no approved WhatsApp template named '${choice.name}'. Known: ${templates.map((t) => t.name).join(", ") || "none (an admin adds them under WhatsApp templates)"}.`,
    );
  const needed = placeholderCount(template.body);
  if (choice.variables.length !== needed || choice.variables.some((value) => !value.trim()))
    throw new AppError(
      "VALIDATION",
      `Template '${template.name}' needs ${needed} value${needed === 1 ? "" : "s"} for its placeholders; ${choice.variables.length} given${choice.variables.some((v) => !v.trim()) ? " (some empty)" : ""}.`,
    );
  const body = template.body.replace(
    /\{\{(\d+)\}\}/g,
    (_, n: string) => choice.variables[Number(n) - 1] ?? "",
  );
  return {
    body,
    template: { name: template.name, contentSid: template.contentSid, variables: choice.variables },
  };
}

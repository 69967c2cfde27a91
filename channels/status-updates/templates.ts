import {
  contactNameValues,
  fillPlaceholders,
  unknownPlaceholders as unknownTemplatePlaceholders,
} from "../../cases/placeholders.ts";

/** Fills update templates: `{{case.number}}`, `{{case.subject}}`, `{{contact.name}}`, `{{contact.first_name}}`, `{{statusUrl}}`. Pure. */
export interface TemplateValues {
  case: { number: number; subject: string; state: string };
  contact: { name: string | null };
  statusUrl: string;
}

export const TEMPLATE_PLACEHOLDERS = [
  "case.number",
  "case.subject",
  "case.state",
  "contact.name",
  "contact.first_name",
  "statusUrl",
] as const;

export function renderTemplate(template: string, values: TemplateValues): string {
  return fillPlaceholders(template, {
    "case.number": String(values.case.number),
    "case.subject": values.case.subject,
    "case.state": values.case.state.replaceAll("_", " "),
    ...contactNameValues(values.contact.name),
    statusUrl: values.statusUrl,
  });
}

/** Placeholders a template uses that we do not know: shown to whoever edits it. */
export const unknownPlaceholders = (template: string): string[] =>
  unknownTemplatePlaceholders(template, TEMPLATE_PLACEHOLDERS);

/**
 * What a text with `{{placeholders}}` reads like for a sample case, shown beside the editors of
 * canned responses, customer update templates and campaign scripts. The server fills the real
 * values; an unknown placeholder stays as written here (the server refuses it on save).
 */
const SAMPLE: Readonly<Record<string, string>> = {
  "contact.name": "Grace Hopper",
  "contact.first_name": "Grace",
  "contact.phone": "+1 212 555 0101",
  "agent.name": "Sam",
  "case.number": "1042",
  "case.subject": "Parcel not delivered",
  "case.state": "waiting on customer",
  statusUrl: "https://support.example.com/status/…",
};

export function previewPlaceholders(text: string, extra: Readonly<Record<string, string>> = {}): string {
  return text.replace(
    /\{\{\s*([a-zA-Z_.]+)\s*\}\}/g,
    (whole, name: string) => extra[name] ?? SAMPLE[name] ?? whole,
  );
}

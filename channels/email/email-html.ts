/** Plain text shown or sent as HTML: escaped, line breaks kept. */
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** The HTML alternative of a plain-text reply: the same text, line breaks kept. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>\n")}</p>`);
  return `<!DOCTYPE html>\n<html><body style="font-family: sans-serif; font-size: 14px;">\n${paragraphs.join("\n")}\n</body></html>\n`;
}

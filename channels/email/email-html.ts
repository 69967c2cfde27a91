/**
 * HTML from customers' mail is made safe to show in the console before it is stored: no scripts,
 * event handlers, styles that can overlay the page, forms or frames; links open in a new tab
 * without access to the opener; inline images keep their `cid:` links so the console can point
 * them at the stored attachment.
 */
import sanitizeHtml from "sanitize-html";

/** A bigger body is kept only in the raw message: sanitising it costs more than it is worth to read. */
export const MAX_HTML_CHARS = 512 * 1024;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    "img",
    "font",
    "center",
    "span",
    "div",
    "u",
    "s",
    "strike",
    "sub",
    "sup",
  ],
  allowedAttributes: {
    // target and rel are always ours: the transform below overwrites whatever the mail had.
    a: ["href", "name", "title", "target", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    font: ["color", "size", "face"],
    td: ["colspan", "rowspan", "align", "valign", "width"],
    th: ["colspan", "rowspan", "align", "valign", "width"],
    table: ["width", "border", "cellpadding", "cellspacing", "align"],
    "*": ["dir", "lang"],
  },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowedSchemesByTag: { img: ["http", "https", "cid", "data"] },
  allowProtocolRelative: false,
  // `style` and `head` contents are dropped with their tags, not turned into visible text.
  nonTextTags: ["style", "script", "textarea", "option", "noscript", "head", "title", "xml"],
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { target: "_blank", rel: "noopener noreferrer nofollow" }),
  },
  allowedClasses: {},
};

export function sanitiseEmailHtml(html: string): { html: string; truncated: boolean } {
  const truncated = html.length > MAX_HTML_CHARS;
  const clean = sanitizeHtml(truncated ? html.slice(0, MAX_HTML_CHARS) : html, OPTIONS).trim();
  return { html: clean, truncated };
}

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

/**
 * HTML from customers' mail is made safe to show in the console before it is stored: no scripts,
 * event handlers, styles that can overlay the page, forms or frames; links open in a new tab
 * without access to the opener; inline images keep their `cid:` links so the console can point
 * them at the stored attachment.
 *
 * Loaded with the first parsed message (as mailparser is), not at start-up.
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

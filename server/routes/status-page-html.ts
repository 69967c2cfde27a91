/**
 * The customer's status page as HTML: the team's name, logo and colour above the case's state and
 * conversation, and forms that work without JavaScript. Times are written in UTC and rewritten in
 * the reader's own zone by `/status-times.js`.
 */
import { randomUUID } from "node:crypto";
import type { Branding } from "../../channels/status-updates/branding.ts";
import type { StatusView } from "../../channels/status-updates/status-page.ts";

/** Dark text on a light brand colour, white on a dark one (WCAG relative luminance). */
export function textOn(colour: string): string {
  const channel = (offset: number) => {
    const value = Number.parseInt(colour.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? "#111827" : "#ffffff";
}

/** A line above the page saying what became of the customer's last post. */
export interface Notice {
  kind: "ok" | "error";
  text: string;
}

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * An instant as `<time>`: in UTC as the server writes it, then in the reader's own zone once
 * `/status-times.js` has run (the page works without it).
 */
const when = (at: Date) =>
  `<time datetime="${at.toISOString()}">${at.toISOString().replace("T", " ").slice(0, 16)} UTC</time>`;

/**
 * Rewrites every `<time datetime>` of the status page in the reader's zone, with the zone's name.
 * A file of its own: the page's Content-Security-Policy runs scripts from this origin only.
 */
export const STATUS_TIMES_JS = `(function () {
  var format = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var at = new Date(times[i].getAttribute("datetime"));
    if (!isNaN(at.getTime())) times[i].textContent = at.toLocaleString(undefined, format);
  }
})();
`;

export function page(token: string, view: StatusView, notice: Notice | null, branding: Branding): string {
  const c = view.case;
  const messages = view.messages
    .map(
      (m) =>
        `<li class="msg ${m.from}"><div class="who">${m.from === "customer" ? "You" : escapeHtml(m.author ?? "Support")} · ${when(m.at)}</div><div class="text">${escapeHtml(m.body)}</div></li>`,
    )
    .join("");
  const stars = [1, 2, 3, 4, 5]
    .map(
      (n) =>
        `<label class="star"><input type="radio" name="rating" value="${n}" ${c.csatRating === n ? "checked" : ""} required> ${n}</label>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Request #${c.number} · ${escapeHtml(branding.teamName)}</title>
<style>
:root{--brand:${branding.colour};--on-brand:${textOn(branding.colour)}}
.team{display:flex;align-items:center;gap:.7rem;padding-bottom:.8rem;margin-bottom:1rem;border-bottom:3px solid var(--brand)}
.team img{max-height:40px;max-width:160px;object-fit:contain}.team-name{font-weight:700;font-size:1.1rem}
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}
h1{font-size:1.4rem;margin:.2rem 0}.state{display:inline-block;padding:.15rem .6rem;border-radius:999px;background:var(--brand);color:var(--on-brand);font-weight:600;font-size:.85rem}
ol{list-style:none;padding:0}.msg{border:1px solid #e5e7eb;border-radius:10px;padding:.6rem .8rem;margin:.5rem 0}.msg.agent{background:#f9fafb}
.who{font-size:.8rem;color:#6b7280}.text{white-space:pre-wrap}textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem;box-sizing:border-box}
button{font:inherit;padding:.45rem 1rem;border-radius:8px;border:0;background:var(--brand);color:var(--on-brand);cursor:pointer}
.notice{padding:.5rem .8rem;border-radius:8px}.notice.ok{background:#ecfdf5;color:#065f46}.notice.error{background:#fef2f2;color:#991b1b}
fieldset{border:1px solid #e5e7eb;border-radius:10px}.star{margin-right:.8rem}
</style><script src="/status-times.js" defer></script></head><body>
<header class="team" data-testid="status-brand">${branding.logoUrl ? `<img src="${escapeHtml(branding.logoUrl)}" alt="">` : ""}<span class="team-name">${escapeHtml(branding.teamName)}</span></header>
<p class="state" aria-label="Status">${escapeHtml(c.stateLabel)}</p>
<h1>Request #${c.number}: ${escapeHtml(c.subject)}</h1>
<p><small>Opened ${when(c.createdAt)}${c.resolvedAt ? ` · resolved ${when(c.resolvedAt)}` : ""}</small></p>
${notice ? `<p class="notice ${notice.kind}" role="status">${escapeHtml(notice.text)}</p>` : ""}
<h2>Conversation</h2>
<ol>${messages || "<li>No messages yet.</li>"}</ol>
${
  view.canRate
    ? `<form method="post" action="/status/${escapeHtml(token)}"><input type="hidden" name="action" value="rate">
<fieldset><legend>How did we do?${c.csatRating ? ` You rated us ${c.csatRating} of 5.` : ""}</legend>${stars}
<p><label for="comment">Comment (optional)</label><br><textarea id="comment" name="comment" maxlength="2000">${escapeHtml(c.csatComment ?? "")}</textarea></p>
<button type="submit">Send rating</button></fieldset></form>`
    : ""
}
${
  view.canReply
    ? `<form method="post" action="/status/${escapeHtml(token)}"><input type="hidden" name="action" value="reply"><input type="hidden" name="clientId" value="${randomUUID()}">
<p><label for="reply">Reply</label><br><textarea id="reply" name="body" required maxlength="10000"></textarea></p><button type="submit">Send reply</button></form>`
    : "<p>This request is closed. Write to us again and we will open a new one.</p>"
}
</body></html>`;
}

/** How the widget shows its messages. Text is set as text, never HTML. */
import type { ViewMessage } from "./chat-view.ts";
import { el } from "./dom.ts";

const timeOf = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/** The line under a message: why it failed, that it is sending, or its time at the end of a run. */
function noteOf(message: ViewMessage, next: ViewMessage | undefined): string {
  if (message.status === "failed") return `Not sent: ${message.error ?? "try again"}`;
  if (message.status === "pending") return "Sending…";
  return next?.from !== message.from ? timeOf(message.at) : "";
}

const STATUS_LINK = /\s*(https?:\/\/\S+\/status\/[A-Za-z0-9._~-]+)\s*/;

/**
 * The message's text. The update that resolves a chat carries the status page's long address: the
 * widget asks for the rating itself, so the address becomes a short "View your case" link.
 */
function textOf(message: ViewMessage): (Node | string)[] {
  const link = message.askRating ? STATUS_LINK.exec(message.body) : null;
  if (!link) return [message.body];
  const before = message.body.slice(0, link.index).trim();
  const after = message.body.slice(link.index + link[0].length).trim();
  const anchor = el("a", { href: link[1]!, target: "_blank", rel: "noopener", class: "case-link" }, [
    "View your case",
  ]);
  return [[before, after].filter(Boolean).join(" "), el("br"), anchor];
}

export function messageItem(message: ViewMessage, previous?: ViewMessage, next?: ViewMessage): HTMLLIElement {
  const item = el("li", {
    class: "message",
    "data-testid": "sb-chat-message",
    "data-from": message.from,
    "data-status": message.status,
  });
  if (message.from === "agent" && (previous?.from !== "agent" || previous.agentName !== message.agentName))
    item.append(el("span", { class: "who" }, [message.agentName ?? "Support"]));
  item.append(el("div", { class: "text" }, textOf(message)));
  const note = noteOf(message, next);
  if (note) item.append(el("span", { class: "note" }, [note]));
  return item;
}

/**
 * The widget panel's parts, each built on its own: the bubble, the header with the wait line, the
 * pre-chat form, the message log, the leave-a-message form and the composer.
 */
import { CHAT_ICON, CLOSE_ICON, el, icon, SEND_ICON } from "./dom.ts";
import { buildLeaveForm } from "./leave-message.ts";

export function buildBubble() {
  const unread = el("span", { class: "unread", "aria-hidden": "true", hidden: "" });
  const bubble = el(
    "button",
    {
      type: "button",
      class: "bubble",
      "data-testid": "sb-chat-bubble",
      "aria-label": "Open chat",
      "aria-expanded": "false",
      "aria-controls": "sb-panel",
    },
    [icon(CHAT_ICON, "when-closed"), icon(CLOSE_ICON, "when-open"), unread],
  );
  return { bubble, unread };
}

export function buildHeader() {
  // The one line that says how long the wait is (wait-line.ts); a screen reader hears it change.
  const waitLine = el("p", { class: "subtitle", role: "status", "data-testid": "sb-chat-wait" });
  const close = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, ["×"]);
  const header = el("div", { class: "header" }, [
    el("div", {}, [el("h2", { class: "title", id: "sb-title" }, ["Chat with us"]), waitLine]),
    close,
  ]);
  return { header, close, waitLine };
}

export function buildPrechat() {
  const nameInput = el("input", { id: "sb-name", name: "name", autocomplete: "name", maxlength: "200" });
  const emailInput = el("input", {
    id: "sb-email",
    name: "email",
    type: "email",
    autocomplete: "email",
    maxlength: "320",
  });
  const skip = el("button", { type: "button", class: "skip" }, ["Skip"]);
  const intro = el("p", {}, ["Tell us who you are so we can follow up, or skip and just ask."]);
  const nameField = el("label", { class: "field", for: "sb-name" }, ["Name", nameInput]);
  const emailField = el("label", { class: "field", for: "sb-email" }, ["Email", emailInput]);
  const prechat = el("form", { class: "prechat", "aria-label": "Introduce yourself", hidden: "" }, [
    intro,
    nameField,
    emailField,
    el("div", { class: "actions" }, [skip, el("button", { type: "submit", class: "start" }, ["Start chat"])]),
  ]);
  return { prechat, intro, nameInput, emailInput, nameField, emailField, skip };
}

export function buildComposer() {
  const input = el("textarea", {
    id: "sb-input",
    rows: "1",
    placeholder: "Type your message…",
    "data-testid": "sb-chat-input",
    maxlength: "5000",
  });
  const send = el(
    "button",
    { type: "submit", class: "send", "data-testid": "sb-chat-send", "aria-label": "Send message" },
    [icon(SEND_ICON)],
  );
  const composer = el("form", { class: "composer" }, [
    el("label", { class: "vh", for: "sb-input" }, ["Your message"]),
    input,
    send,
  ]);
  return { composer, input, send };
}

/** Every element of the open panel, in the order they appear. */
export function buildPanel() {
  const { header, close, waitLine } = buildHeader();
  const leave = buildLeaveForm();
  const prechatParts = buildPrechat();
  const list = el("ol", { class: "messages", "aria-label": "Messages" });
  const empty = el("p", { class: "empty" }, ["Hi there! How can we help?"]);
  const body = el("div", { class: "body", role: "log", "aria-live": "polite", tabindex: "0" }, [
    prechatParts.prechat,
    empty,
    list,
  ]);
  const typingLine = el("div", { class: "typing", "aria-live": "polite" });
  const status = el("div", { class: "status", role: "status" });
  const composerParts = buildComposer();
  const panel = el(
    "section",
    { class: "panel", id: "sb-panel", role: "dialog", "aria-labelledby": "sb-title", hidden: "" },
    [
      header,
      body,
      typingLine,
      status,
      composerParts.composer,
      el("div", { class: "brand" }, ["Powered by Switchboard"]),
    ],
  );
  return {
    panel,
    close,
    list,
    empty,
    body,
    typingLine,
    waitLine,
    leave,
    status,
    ...prechatParts,
    ...composerParts,
  };
}

export type ChatPanel = ReturnType<typeof buildPanel>;

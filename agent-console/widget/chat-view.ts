/** The widget's DOM, built inside an open shadow root. Message text is only ever set as text, never HTML. */
import { WIDGET_CSS } from "./widget-styles.ts";

export interface ViewMessage {
  /** The server id once stored; the client id before. */
  key: string;
  id?: string;
  body: string;
  from: "agent" | "visitor";
  at: string;
  agentName?: string;
  status: "pending" | "sent" | "failed";
  error?: string;
}

export interface ChatViewHandlers {
  opened(): void;
  send(body: string): void;
  introduce(details: { name?: string; email?: string }): void;
  typing(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function icon(path: string, className = ""): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  if (className) svg.setAttribute("class", className);
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

const CHAT_ICON = "M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z";
const SEND_ICON = "M22 2 11 13M22 2l-7 20-4-9-9-4z";
const CLOSE_ICON = "m6 9 6 6 6-6";

const timeOf = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

export function createChatView(host: HTMLElement, handlers: ChatViewHandlers) {
  const shadow = host.attachShadow({ mode: "open" });

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

  const close = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, ["×"]);
  const header = el("div", { class: "header" }, [
    el("div", {}, [
      el("h2", { class: "title", id: "sb-title" }, ["Chat with us"]),
      el("p", { class: "subtitle" }, ["We usually reply in a few minutes"]),
    ]),
    close,
  ]);

  const nameInput = el("input", { id: "sb-name", name: "name", autocomplete: "name", maxlength: "200" });
  const emailInput = el("input", {
    id: "sb-email",
    name: "email",
    type: "email",
    autocomplete: "email",
    maxlength: "320",
  });
  const skip = el("button", { type: "button", class: "skip" }, ["Skip"]);
  const prechat = el("form", { class: "prechat", "aria-label": "Introduce yourself", hidden: "" }, [
    el("p", {}, ["Tell us who you are so we can follow up, or skip and just ask."]),
    el("label", { class: "field", for: "sb-name" }, ["Name", nameInput]),
    el("label", { class: "field", for: "sb-email" }, ["Email", emailInput]),
    el("div", { class: "actions" }, [skip, el("button", { type: "submit", class: "start" }, ["Start chat"])]),
  ]);

  const list = el("ol", { class: "messages", "aria-label": "Messages" });
  const empty = el("p", { class: "empty" }, ["Hi there! How can we help?"]);
  const body = el("div", { class: "body", role: "log", "aria-live": "polite", tabindex: "0" }, [
    prechat,
    empty,
    list,
  ]);
  const typingLine = el("div", { class: "typing", "aria-live": "polite" });
  const queueLine = el("div", { class: "queue", role: "status", "data-testid": "sb-chat-queue" });
  const status = el("div", { class: "status", role: "status" });

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

  const panel = el(
    "section",
    { class: "panel", id: "sb-panel", role: "dialog", "aria-labelledby": "sb-title", hidden: "" },
    [
      header,
      body,
      queueLine,
      typingLine,
      status,
      composer,
      el("div", { class: "brand" }, ["Powered by Switchboard"]),
    ],
  );

  shadow.append(el("style", {}, [WIDGET_CSS]), el("div", { class: "root" }, [panel, bubble]));

  let isOpen = false;
  let unreadCount = 0;

  function setOpen(open: boolean): void {
    isOpen = open;
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", String(open));
    bubble.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (open) {
      unreadCount = 0;
      unread.hidden = true;
      handlers.opened();
      body.scrollTop = body.scrollHeight;
      (prechat.hidden ? input : nameInput).focus();
    } else {
      bubble.focus();
    }
  }

  function submitMessage(): void {
    const text = input.value.trim();
    if (!text) return;
    prechat.hidden = true;
    handlers.send(text);
    input.value = "";
    fitInput();
    updateSend();
  }

  function fitInput(): void {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  }

  function updateSend(): void {
    send.disabled = !input.value.trim();
  }

  bubble.addEventListener("click", () => setOpen(!isOpen));
  close.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submitMessage();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitMessage();
    }
  });
  input.addEventListener("input", () => {
    fitInput();
    updateSend();
    if (input.value) handlers.typing();
  });
  prechat.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    const email = emailInput.value.trim();
    prechat.hidden = true;
    handlers.introduce({ ...(name ? { name } : {}), ...(email ? { email } : {}) });
    empty.textContent = name ? `Hi ${name}! How can we help?` : "Hi there! How can we help?";
    input.focus();
  });
  skip.addEventListener("click", () => {
    prechat.hidden = true;
    input.focus();
  });
  updateSend();

  return {
    isOpen: () => isOpen,
    showPrechat(show: boolean): void {
      prechat.hidden = !show;
    },
    render(messages: ViewMessage[]): void {
      const nearBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
      empty.hidden = messages.length > 0;
      list.replaceChildren(
        ...messages.map((message, index) => {
          const previous = messages[index - 1];
          const item = el("li", {
            class: "message",
            "data-testid": "sb-chat-message",
            "data-from": message.from,
            "data-status": message.status,
          });
          if (
            message.from === "agent" &&
            (previous?.from !== "agent" || previous.agentName !== message.agentName)
          )
            item.append(el("span", { class: "who" }, [message.agentName ?? "Support"]));
          item.append(el("div", { class: "text" }, [message.body]));
          const note =
            message.status === "failed"
              ? `Not sent: ${message.error ?? "try again"}`
              : message.status === "pending"
                ? "Sending…"
                : messages[index + 1]?.from !== message.from
                  ? timeOf(message.at)
                  : "";
          if (note) item.append(el("span", { class: "note" }, [note]));
          return item;
        }),
      );
      if (nearBottom) body.scrollTop = body.scrollHeight;
    },
    agentMessageArrived(): void {
      if (isOpen) return;
      unreadCount += 1;
      unread.textContent = String(unreadCount);
      unread.hidden = false;
      bubble.setAttribute("aria-label", `Open chat, ${unreadCount} new`);
    },
    setAgentTyping(isTyping: boolean): void {
      typingLine.textContent = isTyping ? "Agent is typing…" : "";
    },
    setStatus(text: string): void {
      status.textContent = text;
    },
    /** "You are number 3 in line (about 2 min)"; null once an agent has the chat. */
    setQueuePlace(place: { position: number; estimatedWaitSeconds: number | null } | null): void {
      if (!place) {
        queueLine.textContent = "";
        return;
      }
      const wait =
        place.estimatedWaitSeconds === null
          ? ""
          : ` (about ${Math.max(1, Math.round(place.estimatedWaitSeconds / 60))} min)`;
      queueLine.textContent =
        place.position === 1
          ? `You are next in line${wait}.`
          : `You are number ${place.position} in line${wait}.`;
    },
  };
}

export type ChatView = ReturnType<typeof createChatView>;

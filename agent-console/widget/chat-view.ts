/** The widget's DOM, built inside an open shadow root. Message text is only ever set as text, never HTML. */
import { messageItem } from "./chat-messages.ts";
import { buildBubble, buildPanel, type ChatPanel } from "./chat-parts.ts";
import { el } from "./dom.ts";
import { type SendLeftMessage, wireLeaveForm } from "./leave-message.ts";
import { buildRatingForm, type SendRating } from "./rating-form.ts";
import { applyAppearance, type PublicWidgetSettings } from "./widget-settings.ts";
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
  /** The message that resolved the chat: the rating is asked under it. */
  askRating?: true;
}

export interface ChatViewHandlers {
  opened(): void;
  send(body: string): void;
  introduce(details: { name?: string; email?: string }): void;
  typing(): void;
  /** Sends the visitor's rating; resolves with an error to show, or null once stored. */
  rate: SendRating;
  leaveMessage: SendLeftMessage;
  /** The panel opened or closed, by the visitor or by the widget itself. */
  toggled?(open: boolean, byVisitor: boolean): void;
}

/** The composer: Enter sends, Shift+Enter breaks the line, the box grows with its text. */
function wireComposer(parts: ChatPanel, handlers: ChatViewHandlers): void {
  const { input, send, composer, prechat } = parts;
  const fitInput = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
  };
  const updateSend = () => {
    send.disabled = !input.value.trim();
  };
  const submitMessage = () => {
    const text = input.value.trim();
    if (!text) return;
    prechat.hidden = true;
    handlers.send(text);
    input.value = "";
    fitInput();
    updateSend();
  };
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
  updateSend();
}

/** The pre-chat form: introduce yourself, or (when nothing is required) skip straight to asking. */
function wirePrechat(parts: ChatPanel, handlers: ChatViewHandlers, closePrechat: () => void): void {
  const { prechat, nameInput, emailInput, skip, empty, input } = parts;
  prechat.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    const email = emailInput.value.trim();
    closePrechat();
    handlers.introduce({ ...(name ? { name } : {}), ...(email ? { email } : {}) });
    if (name) empty.textContent = `Hi ${name}! How can we help?`;
    input.focus();
  });
  skip.addEventListener("click", () => {
    closePrechat();
    input.focus();
  });
}

/** Shows the pre-chat fields the settings ask for, marks the required ones; none: no form at all. */
function configurePrechat(parts: ChatPanel, preChat: PublicWidgetSettings["preChat"]): boolean {
  const fields = [
    { mode: preChat.name, field: parts.nameField, input: parts.nameInput, label: "Name" },
    { mode: preChat.email, field: parts.emailField, input: parts.emailInput, label: "Email" },
  ];
  for (const { mode, field, input, label } of fields) {
    field.hidden = mode === "off";
    input.required = mode === "required";
    if (field.firstChild) field.firstChild.textContent = mode === "required" ? `${label} (required)` : label;
  }
  const required = fields.some(({ mode }) => mode === "required");
  parts.skip.hidden = required;
  parts.intro.textContent = required
    ? "Tell us who you are to start the chat."
    : "Tell us who you are so we can follow up, or skip and just ask.";
  return fields.some(({ mode }) => mode !== "off");
}

/** `findLastIndex`, which the older browsers the widget supports (ES2019) lack. */
function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index]!)) return index;
  return -1;
}

export function createChatView(host: HTMLElement, handlers: ChatViewHandlers) {
  const shadow = host.attachShadow({ mode: "open" });
  const { bubble, unread } = buildBubble();
  const parts = buildPanel();
  const { panel, body, list, empty, prechat } = parts;
  shadow.append(el("style", {}, [WIDGET_CSS]), el("div", { class: "root" }, [panel, bubble]));

  let isOpen = false;
  let unreadCount = 0;
  let rating: HTMLFormElement | undefined;
  let mode: "chat" | "leave" = "chat";
  let asksIntroduction = true;
  let requiresIntroduction = false;
  const root = shadow.querySelector<HTMLElement>(".root")!;

  /** While a required pre-chat form shows, the composer waits for it. */
  function setPrechat(show: boolean): void {
    prechat.hidden = !show;
    const waiting = show && requiresIntroduction;
    parts.input.disabled = waiting;
    parts.input.placeholder = waiting ? "Introduce yourself above to start" : "Type your message…";
  }

  /** `byVisitor` false: the widget reopened itself after a reload, and leaves the page's focus alone. */
  function setOpen(open: boolean, byVisitor = true): void {
    isOpen = open;
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", String(open));
    bubble.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    handlers.toggled?.(open, byVisitor);
    if (open) {
      unreadCount = 0;
      unread.hidden = true;
      handlers.opened();
      body.scrollTop = body.scrollHeight;
      if (!byVisitor) return;
      if (mode === "leave") parts.leave.nameInput.focus();
      else (prechat.hidden ? parts.input : parts.nameInput).focus();
    } else {
      bubble.focus();
    }
  }

  bubble.addEventListener("click", () => setOpen(!isOpen));
  parts.close.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });
  wireComposer(parts, handlers);
  wirePrechat(parts, handlers, () => setPrechat(false));
  wireLeaveForm(parts.leave, handlers.leaveMessage);

  return {
    isOpen: () => isOpen,
    /** Opens the panel without taking the page's focus (a live chat after a reload). */
    reopen: () => {
      if (!isOpen) setOpen(true, false);
    },
    showPrechat(show: boolean): void {
      setPrechat(show && asksIntroduction);
    },
    applySettings(settings: PublicWidgetSettings): void {
      applyAppearance(root, settings);
      if (!parts.nameInput.value) empty.textContent = settings.greeting;
      asksIntroduction = configurePrechat(parts, settings.preChat);
      requiresIntroduction = settings.preChat.name === "required" || settings.preChat.email === "required";
      if (!prechat.hidden) setPrechat(asksIntroduction);
    },
    /** Chat, or "leave a message" when nobody can chat: the form replaces the composer. */
    setMode(next: "chat" | "leave"): void {
      mode = next;
      const leaving = next === "leave";
      // In the panel only while offered, so its fields never shadow the pre-chat form's.
      if (leaving && !parts.leave.form.isConnected) list.after(parts.leave.form, parts.leave.done);
      if (!leaving) {
        parts.leave.form.remove();
        parts.leave.done.remove();
      }
      if (leaving) setPrechat(false);
      parts.leave.form.hidden = !leaving || !parts.leave.done.hidden;
      parts.composer.hidden = leaving;
      empty.hidden = leaving || list.childElementCount > 0;
    },
    render(messages: ViewMessage[]): void {
      const nearBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
      empty.hidden = messages.length > 0 || mode === "leave";
      list.replaceChildren(
        ...messages.map((message, index) => messageItem(message, messages[index - 1], messages[index + 1])),
      );
      // Asked while the resolving message is the latest word: a new visitor message reopens the chat.
      const asked = lastIndex(messages, (message) => message.askRating === true);
      const wrote = lastIndex(messages, (message) => message.from === "visitor");
      if (asked >= 0 && asked > wrote) {
        rating ??= buildRatingForm(handlers.rate);
        if (!rating.isConnected) list.after(rating);
      } else rating?.remove();
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
      parts.typingLine.textContent = isTyping ? "Agent is typing…" : "";
    },
    setStatus(text: string): void {
      parts.status.textContent = text;
    },
    /** The one line about the wait (wait-line.ts). */
    setWait(text: string): void {
      parts.waitLine.textContent = text;
    },
  };
}

export type ChatView = ReturnType<typeof createChatView>;

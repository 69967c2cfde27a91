/** The widget's DOM, built inside an open shadow root. Message text is only ever set as text, never HTML. */
import { messageItem, queuePlaceText } from "./chat-messages.ts";
import { buildBubble, buildPanel, type ChatPanel } from "./chat-parts.ts";
import { el } from "./dom.ts";
import { buildRatingForm, type SendRating } from "./rating-form.ts";
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

/** The pre-chat form: introduce yourself, or skip straight to asking. */
function wirePrechat(parts: ChatPanel, handlers: ChatViewHandlers): void {
  const { prechat, nameInput, emailInput, skip, empty, input } = parts;
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
      (prechat.hidden ? parts.input : parts.nameInput).focus();
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
  wirePrechat(parts, handlers);

  return {
    isOpen: () => isOpen,
    showPrechat(show: boolean): void {
      prechat.hidden = !show;
    },
    render(messages: ViewMessage[]): void {
      const nearBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
      empty.hidden = messages.length > 0;
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
    /** "You are number 3 in line (about 2 min)"; null once an agent has the chat. */
    setQueuePlace(place: { position: number; estimatedWaitSeconds: number | null } | null): void {
      parts.queueLine.textContent = queuePlaceText(place);
    },
  };
}

export type ChatView = ReturnType<typeof createChatView>;

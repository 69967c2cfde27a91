/**
 * Switchboard web chat. Any site adds it with one tag:
 *   <script src="https://support.example.com/widget.js" async></script>
 * The server is wherever this script came from. A visitor with a stored token is reconnected at
 * once and sees the conversation so far; everyone else connects on first opening the chat.
 */
import { type ChatMessage, createChatConnection, hasConversation } from "./chat-connection.ts";
import { createChatView, type ViewMessage } from "./chat-view.ts";

const TYPING_IDLE_MS = 3_000;
/** An agent whose "stopped typing" never arrives stops counting as typing after this. */
const AGENT_TYPING_STALE_MS = 8_000;

declare global {
  interface Window {
    __switchboardChat?: boolean;
  }
}

/** Read while the script runs: `currentScript` is null in any later callback. */
function scriptOrigin(): string {
  const script =
    document.currentScript instanceof HTMLScriptElement
      ? document.currentScript
      : Array.from(document.querySelectorAll<HTMLScriptElement>("script[src]")).find((s) =>
          /\/widget\.js(\?|$)/.test(s.src),
        );
  return script?.src ? new URL(script.src, window.location.href).origin : window.location.origin;
}

function start(origin: string): void {
  const host = document.createElement("switchboard-chat");
  document.body.append(host);

  let messages: ViewMessage[] = [];
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let visitorTyping = false;
  let started = hasConversation();

  const fromServer = (message: ChatMessage): ViewMessage => ({ ...message, key: message.id, status: "sent" });
  const render = () => view.render(messages);

  function stopTyping(): void {
    clearTimeout(typingTimer);
    if (visitorTyping) {
      visitorTyping = false;
      connection.typing(false);
    }
  }

  function setAgentTyping(isTyping: boolean): void {
    clearTimeout(agentTypingTimer);
    view.setAgentTyping(isTyping);
    if (isTyping) agentTypingTimer = setTimeout(() => view.setAgentTyping(false), AGENT_TYPING_STALE_MS);
  }

  const connection = createChatConnection(origin, {
    history(history) {
      // The server's history is the truth for stored messages; unsent ones stay after it, and messages
      // of an earlier conversation that the history no longer lists stay before it.
      const ids = new Set(history.map((m) => m.id));
      const earlier = messages.filter((m) => m.id && !ids.has(m.id));
      const unsent = messages.filter((m) => !m.id);
      messages = [...earlier, ...history.map(fromServer), ...unsent];
      if (history.length) started = true;
      render();
    },
    message(message) {
      if (messages.some((m) => m.id === message.id)) return;
      messages = [...messages, fromServer(message)];
      setAgentTyping(false);
      view.setQueuePlace(null);
      view.agentMessageArrived();
      render();
    },
    agentTyping(isTyping) {
      if (isTyping) view.setQueuePlace(null);
      setAgentTyping(isTyping);
    },
    queuePosition: (place) => view.setQueuePlace(place),
    status(status) {
      view.setStatus(status === "offline" && started ? "Connection lost. Reconnecting…" : "");
    },
    sendResult(clientId, result) {
      messages = messages.map((m) => {
        if (m.key !== clientId) return m;
        return "id" in result
          ? { ...m, id: result.id, status: "sent" as const }
          : { ...m, status: "failed" as const, error: result.error };
      });
      // The same id may already be listed via a history that arrived first.
      messages = messages.filter((m, index) => !m.id || messages.findIndex((o) => o.id === m.id) === index);
      render();
    },
  });

  const view = createChatView(host, {
    opened() {
      connection.connect();
      view.showPrechat(!started);
    },
    send(body) {
      started = true;
      stopTyping();
      const clientId = connection.send(body);
      messages = [
        ...messages,
        { key: clientId, body, from: "visitor", at: new Date().toISOString(), status: "pending" },
      ];
      render();
    },
    introduce(details) {
      started = true;
      connection.introduce(details);
    },
    typing() {
      if (!visitorTyping) {
        visitorTyping = true;
        connection.typing(true);
      }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
    },
  });

  if (started) connection.connect();
}

if (!window.__switchboardChat) {
  window.__switchboardChat = true;
  const origin = scriptOrigin();
  if (document.body) start(origin);
  else document.addEventListener("DOMContentLoaded", () => start(origin), { once: true });
}

/**
 * Switchboard web chat. Any site adds it with one tag:
 *   <script src="https://support.example.com/widget.js" async></script>
 * The server is wherever this script came from. A visitor with a stored token is reconnected at
 * once and sees the conversation so far; everyone else connects on first opening the chat.
 */
import { createChatConnection, hasConversation } from "./chat-connection.ts";
import { createChatView, type ViewMessage } from "./chat-view.ts";
import { fromServer, withHistory, withSendResult } from "./message-list.ts";

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

/** The visitor's "typing" signal: sent once when typing starts, and "stopped" after a pause or on sending. */
function visitorTypingSignal(signal: (isTyping: boolean) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let typing = false;
  function stop(): void {
    clearTimeout(timer);
    if (typing) {
      typing = false;
      signal(false);
    }
  }
  function typed(): void {
    if (!typing) {
      typing = true;
      signal(true);
    }
    clearTimeout(timer);
    timer = setTimeout(stop, TYPING_IDLE_MS);
  }
  return { typed, stop };
}

/** The agent's typing line, cleared if their "stopped typing" never arrives. */
function agentTypingLine(show: (isTyping: boolean) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (isTyping: boolean): void => {
    clearTimeout(timer);
    show(isTyping);
    if (isTyping) timer = setTimeout(() => show(false), AGENT_TYPING_STALE_MS);
  };
}

function start(origin: string): void {
  const host = document.createElement("switchboard-chat");
  document.body.append(host);

  let messages: ViewMessage[] = [];
  let started = hasConversation();
  const render = () => view.render(messages);
  const setAgentTyping = agentTypingLine((isTyping) => view.setAgentTyping(isTyping));

  const connection = createChatConnection(origin, {
    history(history) {
      messages = withHistory(messages, history);
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
      messages = withSendResult(messages, clientId, result);
      render();
    },
  });
  const visitorTyping = visitorTypingSignal((isTyping) => connection.typing(isTyping));

  const view = createChatView(host, {
    opened() {
      connection.connect();
      view.showPrechat(!started);
    },
    send(body) {
      started = true;
      visitorTyping.stop();
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
    typing: visitorTyping.typed,
    rate: (rating, comment) => connection.rate(rating, comment),
  });

  if (started) connection.connect();
}

if (!window.__switchboardChat) {
  window.__switchboardChat = true;
  const origin = scriptOrigin();
  if (document.body) start(origin);
  else document.addEventListener("DOMContentLoaded", () => start(origin), { once: true });
}

/**
 * Switchboard web chat. Any site adds it with one tag:
 *   <script src="https://support.example.com/widget.js" async></script>
 * The server is wherever this script came from. The widget reads its look (colour, corner, greeting,
 * pre-chat fields) before showing the bubble. A visitor with a stored token is reconnected at once,
 * and the panel reopens on a chat still under way; everyone else connects on first opening the chat.
 * When a new chat would not be answered (closed, nobody available) it offers "leave a message".
 */
import { type ChatConnectionEvents, createChatConnection, hasConversation } from "./chat-connection.ts";
import { type ChatView, createChatView, type ViewMessage } from "./chat-view.ts";
import { fromServer, withHistory, withSendResult } from "./message-list.ts";
import { type WaitState, waitText } from "./wait-line.ts";
import { fetchSettings } from "./widget-settings.ts";

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

const CLOSED_KEY = "switchboard.chatClosed";

/** Whether the visitor closed the panel during this browsing session: a reload then keeps it closed. */
const closedByVisitor = {
  get(): boolean {
    try {
      return sessionStorage.getItem(CLOSED_KEY) === "1";
    } catch {
      return false;
    }
  },
  set(closed: boolean): void {
    try {
      if (closed) sessionStorage.setItem(CLOSED_KEY, "1");
      else sessionStorage.removeItem(CLOSED_KEY);
    } catch {
      // Storage blocked: the panel reopens on every reload while the chat is live.
    }
  },
};

/** What the widget knows about the conversation, shared by the connection's events and the view's. */
interface WidgetState {
  messages: ViewMessage[];
  /** The visitor has a conversation (a stored token) or introduced themselves on this page. */
  started: boolean;
  greeted: boolean;
  prechatOffered: boolean;
  wait: WaitState;
}

/** How the widget answers what the server says. `view` is read late: it is built after the connection. */
function connectionEvents(state: WidgetState, view: () => ChatView): ChatConnectionEvents {
  const { wait } = state;
  const render = () => view().render(state.messages);
  const showWait = () => view().setWait(waitText(wait));
  const setAgentTyping = agentTypingLine((isTyping) => view().setAgentTyping(isTyping));
  return {
    history(history) {
      state.messages = withHistory(state.messages, history);
      if (history.length) state.started = true;
      const lastAgent = [...history].reverse().find((message) => message.from === "agent");
      wait.agentName = lastAgent ? (lastAgent.agentName ?? "Support") : null;
      render();
    },
    greeted(greeting) {
      state.greeted = true;
      wait.live = greeting.live || wait.live;
      wait.availability = greeting.availability;
      if (!wait.live) wait.agentName = null;
      view().applySettings(greeting.widget);
      if (greeting.live && !closedByVisitor.get()) view().reopen();
      decideMode(state, view());
    },
    message(message) {
      if (state.messages.some((m) => m.id === message.id)) return;
      state.messages = [...state.messages, fromServer(message)];
      setAgentTyping(false);
      wait.place = null;
      wait.agentName = message.agentName ?? "Support";
      showWait();
      view().agentMessageArrived();
      render();
    },
    agentTyping(isTyping) {
      if (isTyping) {
        wait.place = null;
        showWait();
      }
      setAgentTyping(isTyping);
    },
    queuePosition(place) {
      wait.place = place;
      showWait();
    },
    status(status) {
      view().setStatus(status === "offline" && state.started ? "Connection lost. Reconnecting…" : "");
    },
    sendResult(clientId, result) {
      state.messages = withSendResult(state.messages, clientId, result);
      render();
    },
  };
}

/** Chat, or "leave a message" when a new chat would not be answered and none is under way. */
function decideMode(state: WidgetState, view: ChatView): void {
  if (!state.greeted) return;
  const leave = !state.wait.live && state.wait.availability !== "open";
  view.setMode(leave ? "leave" : "chat");
  if (!leave && !state.prechatOffered) {
    state.prechatOffered = true;
    view.showPrechat(!state.started);
  }
  view.setWait(waitText(state.wait));
}

async function start(origin: string): Promise<void> {
  // The look first, so the bubble appears in the team's colour and corner.
  const settings = await fetchSettings(origin);
  const host = document.createElement("switchboard-chat");
  document.body.append(host);

  const state: WidgetState = {
    messages: [],
    started: hasConversation(),
    greeted: false,
    prechatOffered: false,
    wait: { availability: null, live: false, place: null, agentName: null },
  };
  const connection = createChatConnection(
    origin,
    connectionEvents(state, () => view),
  );
  const visitorTyping = visitorTypingSignal((isTyping) => connection.typing(isTyping));

  const view = createChatView(host, {
    opened() {
      connection.connect();
      decideMode(state, view);
    },
    toggled(open, byVisitor) {
      if (byVisitor) closedByVisitor.set(!open);
    },
    send(body) {
      state.started = true;
      state.wait.live = true;
      visitorTyping.stop();
      const clientId = connection.send(body);
      state.messages = [
        ...state.messages,
        { key: clientId, body, from: "visitor", at: new Date().toISOString(), status: "pending" },
      ];
      view.render(state.messages);
    },
    introduce(details) {
      state.started = true;
      connection.introduce(details);
    },
    typing: visitorTyping.typed,
    rate: (rating, comment) => connection.rate(rating, comment),
    leaveMessage: (input) => connection.leaveMessage(input),
  });
  view.applySettings(settings);
  view.setWait(waitText(state.wait));

  if (state.started) connection.connect();
}

if (!window.__switchboardChat) {
  window.__switchboardChat = true;
  const origin = scriptOrigin();
  if (document.body) void start(origin);
  else document.addEventListener("DOMContentLoaded", () => void start(origin), { once: true });
}

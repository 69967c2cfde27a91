/** The widget's list of messages: pure steps from what the server said to what the visitor sees. */
import type { ChatMessage } from "./chat-connection.ts";
import type { ViewMessage } from "./chat-view.ts";

export const fromServer = (message: ChatMessage): ViewMessage => ({
  ...message,
  key: message.id,
  status: "sent",
});

/**
 * The server's history is the truth for stored messages; unsent ones stay after it, and messages
 * of an earlier conversation that the history no longer lists stay before it.
 */
export function withHistory(messages: ViewMessage[], history: ChatMessage[]): ViewMessage[] {
  const ids = new Set(history.map((m) => m.id));
  const earlier = messages.filter((m) => m.id && !ids.has(m.id));
  const unsent = messages.filter((m) => !m.id);
  return [...earlier, ...history.map(fromServer), ...unsent];
}

/** A sent message marked stored or failed. */
export function withSendResult(
  messages: ViewMessage[],
  clientId: string,
  result: { id: string } | { error: string },
): ViewMessage[] {
  const marked = messages.map((m) => {
    if (m.key !== clientId) return m;
    return "id" in result
      ? { ...m, id: result.id, status: "sent" as const }
      : { ...m, status: "failed" as const, error: result.error };
  });
  // The same id may already be listed via a history that arrived first.
  return marked.filter((m, index) => !m.id || marked.findIndex((o) => o.id === m.id) === index);
}

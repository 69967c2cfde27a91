/**
 * Single-key shortcuts, as in Gmail and Zendesk: active only when focus is not in a text field and
 * no modifier is held, so they never steal a typed letter.
 */
import { useEffect, useRef } from "react";

export interface Shortcut {
  key: string;
  description: string;
}

/** Every shortcut the console has, for the help overlay. */
export const SHORTCUTS: { group: string; items: Shortcut[] }[] = [
  {
    group: "Anywhere",
    items: [
      { key: "?", description: "Show this help" },
      { key: "g then i", description: "Go to the inbox" },
      { key: "g then c", description: "Go to contacts" },
      { key: "a", description: "Accept the oldest incoming offer" },
    ],
  },
  { group: "Inbox", items: [{ key: "/", description: "Search cases" }] },
  {
    group: "Case",
    items: [
      { key: "r", description: "Reply to the customer" },
      { key: "n", description: "Write an internal note" },
      { key: "e", description: "Resolve the case" },
      { key: "w", description: "Set waiting on the customer" },
      { key: "t", description: "Transfer" },
      { key: "p", description: "Change the priority" },
      { key: "Esc", description: "Leave the text field" },
    ],
  },
];

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target.tagName === "INPUT" ||
    target.tagName === "TEXTAREA" ||
    target.tagName === "SELECT"
  );
}

/** Calls `handlers[key]` for a plain key press outside text fields. */
export function useShortcuts(handlers: Record<string, () => void>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.key === "Escape" && typingInField(event.target)) {
        (event.target as HTMLElement).blur();
        return;
      }
      if (typingInField(event.target)) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

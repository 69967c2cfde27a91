/**
 * Typing `/` and a few letters in a reply offers the canned responses whose short code or title
 * match (best first: the code's start, then anywhere in code or title, then the letters in order);
 * ↑ ↓ choose, Enter or Tab inserts it filled for this case in place of what was typed, Escape
 * closes the list.
 */
import { Button, Group, Text } from "@mantine/core";
import { type KeyboardEvent, useState } from "react";
import type { Channel } from "../api/types.ts";
import { type CannedResponse, useCannedList } from "./canned-picker.tsx";

const SLASH = /(?:^|\s)\/([\w-]*)$/;
const SHOWN = 6;

/** How well `query` matches a canned response: lower is better, null for no match. */
export function slashScore(
  query: string,
  canned: Pick<CannedResponse, "shortCode" | "title">,
): number | null {
  const q = query.toLowerCase();
  const code = canned.shortCode.toLowerCase();
  const title = canned.title.toLowerCase();
  if (code.startsWith(q)) return 0;
  if (code.includes(q)) return 1;
  if (title.includes(q)) return 2;
  // The letters in order, anywhere ("rfd" finds "refund").
  let at = 0;
  const haystack = `${code} ${title}`;
  for (const letter of q) {
    at = haystack.indexOf(letter, at);
    if (at < 0) return null;
    at += 1;
  }
  return 3;
}

export function useSlashCanned(draft: string, channel: Channel, enabled: boolean) {
  const [chosen, setChosen] = useState(0);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const canned = useCannedList(channel).data ?? [];
  const typed = enabled ? SLASH.exec(draft)?.[1] : undefined;
  const matches =
    typed === undefined || closedFor === draft
      ? []
      : canned
          .map((item) => ({ item, score: slashScore(typed, item) }))
          .filter((entry): entry is { item: CannedResponse; score: number } => entry.score !== null)
          .sort((a, b) => a.score - b.score || a.item.shortCode.localeCompare(b.item.shortCode))
          .slice(0, SHOWN)
          .map((entry) => entry.item);
  const highlighted = Math.min(chosen, Math.max(0, matches.length - 1));

  return {
    matches,
    highlighted,
    /** The draft with the typed `/code` replaced by a body. */
    replaceTyped: (current: string, body: string) => current.replace(/\/[\w-]*$/, body),
    /** Handles the list's keys; true when the key was the list's and the draft must not act on it. */
    onKey(event: KeyboardEvent<HTMLTextAreaElement>, insert: (item: CannedResponse) => void): boolean {
      if (!matches.length) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        const step = event.key === "ArrowDown" ? 1 : -1;
        setChosen((highlighted + step + matches.length) % matches.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        insert(matches[highlighted]!);
        setChosen(0);
      } else if (event.key === "Escape") {
        setClosedFor(draft);
      } else {
        return false;
      }
      event.preventDefault();
      return true;
    },
  };
}

export function SlashSuggestions({
  matches,
  highlighted,
  onPick,
}: {
  matches: CannedResponse[];
  highlighted: number;
  onPick(item: CannedResponse): void;
}) {
  return (
    <Group gap={6} mb={6} role="listbox" aria-label="Canned responses" data-testid="slash-suggestions">
      <Text fz="xs" c="dimmed">
        Canned:
      </Text>
      {matches.map((item, i) => (
        <Button
          key={item.id}
          size="compact-xs"
          role="option"
          aria-selected={i === highlighted}
          variant={i === highlighted ? "filled" : "light"}
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(item)}
          title={item.body}
        >
          /{item.shortCode} · {item.title}
        </Button>
      ))}
      <Text fz="xs" c="dimmed">
        ↑ ↓ to choose, Enter to insert, Esc to close
      </Text>
    </Group>
  );
}

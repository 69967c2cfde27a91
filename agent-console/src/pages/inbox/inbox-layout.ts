/**
 * Which inbox columns fit a table of a given width. The table never scrolls sideways: it drops
 * the least needed columns first (CSAT and channel, then case number and activity, then the
 * customer), folding what it drops into the subject's second line, and below the narrowest
 * table it becomes a list of cards (a phone, or a tablet with the sidebar open).
 */

export const INBOX_COLUMNS = [
  "select",
  "sla",
  "number",
  "customer",
  "subject",
  "assignee",
  "channel",
  "state",
  "priority",
  "csat",
  "updatedAt",
] as const;
export type InboxColumn = (typeof INBOX_COLUMNS)[number];

/** Each column's grid track and the least width it can do with. */
const TRACKS: Record<InboxColumn, { min: number; track: string }> = {
  select: { min: 24, track: "24px" },
  sla: { min: 118, track: "118px" },
  number: { min: 52, track: "52px" },
  customer: { min: 96, track: "minmax(96px, 1.2fr)" },
  subject: { min: 150, track: "minmax(150px, 2fr)" },
  assignee: { min: 88, track: "minmax(88px, 1fr)" },
  channel: { min: 64, track: "64px" },
  state: { min: 124, track: "124px" },
  priority: { min: 68, track: "68px" },
  csat: { min: 72, track: "72px" },
  updatedAt: { min: 76, track: "76px" },
};

/** Dropped in this order, each step at once: what an agent needs least to pick the next case. */
const DROP_STEPS: InboxColumn[][] = [[], ["csat", "channel"], ["number", "updatedAt"], ["customer"]];

/** Gap between grid cells and the row's side padding (inbox-table.module.css). */
export const COLUMN_GAP = 8;
export const ROW_PADDING = 12;
export const TABLE_ROW_HEIGHT = 44;
export const CARD_ROW_HEIGHT = 80;

export interface InboxLayout {
  kind: "table" | "cards";
  /** The columns shown, in order. */
  columns: InboxColumn[];
  /** Shown on the subject's second line (or in the card) instead of in a column of their own. */
  folded: ReadonlySet<InboxColumn>;
  /** CSS grid-template-columns of the header and each row. */
  template: string;
  rowHeight: number;
}

/** The width the columns need at least, gaps and padding included. */
export function minimumWidth(columns: readonly InboxColumn[]): number {
  const tracks = columns.reduce((sum, column) => sum + TRACKS[column].min, 0);
  return tracks + COLUMN_GAP * (columns.length - 1) + ROW_PADDING * 2;
}

/** The layout for rows `width` pixels wide (0 = not measured yet: the widest). */
export function inboxLayout(width: number): InboxLayout {
  const dropped: InboxColumn[] = [];
  for (const step of DROP_STEPS) {
    dropped.push(...step);
    const columns = INBOX_COLUMNS.filter((column) => !dropped.includes(column));
    if (width === 0 || minimumWidth(columns) <= width)
      return {
        kind: "table",
        columns,
        folded: new Set(dropped),
        template: columns.map((column) => TRACKS[column].track).join(" "),
        rowHeight: TABLE_ROW_HEIGHT,
      };
  }
  return {
    kind: "cards",
    columns: ["select", "subject"],
    folded: new Set(INBOX_COLUMNS.filter((column) => column !== "select" && column !== "subject")),
    template: `${TRACKS.select.track} minmax(0, 1fr)`,
    rowHeight: CARD_ROW_HEIGHT,
  };
}

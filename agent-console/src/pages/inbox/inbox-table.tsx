/**
 * The inbox as a table: TanStack Table builds the rows and columns, TanStack Virtual renders only
 * the rows on screen, and the next page of 100 is read when the agent scrolls near the end, so ten
 * thousand cases cost what forty do.
 */
import { Center, Loader, Text } from "@mantine/core";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import { defaultRangeExtractor, type Range, useVirtualizer, type VirtualItem } from "@tanstack/react-virtual";
import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import type { CaseListItem } from "../../api/types.ts";
import { ChannelBadge } from "../../components/channel-badge.tsx";
import { contactName } from "../../lib/format.ts";
import { navigate, pathOf } from "../../lib/router.ts";
import { useNow } from "../../lib/use-now.ts";
import {
  AssigneeCell,
  CsatCell,
  type InboxSelection,
  NowContext,
  SelectAllBox,
  SelectBox,
  SelectionContext,
  SlaCell,
  UpdatedCell,
} from "./inbox-cells.tsx";
import { type InboxLayout, inboxLayout } from "./inbox-layout.ts";
import { LayoutContext, PriorityBadge, StateBadge, SubjectCell } from "./inbox-subject.tsx";
import classes from "./inbox-table.module.css";

export type { InboxSelection };

type CaseSummary = CaseListItem;

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, CaseSummary>();
const columns = helper.columns([
  helper.display({
    id: "select",
    header: () => <SelectAllBox />,
    cell: ({ row }) => <SelectBox summary={row.original} />,
  }),
  helper.display({ id: "sla", header: "SLA", cell: ({ row }) => <SlaCell summary={row.original} /> }),
  helper.accessor("number", { header: "Case", cell: ({ getValue }) => `#${getValue()}` }),
  helper.accessor((row) => contactName(row.contact), {
    id: "customer",
    header: "Customer",
    cell: ({ getValue }) => (
      <Text component="span" fz="sm" fw={600}>
        {getValue()}
      </Text>
    ),
  }),
  helper.accessor("subject", {
    header: "Subject",
    cell: ({ row }) => <SubjectCell summary={row.original} />,
  }),
  helper.display({
    id: "assignee",
    header: "Assignee",
    cell: ({ row }) => <AssigneeCell summary={row.original} />,
  }),
  helper.accessor("channel", {
    header: "Channel",
    cell: ({ getValue }) => <ChannelBadge channel={getValue()} size="xs" />,
  }),
  helper.accessor("state", { header: "Status", cell: ({ row }) => <StateBadge summary={row.original} /> }),
  helper.accessor("priority", {
    header: "Priority",
    cell: ({ row }) => <PriorityBadge summary={row.original} />,
  }),
  helper.display({ id: "csat", header: "CSAT", cell: ({ row }) => <CsatCell summary={row.original} /> }),
  helper.accessor("updatedAt", {
    header: "Activity",
    cell: ({ getValue }) => <UpdatedCell iso={getValue()} />,
  }),
]);

interface InboxTableProps {
  cases: CaseSummary[];
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  emptyText: string;
  selection?: InboxSelection;
}

function useInboxTable(cases: CaseSummary[]) {
  return useTable({ features, columns, data: cases, getRowId: (row) => row.id });
}

type InboxTableInstance = ReturnType<typeof useInboxTable>;
type InboxRowModel = ReturnType<InboxTableInstance["getRowModel"]>["rows"][number];

/** Only the rows on screen are rendered, plus the row holding the keyboard focus. */
function useInboxVirtualizer(
  count: number,
  rowHeight: number,
  scrollRef: RefObject<HTMLTableSectionElement | null>,
) {
  // The row holding the keyboard focus stays rendered when scrolled away, so focus is never lost.
  const focusedRow = useRef<number | null>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    rangeExtractor: (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      const focused = focusedRow.current;
      if (focused === null || focused >= range.count || indexes.includes(focused)) return indexes;
      return [...indexes, focused].sort((a, b) => a - b);
    },
  });
  // Cards are taller than table rows: place every row again when the layout changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new row height is what invalidates the sizes.
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  return { virtualizer, focusedRow };
}

/** The width the rows have (the scrolling body's, less its scrollbar), measured before paint. */
function useRowWidth(scrollRef: RefObject<HTMLTableSectionElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const body = scrollRef.current;
    if (!body) return;
    setWidth(body.clientWidth);
    const observer = new ResizeObserver(() => setWidth(body.clientWidth));
    observer.observe(body);
    return () => observer.disconnect();
  }, [scrollRef]);
  return width;
}

type InboxVirtualizer = ReturnType<typeof useInboxVirtualizer>["virtualizer"];

interface NextPage {
  lastIndex: number;
  count: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
}

/** Reads the next page when the last rendered row comes within twenty of the end. */
function useLoadMoreNearEnd({ lastIndex, count, hasMore, loadingMore, onLoadMore }: NextPage) {
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= count - 20) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, count, onLoadMore]);
}

/** Arrow keys move between rows; a row off screen is scrolled in (and rendered) before it takes focus. */
function useArrowKeyRows(
  count: number,
  virtualizer: InboxVirtualizer,
  scrollRef: RefObject<HTMLTableSectionElement | null>,
) {
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  useEffect(() => {
    if (focusIndex === null) return;
    const link = scrollRef.current?.querySelector<HTMLAnchorElement>(`tr[data-index="${focusIndex}"] a`);
    if (!link) return;
    link.focus();
    setFocusIndex(null);
  });
  return function onKeyDown(event: KeyboardEvent<HTMLTableSectionElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const current = Number((event.target as HTMLElement).closest("tr")?.dataset.index);
    if (Number.isNaN(current)) return;
    event.preventDefault();
    const next = Math.min(count - 1, Math.max(0, current + (event.key === "ArrowDown" ? 1 : -1)));
    virtualizer.scrollToIndex(next);
    setFocusIndex(next);
  };
}

function open(event: MouseEvent, caseId: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate({ name: "case", caseId });
}

function InboxHead({ table, layout }: { table: InboxTableInstance; layout: InboxLayout }) {
  return (
    <thead className={classes.thead}>
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id} className={classes.head} aria-rowindex={1}>
          {group.headers
            .filter((header) => shown(layout, header.column.id))
            .map((header) => (
              <th key={header.id} scope="col" className={classes.cell}>
                {header.isPlaceholder ? null : layout.kind === "cards" && header.column.id === "subject" ? (
                  "Cases"
                ) : (
                  <table.FlexRender header={header} />
                )}
              </th>
            ))}
        </tr>
      ))}
    </thead>
  );
}

/** Whether the layout shows this column (TanStack's ids are plain strings). */
function shown(layout: InboxLayout, columnId: string): boolean {
  return (layout.columns as readonly string[]).includes(columnId);
}

function InboxRow({
  table,
  row,
  item,
  layout,
}: {
  table: InboxTableInstance;
  row: InboxRowModel;
  item: VirtualItem;
  layout: InboxLayout;
}) {
  return (
    <tr
      aria-rowindex={item.index + 2}
      data-index={item.index}
      className={classes.row}
      data-testid="inbox-row"
      style={{ transform: `translateY(${item.start}px)` }}
    >
      {row.getAllCells().flatMap((cell) =>
        !shown(layout, cell.column.id) ? (
          []
        ) : (
          <td key={cell.id} className={classes.cell}>
            {cell.column.id === "subject" ? (
              // The subject is the row's link; its ::after stretches over the whole row.
              <a
                href={pathOf({ name: "case", caseId: row.id })}
                onClick={(event) => open(event, row.id)}
                className={classes.link}
              >
                <table.FlexRender cell={cell} />
              </a>
            ) : (
              <table.FlexRender cell={cell} />
            )}
          </td>
        ),
      )}
    </tr>
  );
}

/** A row across the table for the loader or the empty text. */
function MessageRow({ children, offset }: { children: ReactNode; offset?: number }) {
  return (
    <tr
      className={classes.message}
      style={offset === undefined ? undefined : { transform: `translateY(${offset}px)` }}
    >
      <td>{children}</td>
    </tr>
  );
}

interface InboxRowsProps {
  table: InboxTableInstance;
  layout: InboxLayout;
  rows: InboxRowModel[];
  items: VirtualItem[];
  loading: boolean;
  emptyText: string;
}

function InboxRows({ table, layout, rows, items, loading, emptyText }: InboxRowsProps) {
  if (loading)
    return (
      <MessageRow>
        <Center py="xl">
          <Loader size="sm" aria-label="Loading cases" />
        </Center>
      </MessageRow>
    );
  if (rows.length === 0)
    return (
      <MessageRow>
        <Text c="dimmed" fz="sm" ta="center" py="xl" data-testid="inbox-empty">
          {emptyText}
        </Text>
      </MessageRow>
    );
  return items.map((item) => {
    const row = rows[item.index]!;
    return <InboxRow key={row.id} table={table} row={row} item={item} layout={layout} />;
  });
}

export function InboxTable({
  cases,
  loading,
  hasMore,
  loadingMore,
  onLoadMore,
  emptyText,
  selection,
}: InboxTableProps) {
  const now = useNow(1_000);
  const table = useInboxTable(cases);
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLTableSectionElement>(null);
  const layout = inboxLayout(useRowWidth(scrollRef));
  const { virtualizer, focusedRow } = useInboxVirtualizer(rows.length, layout.rowHeight, scrollRef);
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useLoadMoreNearEnd({ lastIndex, count: rows.length, hasMore, loadingMore, onLoadMore });
  const onKeyDown = useArrowKeyRows(rows.length, virtualizer, scrollRef);

  return (
    <NowContext.Provider value={now}>
      <SelectionContext.Provider value={selection ?? null}>
        <LayoutContext.Provider value={layout}>
          <table
            className={layout.kind === "cards" ? `${classes.table} ${classes.cards}` : classes.table}
            data-layout={layout.kind}
            aria-label="Cases"
            aria-rowcount={rows.length + 1}
            data-testid="inbox-table"
            style={{
              ["--inbox-columns" as string]: layout.template,
              ["--inbox-row-height" as string]: `${layout.rowHeight}px`,
            }}
          >
            <InboxHead table={table} layout={layout} />
            <tbody
              ref={scrollRef}
              className={classes.body}
              data-testid="inbox-scroll"
              onKeyDown={onKeyDown}
              onFocus={(event) => {
                const index = Number((event.target as HTMLElement).closest("tr")?.dataset.index);
                focusedRow.current = Number.isNaN(index) ? null : index;
              }}
              onBlur={() => {
                focusedRow.current = null;
              }}
              style={{ ["--inbox-height" as string]: `${virtualizer.getTotalSize()}px` }}
            >
              <InboxRows
                table={table}
                layout={layout}
                rows={rows}
                items={items}
                loading={loading}
                emptyText={emptyText}
              />
              {loadingMore && (
                <MessageRow offset={virtualizer.getTotalSize()}>
                  <Center py="xs">
                    <Loader size="xs" aria-label="Loading more cases" />
                  </Center>
                </MessageRow>
              )}
            </tbody>
          </table>
        </LayoutContext.Provider>
      </SelectionContext.Provider>
    </NowContext.Provider>
  );
}

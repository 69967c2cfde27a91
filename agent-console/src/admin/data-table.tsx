/**
 * A table of items, one row each, described by its columns: a skeleton while the items load, a line
 * when there are none. The admin lists and the supervisor wall's tables are all drawn with it.
 */
import { Badge, Group, type MantineStyleProps, Skeleton, Table, Text, VisuallyHidden } from "@mantine/core";
import type { ReactNode } from "react";

type CellProps = MantineStyleProps & { "data-testid"?: string };

export interface Column<T> {
  /** Also the column's key: unique within a table. */
  header: string;
  cell: (item: T, index: number) => ReactNode;
  /** Read out to screen readers only, as for a column of buttons. */
  hiddenHeader?: boolean;
  /** The cell that names its row: drawn as the row's header. */
  rowHeader?: boolean;
  align?: "right";
  cellProps?: (item: T) => CellProps;
}

export function DataTable<T>({
  items,
  pending,
  skeleton,
  columns,
  rowKey,
  rowProps,
  empty,
  minWidth,
  label,
  labelledBy,
  striped = true,
  highlightOnHover,
}: {
  items: readonly T[];
  pending: boolean;
  /** Height of the skeleton shown while loading. */
  skeleton: number;
  columns: Column<T>[];
  rowKey: (item: T) => string;
  rowProps?: (item: T) => Record<`data-${string}`, string | undefined>;
  /** Shown in place of the rows when there are none; nothing when not given. */
  empty?: ReactNode;
  /** Scrolls sideways below this width. */
  minWidth?: number;
  label?: string;
  labelledBy?: string;
  striped?: boolean;
  highlightOnHover?: boolean;
}) {
  if (pending) return <Skeleton h={skeleton} />;
  const table = (
    <Table
      striped={striped}
      highlightOnHover={highlightOnHover}
      verticalSpacing={6}
      aria-label={label}
      aria-labelledby={labelledBy}
    >
      <Table.Thead>
        <Table.Tr>
          {columns.map((column) => (
            <Table.Th key={column.header} scope="col" ta={column.align}>
              {column.hiddenHeader ? <VisuallyHidden>{column.header}</VisuallyHidden> : column.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item, index) => (
          <Table.Tr key={rowKey(item)} {...rowProps?.(item)}>
            {columns.map((column) => {
              const props = { ta: column.align, ...column.cellProps?.(item) };
              const content = column.cell(item, index);
              return column.rowHeader ? (
                <Table.Th key={column.header} scope="row" {...props}>
                  {content}
                </Table.Th>
              ) : (
                <Table.Td key={column.header} {...props}>
                  {content}
                </Table.Td>
              );
            })}
          </Table.Tr>
        ))}
        {empty !== undefined && items.length === 0 ? (
          <Table.Tr>
            <Table.Td colSpan={columns.length}>
              <Text c="dimmed" ta="center" py="md">
                {empty}
              </Text>
            </Table.Td>
          </Table.Tr>
        ) : null}
      </Table.Tbody>
    </Table>
  );
  return minWidth ? <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer> : table;
}

/** A row's name in bold, with badges beside it and a dimmed line below. */
export function TitleCell({
  title,
  badge,
  detail,
  off,
}: {
  title: ReactNode;
  badge?: ReactNode;
  detail?: ReactNode;
  /** Marks a disabled item with an "off" badge. */
  off?: boolean;
}) {
  return (
    <>
      <Group gap={6}>
        <Text fz="sm" fw={600}>
          {title}
        </Text>
        {badge}
        {off ? (
          <Badge size="xs" color="gray">
            off
          </Badge>
        ) : null}
      </Group>
      {detail === undefined ? null : (
        <Text fz="xs" c="dimmed" lineClamp={1}>
          {detail}
        </Text>
      )}
    </>
  );
}

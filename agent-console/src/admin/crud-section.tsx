/**
 * The admin list: a heading with "New", a table of the items with Edit / Delete and, for an ordered
 * list, Up / Down; the form for an item opens from it (crud.tsx has the form and the writes).
 */
import { Button, Paper } from "@mantine/core";
import type { ComponentType, ReactNode } from "react";
import { type Editor, RowActions, useEditor, useResource } from "./crud.tsx";
import { type Column, DataTable } from "./data-table.tsx";
import { MoveButtons, reorder, SectionHeader } from "./editors.tsx";
import { type Resource, useList } from "./queries.ts";

export interface RemoveOptions<T> {
  /** "Delete" unless given. */
  label?: string;
  question: (item: T) => string;
  failure: string;
  /** Items that may be removed; all when not given. */
  when?: (item: T) => boolean;
}

/** What CrudSection takes. */
export interface CrudSectionProps<T extends { id: string }> {
  title: string;
  description?: string;
  level?: 1 | 2;
  newLabel?: string;
  /** The list shown: read from here, and written back here. */
  resource: Resource<T>;
  columns: Column<T>[];
  rowProps?: (item: T) => Record<`data-${string}`, string | undefined>;
  /** Each row's data-testid. */
  rowTestId?: string;
  empty?: ReactNode;
  skeleton: number;
  minWidth?: number;
  mb?: string;
  /** How a row's buttons name the item: its `name` unless given. */
  name?: (item: T) => string;
  editable?: boolean;
  remove?: RemoveOptions<T>;
  ordered?: boolean;
  form?: ComponentType<{ editor: Editor<T> }>;
  /** Drawn between the heading and the table. */
  children?: ReactNode;
}

type Writes = ReturnType<typeof useResource>;

/** Up / Down on each row of an ordered list; a move saves the new order. */
function orderColumn<T extends { id: string }>(
  items: T[],
  name: (item: T) => string,
  writes: Writes,
): Column<T> {
  return {
    header: "Order",
    cell: (item: T, index: number) => (
      <MoveButtons
        name={name(item)}
        index={index}
        count={items.length}
        disabled={writes.write.isPending}
        onMove={(from, to) => writes.order(reorder(items, from, to).map((moved) => moved.id))}
      />
    ),
  };
}

/** Edit (opens the form on the row's item) and Delete (asks first) on each row. */
function actionsColumn<T extends { id: string }>({
  name,
  editable,
  remove,
  editor,
  writes,
}: {
  name: (item: T) => string;
  editable: boolean;
  remove?: RemoveOptions<T>;
  editor: Editor<T>;
  writes: Writes;
}): Column<T> {
  return {
    header: "Actions",
    hiddenHeader: true,
    cell: (item) => (
      <RowActions
        name={name(item)}
        onEdit={editable ? () => editor.edit(item) : undefined}
        removeLabel={remove?.label}
        onRemove={
          remove && (remove.when?.(item) ?? true)
            ? () => writes.remove(item.id, remove.question(item), remove.failure)
            : undefined
        }
      />
    ),
  };
}

/** The section's heading and its "New …" button, which opens the form on a new item. */
function CrudHeader({
  title,
  description,
  level,
  newLabel,
  onCreate,
}: {
  title: string;
  description?: string;
  level: 1 | 2;
  newLabel?: string;
  onCreate: () => void;
}) {
  return (
    <SectionHeader
      title={title}
      description={description}
      level={level}
      action={
        newLabel ? (
          <Button variant={level === 1 ? "filled" : "light"} onClick={onCreate}>
            {newLabel}
          </Button>
        ) : undefined
      }
    />
  );
}

/** The items' table in its bordered paper; named "… in order" when the order matters. */
function CrudTable<T extends { id: string }>({
  title,
  items,
  pending,
  columns,
  ordered,
  rowProps,
  rowTestId,
  empty,
  skeleton,
  minWidth,
  mb,
}: Pick<
  CrudSectionProps<T>,
  "title" | "ordered" | "rowProps" | "rowTestId" | "empty" | "skeleton" | "minWidth" | "mb"
> & { items: T[]; pending: boolean; columns: Column<T>[] }) {
  return (
    <Paper withBorder radius="md" mb={mb}>
      <DataTable
        items={items}
        pending={pending}
        skeleton={skeleton}
        columns={columns}
        rowKey={(item) => item.id}
        rowProps={(item) => ({ "data-testid": rowTestId, ...rowProps?.(item) })}
        empty={empty}
        minWidth={minWidth}
        label={ordered ? `${title} in order` : title}
      />
    </Paper>
  );
}

/**
 * A heading with its "New …" button, a table of the items with Edit and Delete on each row (and Up /
 * Down when `ordered`: the list is tried in that order), and the form `form` draws for the editor.
 */
export function CrudSection<T extends { id: string }>({
  title,
  description,
  level = 1,
  newLabel,
  resource,
  columns,
  name = (item) => String((item as { name?: string }).name),
  editable = true,
  remove,
  ordered,
  form: Form,
  children,
  ...table
}: CrudSectionProps<T>) {
  const editor = useEditor<T>();
  const query = useList(resource);
  const writes = useResource(resource);
  const items = query.data ?? [];
  const all: Column<T>[] = [
    ...(ordered ? [orderColumn(items, name, writes)] : []),
    ...columns,
    actionsColumn({ name, editable, remove, editor, writes }),
  ];
  return (
    <>
      <CrudHeader
        title={title}
        description={description}
        level={level}
        newLabel={newLabel}
        onCreate={editor.create}
      />
      {children}
      <CrudTable
        {...table}
        title={title}
        ordered={ordered}
        items={items}
        pending={query.isPending}
        columns={all}
      />
      {Form ? <Form editor={editor} /> : null}
    </>
  );
}

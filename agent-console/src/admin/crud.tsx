/**
 * What every admin list shares: writes that report their failures, a form in a modal or a drawer, and a
 * section that lists items with buttons to add, edit, reorder and delete them.
 */
import { Button, Drawer, Group, Modal, Paper, Stack, Text } from "@mantine/core";
import {
  type ChangeEvent,
  type ComponentType,
  type ReactNode,
  useCallback,
  useEffect,
  useState,
} from "react";
import { errorMessage } from "../api/client.ts";
import { type Column, DataTable } from "./data-table.tsx";
import { MoveButtons, reorder, SectionHeader } from "./editors.tsx";
import { notifyError } from "./notify.ts";
import { type Resource, useAdminWrite, useList } from "./queries.ts";

/** Creates, updates, deletes and reorders the items of one list; `write` is the mutation behind them. */
export function useResource({ path, key }: Resource) {
  const write = useAdminWrite([key]);
  return {
    write,
    /** PATCHes the item with this id, or POSTs a new one when there is none. */
    save: (id: string | null, body: unknown, onSuccess: () => void, failure?: string) =>
      write.mutate(
        [id ? { method: "PATCH", path: `${path}/${id}`, body } : { method: "POST", path, body }],
        failure ? { onSuccess, onError: notifyError(failure) } : { onSuccess },
      ),
    /** Deletes once the admin confirms `question`. */
    remove: (id: string, question: string, failure: string) => {
      if (!window.confirm(question)) return;
      write.mutate([{ method: "DELETE", path: `${path}/${id}` }], { onError: notifyError(failure) });
    },
    order: (ids: string[]) =>
      write.mutate([{ method: "POST", path: `${path}/order`, body: { ids } }], {
        onError: notifyError("Order not saved"),
      }),
  };
}

/** Whether the form is open, and on which item (null: a new one). */
export interface Editor<T> {
  opened: boolean;
  item: T | null;
  create: () => void;
  edit: (item: T) => void;
  close: () => void;
}

/** The open / closed state of one form and the item it edits. */
export function useEditor<T>(): Editor<T> {
  const [state, setState] = useState<{ opened: boolean; item: T | null }>({ opened: false, item: null });
  return {
    ...state,
    create: () => setState({ opened: true, item: null }),
    edit: (item) => setState({ opened: true, item }),
    // The item stays while the form slides out.
    close: () => setState((current) => ({ ...current, opened: false })),
  };
}

type StringKey<Form> = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form];
type BooleanKey<Form> = { [K in keyof Form]: Form[K] extends boolean ? K : never }[keyof Form];

/**
 * A form's fields, filled afresh from `item` (and `onOpen` run) each time the form opens. `field`,
 * `text` and `checked` bind one field to an input's value and change handler.
 */
export function useForm<Item, Form>(
  opened: boolean,
  item: Item,
  toForm: (item: Item) => Form,
  onOpen: () => void,
) {
  const [form, setForm] = useState<Form>(() => toForm(item));
  useEffect(() => {
    if (!opened) return;
    setForm(toForm(item));
    onOpen();
  }, [opened, item, toForm, onOpen]);
  const set = useCallback(
    <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value })),
    [],
  );
  return {
    form,
    set,
    field: <K extends keyof Form>(key: K) => ({
      value: form[key],
      onChange: (value: Form[K]) => set(key, value),
    }),
    text: <K extends StringKey<Form>>(key: K) => ({
      value: form[key] as string,
      onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
        set(key, event.currentTarget.value as Form[K]),
    }),
    checked: <K extends BooleanKey<Form>>(key: K) => ({
      checked: form[key] as boolean,
      onChange: (event: ChangeEvent<HTMLInputElement>) => set(key, event.currentTarget.checked as Form[K]),
    }),
  };
}

/** The form behind an editor: filled from its item on opening; `submit` saves and closes it. */
export function useEditorForm<T extends { id: string }, Form>(
  editor: Editor<T>,
  resource: Resource,
  toForm: (item: T | null) => Form,
) {
  const { write, save } = useResource(resource);
  const bound = useForm(editor.opened, editor.item, toForm, write.reset);
  return {
    ...bound,
    write,
    /** What FormShell needs of the editor and the write. */
    shell: { editor, mutation: write },
    submit: (body: unknown, onSuccess: () => void = editor.close) =>
      save(editor.item?.id ?? null, body, onSuccess),
  };
}

/** A form in a modal (or a drawer from the right) with the write's error and Cancel / submit buttons. */
export function FormShell({
  drawer,
  editor: { opened, close: onClose },
  title,
  size = "lg",
  onSubmit,
  mutation,
  submitLabel,
  children,
}: {
  drawer?: boolean;
  editor: { opened: boolean; close: () => void };
  title: string;
  size?: string;
  onSubmit: () => void;
  mutation: { error: unknown; isPending: boolean };
  submitLabel: string;
  children: ReactNode;
}) {
  const form = (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Stack gap="sm">
        {children}
        {mutation.error ? (
          <Text c="red" fz="sm" role="alert">
            {errorMessage(mutation.error)}
          </Text>
        ) : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
  return drawer ? (
    <Drawer opened={opened} onClose={onClose} title={title} position="right" size={size}>
      {form}
    </Drawer>
  ) : (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      {form}
    </Modal>
  );
}

/** Edit and Delete (or Remove) for one row, named after the item for screen readers. */
export function RowActions({
  name,
  onEdit,
  onRemove,
  removeLabel = "Delete",
}: {
  name: string;
  onEdit?: () => void;
  onRemove?: () => void;
  removeLabel?: string;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      {onEdit ? (
        <Button size="compact-sm" variant="default" aria-label={`Edit ${name}`} onClick={onEdit}>
          Edit
        </Button>
      ) : null}
      {onRemove ? (
        <Button
          size="compact-sm"
          variant="subtle"
          color="red"
          aria-label={`${removeLabel} ${name}`}
          onClick={onRemove}
        >
          {removeLabel}
        </Button>
      ) : null}
    </Group>
  );
}

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

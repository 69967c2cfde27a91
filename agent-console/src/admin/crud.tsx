/**
 * What every admin list shares: writes that report their failures, a form in a modal or a drawer, and a
 * section that lists items with buttons to add, edit, reorder and delete them.
 */
import { Button, Drawer, Group, Modal, Stack, Text } from "@mantine/core";
import { type ChangeEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { notifyError } from "./notify.ts";
import { type Resource, useAdminWrite } from "./queries.ts";

/** Creates, updates, deletes and reorders the items of one list; `write` is the mutation behind them. */
export function useResource({ path, key, alsoChanges = [] }: Resource) {
  const write = useAdminWrite([key, ...alsoChanges]);
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

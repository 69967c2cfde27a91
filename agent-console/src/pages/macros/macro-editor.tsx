/**
 * The macro form: a name, its actions in order (the rule editor's action rows), and for supervisors
 * and admins whether everyone sees it. A refusal from the server (a bad action, named) stays here.
 */
import { Alert, Button, Group, Modal, Stack, Switch, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ActionRows } from "../../admin/automation-editors.tsx";
import { type ActionRow, fromActions, readableRefusal, toActions } from "../../admin/automation-rows.ts";
import { api, errorMessage } from "../../api/client.ts";
import { queryKeys } from "../../api/query-keys.ts";
import type { Macro } from "./macros-page.tsx";

/** Which macro the form is on: a new one, or one to change. */
export type MacroEditorTarget = { macro: Macro | null };

const REPLY_ROW: ActionRow = { type: "reply", param: "" };

function MacroForm({
  macro,
  keepsShared,
  onClose,
}: {
  macro: Macro | null;
  keepsShared: boolean;
  onClose(): void;
}) {
  const client = useQueryClient();
  const [name, setName] = useState(macro?.name ?? "");
  const [actions, setActions] = useState<ActionRow[]>(macro ? fromActions(macro.actions) : [REPLY_ROW]);
  const [shared, setShared] = useState(macro?.shared ?? false);
  const save = useMutation({
    mutationFn: () => {
      const body = { name, actions: toActions(actions), ...(keepsShared ? { shared } : {}) };
      return macro ? api.put(`/api/macros/${macro.id}`, body) : api.post("/api/macros", body);
    },
    onSuccess: onClose,
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.macros }),
  });
  return (
    <Stack
      gap="sm"
      component="form"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <TextInput
        label="Name"
        description="As it is listed in a case's Macros menu"
        required
        maxLength={80}
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        data-autofocus
      />
      <ActionRows rows={actions} onChange={setActions} newRow={{ type: "add_tags", param: "" }} />
      {keepsShared && (
        <Switch
          label="Shared with everyone"
          description="Every agent sees a shared macro in their Macros menu; only supervisors and admins change it."
          checked={shared}
          onChange={(event) => setShared(event.currentTarget.checked)}
        />
      )}
      {save.error && (
        <Alert color="red" role="alert" title="Macro not saved">
          {readableRefusal(errorMessage(save.error))}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {macro ? "Save macro" : "Create macro"}
        </Button>
      </Group>
    </Stack>
  );
}

export function MacroEditor({
  target,
  keepsShared,
  onClose,
}: {
  target: MacroEditorTarget | null;
  keepsShared: boolean;
  onClose(): void;
}) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target?.macro ? `Edit macro: ${target.macro.name}` : "New macro"}
      size="xl"
    >
      {target && (
        <MacroForm
          key={target.macro?.id ?? "new"}
          macro={target.macro}
          keepsShared={keepsShared}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

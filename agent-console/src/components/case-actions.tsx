/**
 * Resolve / wait on customer / reopen / close: the buttons are the actions the server says the
 * case's state allows; if the case moved on meanwhile, a 409 names the ones allowed now.
 */
import { Button, Group, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { ApiError, errorMessage } from "../api/client.ts";
import { useCaseAction } from "../api/queries.ts";
import { CASE_ACTIONS, type CaseAction, type CaseState } from "../api/types.ts";

const ACTION_LABEL: Record<CaseAction, string> = {
  wait_on_customer: "Wait on customer",
  resolve: "Resolve",
  reopen: "Reopen",
  close: "Close",
};

export function CaseActions({
  caseId,
  state,
  allowed,
  dispositionId = null,
}: {
  caseId: string;
  state: CaseState;
  allowed: CaseAction[];
  dispositionId?: string | null;
}) {
  const perform = useCaseAction(caseId);
  const [refusal, setRefusal] = useState<{
    state: CaseState;
    dispositionId: string | null;
    message: string;
    allowed?: CaseAction[];
  } | null>(null);
  // A refusal speaks about the case as it was (its state, its disposition); once either changes, it
  // no longer applies.
  const current = refusal?.state === state && refusal.dispositionId === dispositionId ? refusal : null;
  const actions = current?.allowed
    ? CASE_ACTIONS.filter((action) => current.allowed?.includes(action))
    : CASE_ACTIONS.filter((action) => allowed.includes(action));

  function run(action: CaseAction) {
    setRefusal(null);
    perform.mutate(action, {
      onError: (error) => {
        const allowed = error instanceof ApiError ? error.details?.allowedActions : undefined;
        setRefusal({
          state,
          dispositionId,
          message: errorMessage(error),
          ...(Array.isArray(allowed) ? { allowed: allowed as CaseAction[] } : {}),
        });
      },
    });
  }

  return (
    <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }}>
      {actions.length > 0 && (
        <Group gap="xs" role="group" aria-label="Case actions" wrap="nowrap">
          {actions.map((action) => (
            <Button
              key={action}
              size="xs"
              variant={action === "resolve" || action === "reopen" ? "filled" : "default"}
              color={action === "resolve" ? "green" : undefined}
              loading={perform.isPending && perform.variables === action}
              disabled={perform.isPending && perform.variables !== action}
              onClick={() => run(action)}
            >
              {ACTION_LABEL[action]}
            </Button>
          ))}
        </Group>
      )}
      {current && (
        <Text fz="xs" c="red.7" role="alert" maw={360} ta="right">
          {current.message}
        </Text>
      )}
    </Stack>
  );
}

/**
 * "Take this case" on a case nobody holds yet: assigned to the agent at once. The server decides
 * whether they may (a queue they serve, room on the channel) and its refusal is shown as it says.
 */
import { Button, Stack, Text } from "@mantine/core";
import { errorMessage } from "../api/client.ts";
import { useTakeCase } from "../api/queries.ts";
import type { CaseDetail } from "../api/types.ts";

const WAITING: CaseDetail["state"][] = ["new", "queued"];

export function TakeCaseButton({ detail }: { detail: CaseDetail }) {
  const take = useTakeCase(detail.id);
  if (detail.assigneeId || !WAITING.includes(detail.state)) return null;
  return (
    <Stack gap={2} align="flex-end">
      <Button size="xs" color="indigo" loading={take.isPending} onClick={() => take.mutate()}>
        Take this case
      </Button>
      {take.error && (
        <Text fz="xs" c="red.7" role="alert" maw={360} ta="right">
          {errorMessage(take.error)}
        </Text>
      )}
    </Stack>
  );
}

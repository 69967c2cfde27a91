import { Alert, Button, Center, Loader, Stack, Text } from "@mantine/core";
import { errorMessage } from "../api/client.ts";
import { useCaseList } from "../api/queries.ts";
import type { CaseListScope } from "../api/query-keys.ts";
import { useNow } from "../lib/use-now.ts";
import { CaseListItem } from "./case-list-item.tsx";

const EMPTY: Record<CaseListScope, string> = {
  mine: "No open cases assigned to you. Accepted offers show up here.",
  open: "No open cases. Nice work, team.",
};

export function CaseList({ scope, selectedCaseId }: { scope: CaseListScope; selectedCaseId?: string }) {
  const cases = useCaseList(scope);
  const now = useNow(30_000);

  if (cases.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" aria-label="Loading cases" />
      </Center>
    );
  if (cases.isError)
    return (
      <Alert color="red" variant="light" title="Cases could not be loaded" m="xs">
        <Stack gap="xs" align="flex-start">
          <Text fz="sm">{errorMessage(cases.error)}</Text>
          <Button size="xs" variant="light" color="red" onClick={() => void cases.refetch()}>
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  if (cases.data.items.length === 0)
    return (
      <Text fz="sm" c="dimmed" ta="center" px="md" py="xl">
        {EMPTY[scope]}
      </Text>
    );
  return (
    <Stack component="nav" aria-label={scope === "mine" ? "My cases" : "All open cases"} gap={4}>
      {cases.data.items.map((summary) => (
        <CaseListItem key={summary.id} summary={summary} selected={summary.id === selectedCaseId} now={now} />
      ))}
    </Stack>
  );
}

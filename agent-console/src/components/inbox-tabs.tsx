import { Badge, Tabs } from "@mantine/core";
import { useState } from "react";
import { useCaseList } from "../api/queries.ts";
import type { CaseListScope } from "../api/query-keys.ts";
import { CaseList } from "./case-list.tsx";

export function InboxTabs({ selectedCaseId }: { selectedCaseId?: string }) {
  const [scope, setScope] = useState<CaseListScope>("mine");
  const mine = useCaseList("mine").data?.items.length;

  return (
    <Tabs value={scope} onChange={(next) => next && setScope(next as CaseListScope)} keepMounted={false}>
      <Tabs.List grow mb="xs">
        <Tabs.Tab
          value="mine"
          rightSection={
            mine ? (
              <Badge size="xs" circle variant="light">
                {mine}
              </Badge>
            ) : undefined
          }
        >
          My cases
        </Tabs.Tab>
        <Tabs.Tab value="open">All open</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="mine">
        <CaseList scope="mine" selectedCaseId={selectedCaseId} />
      </Tabs.Panel>
      <Tabs.Panel value="open">
        <CaseList scope="open" selectedCaseId={selectedCaseId} />
      </Tabs.Panel>
    </Tabs>
  );
}

/** One case: header with actions, the live timeline and the composer, and the customer beside them. */
import { Alert, Box, Button, Center, Drawer, Group, Loader, Stack, Switch, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { ApiError, errorMessage } from "../api/client.ts";
import { useCaseAction, useCaseDetail, useCustomerHistory } from "../api/queries.ts";
import type { CaseAction, CaseDetail } from "../api/types.ts";
import { contactName } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { useShortcuts } from "../lib/shortcuts.ts";
import { useComposer } from "../state/composer-store.ts";
import { useCaseWatch } from "../state/use-case-watch.ts";
import { CaseHeader } from "./case-header.tsx";
import { CaseTimeline } from "./case-timeline.tsx";
import { CollisionBar } from "./collision-bar.tsx";
import { CustomerPanel } from "./customer-panel.tsx";
import { ReplyBox } from "./reply-box.tsx";
import { TransferDialog } from "./transfer-dialog.tsx";
import { TypingIndicator } from "./typing-indicator.tsx";

const PANEL_WIDTH = 300;
/** Below this the customer panel is a drawer: the conversation needs the width more. */
const PANEL_BESIDE_QUERY = "(min-width: 1100px)";

interface CustomerSideProps {
  detail: CaseDetail;
  beside: boolean;
  opened: boolean;
  onClose(): void;
}

/** Shortcuts on a case: r reply, n note, e resolve, w wait on customer, t transfer, p priority. */
function useCaseShortcuts(caseId: string, detail: CaseDetail | undefined, openTransfer: () => void) {
  const action = useCaseAction(caseId);
  const focusComposer = useComposer((s) => s.focus);

  function run(name: CaseAction) {
    if (!detail?.allowedActions.includes(name)) return;
    action.mutate(name, {
      onError: (error) =>
        notifications.show({ color: "red", title: "Not done", message: errorMessage(error) }),
    });
  }

  useShortcuts({
    r: () => focusComposer("reply"),
    n: () => focusComposer("note"),
    e: () => run("resolve"),
    w: () => run("wait_on_customer"),
    t: openTransfer,
    p: () => document.getElementById("case-priority")?.focus(),
  });
}

function CaseUnavailable({ error }: { error: Error }) {
  return (
    <Center h="100%" p="xl">
      <Alert
        color={error instanceof ApiError && error.status === 404 ? "gray" : "red"}
        variant="light"
        title="This case cannot be shown"
        maw={480}
      >
        <Stack gap="sm" align="flex-start">
          <Text fz="sm">{errorMessage(error)}</Text>
          <Button size="xs" variant="default" onClick={() => navigate({ name: "inbox" })}>
            Back to the inbox
          </Button>
        </Stack>
      </Alert>
    </Center>
  );
}

interface HistorySwitchProps {
  customerName: string;
  otherCount: number;
  loading: boolean;
  checked: boolean;
  onChange(checked: boolean): void;
}

/** Shows the customer's other cases on this timeline too. */
function HistorySwitch({ customerName, otherCount, loading, checked, onChange }: HistorySwitchProps) {
  return (
    <Group px="lg" py={6} gap="xs" style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }}>
      <Switch
        size="xs"
        checked={checked}
        onChange={(event) => onChange(event.currentTarget.checked)}
        label={`Show ${customerName}'s other ${otherCount === 1 ? "case" : `${otherCount} cases`} on this timeline`}
      />
      {loading && <Loader size={12} aria-label="Loading the other cases" />}
    </Group>
  );
}

/**
 * The customer beside the conversation on a wide screen; below that the conversation keeps the
 * room and the same panel opens as a drawer from the case header's "Customer & SLA".
 */
function CustomerSide({ detail, beside, opened, onClose }: CustomerSideProps) {
  if (!beside)
    return (
      <Drawer
        opened={opened}
        onClose={onClose}
        position="right"
        size={PANEL_WIDTH + 60}
        title="Customer & SLA"
        styles={{ content: { maxWidth: "100vw" }, body: { padding: 0 } }}
        data-testid="customer-drawer"
      >
        <CustomerPanel detail={detail} />
      </Drawer>
    );
  return (
    <Box
      data-testid="customer-side"
      w={PANEL_WIDTH}
      style={{
        flexShrink: 0,
        borderLeft: "1px solid var(--mantine-color-gray-3)",
        background: "var(--mantine-color-white)",
      }}
    >
      <CustomerPanel detail={detail} />
    </Box>
  );
}

export function CaseView({ caseId }: { caseId: string }) {
  const detail = useCaseDetail(caseId);
  const [transferOpen, setTransferOpen] = useState(false);
  const [withHistory, setWithHistory] = useState(false);
  const beside = useMediaQuery(PANEL_BESIDE_QUERY, true, { getInitialValueInEffect: false }) ?? true;
  const [customerOpen, setCustomerOpen] = useState(false);
  const history = useCustomerHistory(detail.data, withHistory);
  useCaseWatch(caseId);
  useCaseShortcuts(caseId, detail.data, () => setTransferOpen(true));

  if (detail.isPending)
    return (
      <Center h="100%">
        <Loader aria-label="Loading case" />
      </Center>
    );
  if (detail.isError) return <CaseUnavailable error={detail.error} />;

  const customerName = contactName(detail.data.contact);
  return (
    <div style={{ display: "flex", height: "100%", minHeight: 0 }}>
      <Stack gap={0} h="100%" style={{ flex: 1, minWidth: 0 }} data-testid="case-view">
        <CaseHeader
          detail={detail.data}
          onTransfer={() => setTransferOpen(true)}
          onShowCustomer={beside ? undefined : () => setCustomerOpen(true)}
        />
        {history.otherCount > 0 && (
          <HistorySwitch
            customerName={customerName}
            otherCount={history.otherCount}
            loading={history.loading}
            checked={withHistory}
            onChange={setWithHistory}
          />
        )}
        <CaseTimeline
          interactions={history.interactions}
          customerName={customerName}
          channel={detail.data.channel}
          csat={detail.data.csat}
          customerZone={detail.data.customerTimeZone}
        />
        {detail.data.channel === "chat" && <TypingIndicator caseId={caseId} customerName={customerName} />}
        <CollisionBar caseId={caseId} />
        <ReplyBox key={caseId} detail={detail.data} customerName={customerName} />
      </Stack>
      <CustomerSide
        detail={detail.data}
        beside={beside}
        opened={customerOpen && !beside}
        onClose={() => setCustomerOpen(false)}
      />
      <TransferDialog caseId={caseId} opened={transferOpen} onClose={() => setTransferOpen(false)} />
    </div>
  );
}

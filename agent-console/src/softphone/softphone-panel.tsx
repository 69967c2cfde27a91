/** The softphone drawer: the line's state, the ringing or connected call with its controls, and wrap-up. */
import { Alert, Anchor, Button, Group, Loader, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import { queryKeys } from "../api/query-keys.ts";
import type { CaseDetail } from "../api/types.ts";
import { TransferDialog } from "../components/transfer-dialog.tsx";
import { contactName } from "../lib/format.ts";
import { navigate } from "../lib/router.ts";
import { useNow } from "../lib/use-now.ts";
import { useMyCampaignCall } from "../outbound/api.ts";
import type { CallInfo, CallState, LineState } from "./machine.ts";
import { elapsedSeconds, formatClock, wrapUpRemaining } from "./timing.ts";
import { useSoftphone } from "./use-softphone.ts";

function useCallCase(caseId: string | null) {
  return useQuery({
    queryKey: queryKeys.case(caseId ?? ""),
    queryFn: () => api.get<CaseDetail>(`/api/cases/${encodeURIComponent(caseId!)}`),
    enabled: !!caseId,
  });
}

/** A campaign call: the record being called, with a way to its script and wrap-up. */
function CampaignParty() {
  const current = useMyCampaignCall();
  const record = current.data?.record;
  return (
    <Stack gap={2} data-testid="softphone-party">
      <Text fw={600}>{record ? (record.name ?? record.phone) : "Outbound campaign call"}</Text>
      {current.data && (
        <Text fz="sm" lineClamp={2}>
          {record?.name ? `${record.phone} · ` : ""}
          {current.data.campaign.name}
        </Text>
      )}
      <Anchor
        fz="sm"
        href="/outbound"
        onClick={(event) => {
          event.preventDefault();
          navigate({ name: "outbound", section: "" });
        }}
      >
        Script and wrap-up
      </Anchor>
    </Stack>
  );
}

/** Who is on the line: the case's customer and subject, or the record of a campaign call. */
function CallParty({ call }: { call: CallInfo }) {
  const detail = useCallCase(call.caseId);
  if (call.campaign) return <CampaignParty />;
  if (!call.caseId)
    return (
      <Stack gap={2}>
        <Text fw={600}>{call.remote ?? "Unknown number"}</Text>
        <Text fz="sm" c="dimmed">
          No case attached to this call
        </Text>
      </Stack>
    );
  const data = detail.data;
  return (
    <Stack gap={2} data-testid="softphone-party">
      <Text fw={600}>{data ? contactName(data.contact) : (call.remote ?? "Loading the case…")}</Text>
      {data && (
        <Text fz="sm" lineClamp={2}>
          #{data.number} · {data.subject || "(no subject)"}
        </Text>
      )}
      {detail.isError && (
        <Text fz="sm" c="dimmed">
          The case could not be loaded: {errorMessage(detail.error)}
        </Text>
      )}
      <Anchor
        component="button"
        type="button"
        fz="sm"
        ta="left"
        onClick={() => navigate({ name: "case", caseId: call.caseId! })}
      >
        Open the case
      </Anchor>
    </Stack>
  );
}

function LineStatus({ line }: { line: LineState }) {
  const { retry } = useSoftphone();
  switch (line.status) {
    case "loading":
    case "connecting":
      return (
        <Group gap="xs" data-testid="softphone-line">
          <Loader size="xs" />
          <Text fz="sm">Connecting to Twilio…</Text>
        </Group>
      );
    case "ready":
      return (
        <Text fz="sm" c="green.8" data-testid="softphone-line">
          Ready: calls for you ring in this browser.
        </Text>
      );
    case "offline":
      return (
        <Alert color="red" title={line.reason} data-testid="softphone-line">
          <Stack gap="xs" align="flex-start">
            <Text fz="sm">
              Calls cannot ring here until it connects; it keeps trying in the background. Everything else in
              the console works as usual.
            </Text>
            <Button size="xs" variant="default" onClick={() => void retry()}>
              Try again now
            </Button>
          </Stack>
        </Alert>
      );
    default:
      return null;
  }
}

/** Hold and resume, for a customer who called in (a call the agent placed cannot be parked). */
function HoldButton({ call }: { call: Extract<CallState, { phase: "active" | "held" }> }) {
  const { setOnHold } = useSoftphone();
  const [busy, setBusy] = useState(false);
  const held = call.phase === "held";
  if (!call.call.caseId || call.call.direction !== "incoming" || call.call.campaign) return null;
  return (
    <Button
      variant={held ? "filled" : "default"}
      color={held ? "orange" : undefined}
      aria-pressed={held}
      loading={busy}
      onClick={() => {
        setBusy(true);
        setOnHold(!held)
          .catch((error: unknown) =>
            notifications.show({
              color: "red",
              title: held ? "Caller not resumed" : "Not on hold",
              message: errorMessage(error),
            }),
          )
          .finally(() => setBusy(false));
      }}
    >
      {held ? "Resume call" : "Hold"}
    </Button>
  );
}

function HeldCall({ call }: { call: Extract<CallState, { phase: "held" }> }) {
  const now = useNow(1_000);
  return (
    <Stack gap="sm" data-testid="softphone-held">
      <Group justify="space-between">
        <Text fw={600}>Caller on hold</Text>
        <Text ff="monospace" fz="lg" aria-label="Time on hold">
          {formatClock(elapsedSeconds(call.heldAt, now))}
        </Text>
      </Group>
      <CallParty call={call.call} />
      <Text fz="xs" c="dimmed">
        The caller hears the hold music. Resume rings this browser again and puts them through.
      </Text>
      <HoldButton call={call} />
    </Stack>
  );
}

function ActiveCall({ call }: { call: Extract<CallState, { phase: "active" }> }) {
  const { toggleMute, hangUp, setRecordingPaused } = useSoftphone();
  const now = useNow(1_000);
  const [transferring, setTransferring] = useState(false);
  const [recordingBusy, setRecordingBusy] = useState(false);
  const caseId = call.call.caseId;

  function toggleRecording() {
    setRecordingBusy(true);
    setRecordingPaused(!call.recordingPaused)
      .catch((error: unknown) =>
        notifications.show({ color: "red", title: "Recording not changed", message: errorMessage(error) }),
      )
      .finally(() => setRecordingBusy(false));
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text fw={600}>On call</Text>
        <Text ff="monospace" fz="lg" aria-label="Call time" data-testid="softphone-timer">
          {formatClock(elapsedSeconds(call.answeredAt, now))}
        </Text>
      </Group>
      <CallParty call={call.call} />
      <Group gap="xs">
        <Button
          variant={call.muted ? "filled" : "default"}
          color={call.muted ? "orange" : undefined}
          aria-pressed={call.muted}
          onClick={toggleMute}
        >
          {call.muted ? "Unmute" : "Mute"}
        </Button>
        <HoldButton call={call} />
        {caseId && (
          <Button
            variant={call.recordingPaused ? "filled" : "default"}
            color={call.recordingPaused ? "orange" : undefined}
            aria-pressed={call.recordingPaused}
            loading={recordingBusy}
            onClick={toggleRecording}
          >
            {call.recordingPaused ? "Resume recording" : "Pause recording"}
          </Button>
        )}
        {caseId && (
          <Button variant="default" onClick={() => setTransferring(true)}>
            Transfer…
          </Button>
        )}
      </Group>
      {caseId && (
        <Text fz="xs" c="dimmed">
          Transfer moves the case, with your note, to another agent or queue. The caller is not passed on:
          they stay on this line, and hanging up ends the call for them too.
        </Text>
      )}
      <Button color="red" onClick={hangUp}>
        Hang up
      </Button>
      {caseId && (
        <TransferDialog caseId={caseId} opened={transferring} onClose={() => setTransferring(false)} />
      )}
    </Stack>
  );
}

function WrapUpView({ call }: { call: Extract<CallState, { phase: "wrap-up" }> }) {
  const { finishWrapUp } = useSoftphone();
  const now = useNow(1_000);
  const left = wrapUpRemaining(call.endsAt, now);
  return (
    <Stack gap="sm" data-testid="softphone-wrap-up">
      <Group justify="space-between">
        <Text fw={600}>Wrap-up</Text>
        <Text ff="monospace" fz="lg" aria-label="Wrap-up time left">
          {formatClock(left)}
        </Text>
      </Group>
      <Progress value={(left / call.wrapUp.seconds) * 100} color="violet" aria-hidden />
      <Text fz="xs" c="dimmed">
        {call.wrapUp.source === "queue"
          ? `The queue's wrap-up time: ${call.wrapUp.seconds} s.`
          : `Default wrap-up time: ${call.wrapUp.seconds} s (the case's queue sets none).`}
      </Text>
      <CallParty call={call.call} />
      <Button variant="default" onClick={finishWrapUp}>
        Done: ready for the next call
      </Button>
    </Stack>
  );
}

function CurrentCall({ call }: { call: CallState }) {
  const { answer, reject, hangUp } = useSoftphone();
  switch (call.phase) {
    case "ringing":
      return (
        <Stack gap="sm" data-testid="softphone-incoming">
          <Text fw={600}>Incoming call</Text>
          <CallParty call={call.call} />
          <Group grow>
            <Button color="green" onClick={answer} data-autofocus>
              Answer
            </Button>
            <Button color="red" variant="light" onClick={reject}>
              Reject
            </Button>
          </Group>
        </Stack>
      );
    case "dialing":
      return (
        <Stack gap="sm">
          <Group gap="xs">
            <Loader size="xs" />
            <Text fw={600}>Calling {call.call.remote}…</Text>
          </Group>
          <CallParty call={call.call} />
          <Button color="red" onClick={hangUp}>
            Hang up
          </Button>
        </Stack>
      );
    case "active":
      return <ActiveCall call={call} />;
    case "held":
      return <HeldCall call={call} />;
    case "wrap-up":
      return <WrapUpView call={call} />;
    default:
      return null;
  }
}

export function SoftphonePanel() {
  const { line, current: call, notice, dismissNotice } = useSoftphone();
  return (
    <Stack gap="md" data-testid="softphone-panel">
      <LineStatus line={line} />
      {notice && (
        <Alert
          color={notice.kind === "microphone" ? "orange" : "red"}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={dismissNotice}
          data-testid="softphone-notice"
        >
          {notice.message}
        </Alert>
      )}
      {call.phase !== "idle" && (
        <Paper withBorder p="md" radius="md">
          <CurrentCall call={call} />
        </Paper>
      )}
      {call.phase === "idle" && line.status === "ready" && (
        <Stack gap={4}>
          <Title order={3} fz="sm">
            No call
          </Title>
          <Text fz="sm" c="dimmed">
            To call a customer, open their case and choose Call.
          </Text>
        </Stack>
      )}
    </Stack>
  );
}

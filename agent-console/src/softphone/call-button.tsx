/** "Call" on a case: rings the case's customer from the softphone (or, without browser calling, via the agent's phone). */
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { type CaseDetail, FINAL_STATES } from "../api/types.ts";
import { useSoftphone } from "./use-softphone.ts";

const PHONE_CHANNELS = new Set<CaseDetail["channel"]>(["sms", "voice", "whatsapp"]);

/** Whether the case's customer has a number to call: a phone channel or a phone identity. */
export function hasPhone(detail: Pick<CaseDetail, "channel" | "contact">): boolean {
  return (
    PHONE_CHANNELS.has(detail.channel) ||
    detail.contact.identities.some((identity) => identity.kind === "phone")
  );
}

export function CallButton({ detail }: { detail: CaseDetail }) {
  const softphone = useSoftphone();
  const [starting, setStarting] = useState(false);
  if (!hasPhone(detail)) return null;
  const busy = !softphone.lineFree;

  function start() {
    setStarting(true);
    softphone
      .call(detail.id)
      .then((started) => {
        if (started.mode === "phone") notifications.show({ color: "blue", message: started.message });
      })
      .catch((error: unknown) =>
        notifications.show({ color: "red", title: "Call not placed", message: errorMessage(error) }),
      )
      .finally(() => setStarting(false));
  }

  return (
    <Button
      size="xs"
      variant="light"
      color="teal"
      onClick={start}
      loading={starting}
      disabled={busy || FINAL_STATES.includes(detail.state)}
      title={busy ? "Finish the current call first" : "Call the customer"}
      data-testid="case-call"
    >
      Call
    </Button>
  );
}

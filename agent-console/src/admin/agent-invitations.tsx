/**
 * Invitations in Admin → Agents: the result of inviting (mailed, or the one-time link to hand over
 * with a copy button), and resending an invitation to someone who has not chosen a password yet.
 */

import { Alert, Button, CopyButton, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { errorMessage } from "../api/client.ts";
import { formatDateTimeWithZone } from "../lib/format.ts";
import { send } from "./http.ts";
import { useAdminMutation } from "./queries.ts";
import type { AdminAgent } from "./types.ts";

export interface Invited {
  agent: AdminAgent;
  invitation: { expiresAt: string; mailed: boolean; link?: string };
}

const when = (iso: string) => formatDateTimeWithZone(iso);

/** Says the invitation was mailed; returns the result to show when it carries a link instead. */
export function announceInvitation(result: Invited): Invited | null {
  if (result.invitation.link) return result;
  notifications.show({
    color: "green",
    title: "Invitation mailed",
    message: `Invitation mailed to ${result.agent.email}. The link works until ${when(result.invitation.expiresAt)}.`,
  });
  return null;
}

/** The link of an invitation no mailbox could send: shown once, to copy and hand over. */
export function InvitationLinkModal({ shown, onClose }: { shown: Invited | null; onClose: () => void }) {
  return (
    <Modal opened={shown !== null} onClose={onClose} title="Invitation link" size="lg">
      {shown ? (
        <Stack gap="sm">
          <Text fz="sm">
            No mailbox can send mail, so give this link to {shown.agent.name} ({shown.agent.email}) yourself.
            It works once, until {when(shown.invitation.expiresAt)}.
          </Text>
          <Alert color="yellow" variant="light">
            It is shown only now: it is not stored anywhere you can see it again. If it is lost, resend the
            invitation.
          </Alert>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              label="One-time link"
              value={shown.invitation.link ?? ""}
              readOnly
              style={{ flex: 1 }}
              onFocus={(event) => event.currentTarget.select()}
            />
            <CopyButton value={shown.invitation.link ?? ""}>
              {({ copied, copy }) => (
                <Button color={copied ? "teal" : "blue"} onClick={copy}>
                  {copied ? "Copied" : "Copy link"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

const resend = (agent: AdminAgent) => send<Invited>("POST", `/api/agents/${agent.id}/invitation`, {});

/** In the edit drawer of someone invited who has not chosen a password: a new link replaces the old. */
export function PendingInvitation({ agent }: { agent: AdminAgent }) {
  const mutation = useAdminMutation(resend, [["admin"]]);
  const [shown, setShown] = useState<Invited | null>(null);
  return (
    <Alert color="yellow" variant="light" title="Invitation pending">
      <Stack gap="xs">
        <Text fz="sm">
          {agent.name} has not chosen a password yet and cannot sign in. A new invitation replaces the
          previous link.
        </Text>
        {mutation.error ? (
          <Text c="red" fz="sm" role="alert">
            {errorMessage(mutation.error)}
          </Text>
        ) : null}
        <Group>
          <Button
            size="xs"
            variant="light"
            loading={mutation.isPending}
            onClick={() =>
              mutation.mutate(agent, { onSuccess: (result) => setShown(announceInvitation(result)) })
            }
          >
            Resend invitation
          </Button>
        </Group>
      </Stack>
      <InvitationLinkModal shown={shown} onClose={() => setShown(null)} />
    </Alert>
  );
}

import { Text } from "@mantine/core";
import { useLive } from "../state/live-store.ts";

/** "Customer is typing…", announced politely to screen readers. */
export function TypingIndicator({ caseId, customerName }: { caseId: string; customerName: string }) {
  const typing = useLive((s) => !!s.customerTyping[caseId]);
  return (
    <Text fz="xs" c="dimmed" fs="italic" px="lg" h={20} aria-live="polite" data-testid="customer-typing">
      {typing ? `${customerName} is typing…` : ""}
    </Text>
  );
}

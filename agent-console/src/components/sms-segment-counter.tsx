/** How many SMS segments the draft costs, as the server counts them (GSM-7 vs UCS-2). */
import { Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../api/client.ts";
import type { SmsSegments } from "../api/types.ts";

export function SmsSegmentCounter({ body }: { body: string }) {
  const [debounced] = useDebouncedValue(body, 250);
  const counted = useQuery({
    queryKey: ["sms-segments", debounced],
    queryFn: () => api.post<SmsSegments>("/api/sms/segments", { body: debounced }),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!body || !counted.data) return <Text fz="xs" c="dimmed" h={18} />;
  const { segments, encoding, charactersLeftInSegment } = counted.data;
  return (
    <Text fz="xs" c={segments > 1 ? "orange.8" : "dimmed"} data-testid="sms-segments" aria-live="polite">
      {segments} segment{segments === 1 ? "" : "s"} · {encoding} · {charactersLeftInSegment} left in this one
    </Text>
  );
}

/**
 * Inserts a canned response into the reply: the agent searches by short code or title, and the
 * server fills in the placeholders ({{contact.name}}, {{case.number}}, …) for this case.
 */
import { Select } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import type { Channel } from "../api/types.ts";

interface CannedResponse {
  id: string;
  shortCode: string;
  title: string;
  body: string;
}

export function CannedPicker({
  caseId,
  channel,
  onInsert,
  onError,
}: {
  caseId: string;
  channel: Channel;
  onInsert(body: string): void;
  onError(message: string): void;
}) {
  const [pending, setPending] = useState(false);
  const canned = useQuery({
    queryKey: ["canned-responses", channel],
    queryFn: () => api.get<{ items: CannedResponse[] }>(`/api/canned-responses?channel=${channel}`),
    staleTime: 60_000,
    select: (page) => page.items,
  });
  if (!canned.data?.length) return null;

  async function insert(id: string | null) {
    if (!id) return;
    setPending(true);
    try {
      const rendered = await api.post<{ body: string }>(
        `/api/canned-responses/${encodeURIComponent(id)}/render`,
        {
          caseId,
        },
      );
      onInsert(rendered.body);
    } catch (error) {
      onError(errorMessage(error));
    } finally {
      setPending(false);
    }
  }

  return (
    <Select
      size="xs"
      w={220}
      aria-label="Insert a canned response"
      placeholder="Canned response…"
      searchable
      disabled={pending}
      value={null}
      data={canned.data.map((item) => ({ value: item.id, label: `/${item.shortCode} · ${item.title}` }))}
      onChange={(id) => void insert(id)}
      nothingFoundMessage="No canned response matches"
      data-testid="canned-picker"
    />
  );
}

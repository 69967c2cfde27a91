/**
 * Inserts a canned response into the reply: the agent searches by short code or title, and the
 * server fills in the placeholders ({{contact.name}}, {{case.number}}, …) for this case.
 */
import { Select } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../api/client.ts";
import type { Channel } from "../api/types.ts";

export interface CannedResponse {
  id: string;
  shortCode: string;
  title: string;
  body: string;
}

/** The canned responses for a channel, shared by the picker and the composer's `/` suggestions. */
export function useCannedList(channel: Channel) {
  return useQuery({
    queryKey: ["canned-responses", channel],
    queryFn: () => api.get<{ items: CannedResponse[] }>(`/api/canned-responses?channel=${channel}`),
    staleTime: 60_000,
    select: (page) => page.items,
  });
}

/** A canned response's body with the placeholders filled in by the server for this case. */
export async function renderCanned(cannedId: string, caseId: string): Promise<string> {
  const rendered = await api.post<{ body: string }>(
    `/api/canned-responses/${encodeURIComponent(cannedId)}/render`,
    { caseId },
  );
  return rendered.body;
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
  const canned = useCannedList(channel);
  if (!canned.data?.length) return null;

  async function insert(id: string | null) {
    if (!id) return;
    setPending(true);
    try {
      onInsert(await renderCanned(id, caseId));
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

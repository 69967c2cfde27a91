/** Custom field definitions and values, as TanStack Query hooks. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { customFieldSchema } from "../../../server/routes/custom-field-schemas.ts";
import { api } from "./client.ts";
import { queryKeys } from "./query-keys.ts";
import type { CaseDetail, CaseSummary, Wire } from "./types.ts";

export type CustomField = Wire<typeof customFieldSchema>;
export type CustomFieldEntity = CustomField["entity"];
export type FieldValue = string | number | boolean | string[] | null;

export const customFieldsKey = (entity: CustomFieldEntity) => ["custom-fields", entity] as const;

/** The active fields of cases or contacts, in the admin's order. */
export function useCustomFields(entity: CustomFieldEntity) {
  return useQuery({
    queryKey: customFieldsKey(entity),
    queryFn: async () =>
      (await api.get<{ items: CustomField[] }>(`/api/custom-fields?entity=${entity}`)).items,
    staleTime: 60_000,
  });
}

export function useSetCaseFields(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (values: Record<string, FieldValue>) =>
      api.patch<CaseSummary>(`/api/cases/${encodeURIComponent(caseId)}/custom-fields`, { values }),
    onSuccess: (summary) => {
      client.setQueryData<CaseDetail>(queryKeys.case(caseId), (detail) =>
        detail ? { ...detail, customFields: summary.customFields, queueId: summary.queueId } : detail,
      );
      void client.invalidateQueries({ queryKey: queryKeys.case(caseId) });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
    },
  });
}

export function useSetContactFields(contactId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (values: Record<string, FieldValue>) =>
      api.patch<{ customFields?: Record<string, unknown> }>(
        `/api/contacts/${encodeURIComponent(contactId)}/custom-fields`,
        { values },
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["case"] });
      void client.invalidateQueries({ queryKey: queryKeys.contact(contactId) });
    },
  });
}

/** A value as a person reads it. */
export function fieldText(field: Pick<CustomField, "type">, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.type === "checkbox") return value === true ? "Yes" : "No";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

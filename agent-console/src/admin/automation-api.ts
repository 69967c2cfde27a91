/** What Admin → Automation reads and writes: rule sets with their rules, and dry-run answers. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { send } from "./http.ts";

export interface Rule {
  id: string;
  ruleSetId: string;
  name: string;
  trigger: "event" | "time";
  events: string[];
  timeAnchor: string | null;
  afterMinutes: number | null;
  conditions: { field: string; op: string; value?: unknown }[];
  actions: Record<string, unknown>[];
  enabled: boolean;
}

export type RuleSetMode = "first_match" | "all_match";

export interface RuleSet {
  id: string;
  name: string;
  mode: RuleSetMode;
  enabled: boolean;
  rules: Rule[];
}

export interface DryRun {
  scanned: number;
  truncated: boolean;
  matched: {
    caseId: string;
    number: number;
    subject: string;
    state: string;
    why: string[];
    anchorAt?: string | null;
  }[];
}

export const AUTOMATION_KEY = ["admin", "automation"] as const;
export const AUTOMATION_BASE = "/api/admin/automation";
export const EVENTS = ["case.created", "case.updated", "interaction.created"];
export const ANCHORS = [
  "created",
  "waiting_on_customer_since",
  "unassigned_since",
  "last_customer_message",
  "last_agent_reply",
];
export const MODE_OPTIONS: { value: RuleSetMode; label: string }[] = [
  { value: "all_match", label: "All matching rules" },
  { value: "first_match", label: "First match only" },
];

/** One write to the automation API; the rule sets are read again once it has settled. */
export function useAutomationWrite() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      method,
      path,
      body,
    }: {
      method: "POST" | "PUT" | "DELETE";
      path: string;
      body?: unknown;
    }) => send(method, path, body),
    onSettled: () => client.invalidateQueries({ queryKey: AUTOMATION_KEY }),
  });
}

/** The ids in a new order: the one at `index` moved `by` places. */
export function moved(ids: string[], index: number, by: number): string[] {
  const next = [...ids];
  const [id] = next.splice(index, 1);
  next.splice(index + by, 0, id!);
  return next;
}

export const triggerSummary = (rule: Rule) =>
  rule.trigger === "event"
    ? `on ${rule.events.join(", ")}`
    : `${rule.afterMinutes} min after ${rule.timeAnchor?.replaceAll("_", " ")}`;

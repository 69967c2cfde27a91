/** The shapes the admin pages read and write (see the routes under server/routes and /docs). */
import type { failedJobSchema, jobQueueStatsSchema } from "../../../server/routes/jobs-admin.ts";
import type { calendarSchema, overflowStepSchema } from "../../../server/routes/routing-admin.ts";
import type { Channel, Priority, Wire } from "../api/types.ts";

export const ROLES = ["agent", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS: Channel[] = ["chat", "email", "sms", "voice"];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];

export type Capacity = Record<Channel, number>;

export interface AdminAgent {
  id: string;
  email: string;
  name: string;
  role: Role;
  presence: "available" | "away" | "offline";
  capacity: Capacity;
  active: boolean;
  createdAt: string;
}

export interface Skill {
  id: string;
  name: string;
  description: string;
}

export interface SkillRequirement {
  skillId: string;
  level: number;
}

export interface SkillLevel extends SkillRequirement {
  name: string;
}

export const SELECTION_POLICIES = ["longest_idle", "most_available", "least_active", "best_skill"] as const;
export type SelectionPolicy = (typeof SELECTION_POLICIES)[number];

export type OverflowStep = Wire<typeof overflowStepSchema>;
export type Calendar = Wire<typeof calendarSchema>;

export interface Queue {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  requiredSkills: SkillRequirement[];
  preferredSkills: SkillRequirement[];
  policy: SelectionPolicy;
  overflowSteps: OverflowStep[];
  agingSteps: { afterSeconds: number; raiseBy: number }[];
  stickySeconds: number;
  wrapUpSeconds: number;
  offerTimeoutSeconds: number | null;
  businessHours: Calendar | null;
  serviceLevelPercent: number;
  serviceLevelSeconds: number;
  /** Its cases need a disposition code before they are resolved or closed. */
  dispositionRequired: boolean;
}

export type QueueInput = Omit<Queue, "id">;

export interface AssignmentRule {
  id: string;
  position: number;
  name: string;
  enabled: boolean;
  conditions: {
    channels?: Channel[];
    addresses?: string[];
    contactAttributes?: Record<string, string | number | boolean>;
    keywords?: string[];
    priorities?: Priority[];
  };
  queueId: string;
  setPriority: Priority | null;
}

export const SLA_METRICS = [
  "first_response",
  "next_response",
  "periodic_update",
  "resolution",
  "answer",
] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];
export type SlaTargets = Partial<
  Record<Priority, Partial<Record<SlaMetric, { minutes: number; business: boolean }>>>
>;

export interface SlaPolicy {
  id: string;
  position: number;
  name: string;
  enabled: boolean;
  conditions: {
    priorities?: Priority[];
    channels?: Channel[];
    queueIds?: string[];
    tags?: string[];
    contactAttributes?: Record<string, string | number | boolean>;
  };
  targets: SlaTargets;
  atRiskPercent: number;
  calendar: Calendar | null;
}

export const ESCALATION_ACTIONS = ["notify_supervisor", "raise_priority", "move_to_queue"] as const;
export interface EscalationRule {
  id: string;
  name: string;
  enabled: boolean;
  trigger: "at_risk" | "breached";
  metric: SlaMetric | null;
  queueId: string | null;
  action: (typeof ESCALATION_ACTIONS)[number];
  targetQueueId: string | null;
}

export interface Mailbox {
  id: string;
  name: string;
  address: string;
  fromName: string | null;
  fromEnv: boolean;
  folder: string;
  queueId: string | null;
  enabled: boolean;
  imap: { host: string; port: number; secure: boolean; user: string } | null;
  smtp: { host: string; port: number; secure: boolean; user: string } | null;
  lastSyncAt: string | null;
  lastError: string | null;
}

export interface IvrOption {
  digit: string;
  label: string;
  queueId: string;
}

export interface PhoneNumber {
  id: string;
  number: string;
  name: string;
  queueId: string | null;
  greeting: string | null;
  ivr: IvrOption[];
  fallbackNumber: string | null;
}

/** A saved reply agents pick by its short code; `channels` empty means offered on every channel. */
export interface CannedResponse {
  id: string;
  shortCode: string;
  title: string;
  body: string;
  channels: Channel[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Why a customer got in touch and how it ended, picked by the agent on the case. */
export interface Disposition {
  id: string;
  label: string;
  description: string;
  /** Retired codes stay on their cases but are not offered. */
  active: boolean;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** The placeholders a canned response may use, filled from the case when an agent picks it. */
export const CANNED_PLACEHOLDERS = [
  "{{contact.name}}",
  "{{agent.name}}",
  "{{case.number}}",
  "{{case.subject}}",
] as const;

export const NOTIFICATION_EVENTS = ["created", "waiting_on_customer", "resolved", "reopened"] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** Channels customers get written updates on; callers hear none. */
export const TEMPLATE_CHANNELS = ["email", "sms", "chat"] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** The update one event sends on one channel; `subject` is used on email only. */
export interface StatusTemplate {
  id: string;
  event: NotificationEvent;
  channel: TemplateChannel;
  subject: string;
  body: string;
  enabled: boolean;
  updatedAt: string;
}

/** One failed job as GET /api/admin/jobs lists it (no payload). */
export type FailedJob = Wire<typeof failedJobSchema>;

/** One job queue (one per kind of job): its backlog and recent failures. */
export type JobQueueStats = Wire<typeof jobQueueStatsSchema>;

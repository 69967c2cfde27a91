/**
 * The shapes the admin pages read and write, as the server declares them: each answer derives from its
 * route's response schema (server/routes/*.ts), so a field renamed there fails to compile here.
 * `import type` only: the browser bundle never pulls in server code.
 */

import type { agentSchema } from "../../../server/http/views.ts";
import type { businessCalendarSchema } from "../../../server/routes/business-calendars.ts";
import type { cannedSchema } from "../../../server/routes/canned-responses.ts";
import type { dispositionSchema } from "../../../server/routes/dispositions.ts";
import type { failedJobSchema, jobQueueStatsSchema } from "../../../server/routes/jobs-admin.ts";
import type { mailboxSchema } from "../../../server/routes/mailboxes.ts";
import type { ivrOption, phoneNumberSchema } from "../../../server/routes/phone-numbers.ts";
import type {
  assignmentRuleSchema,
  calendarSchema,
  overflowStepSchema,
  queueSchema,
} from "../../../server/routes/routing-admin.ts";
import type { securityEventSchema } from "../../../server/routes/security-log.ts";
import type { skillLevelSchema, skillRequirement, skillSchema } from "../../../server/routes/skills.ts";
import type { escalationRuleSchema, policySchema } from "../../../server/routes/sla.ts";
import type { templateSchema } from "../../../server/routes/status-templates.ts";
import type { brandingSchema, widgetSettingsSchema } from "../../../server/routes/widget-settings.ts";
import type { CapacityChannel, Channel, Priority, Wire } from "../api/types.ts";

export const ROLES = ["agent", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS: Channel[] = ["chat", "email", "sms", "voice", "whatsapp"];
/** The channels capacity is set in: WhatsApp counts against the SMS capacity. */
export const CAPACITY_CHANNELS: CapacityChannel[] = ["chat", "email", "sms", "voice"];
export const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];

export type Capacity = Record<CapacityChannel, number>;

export type AdminAgent = Wire<typeof agentSchema>;

export type Skill = Wire<typeof skillSchema>;
export type SkillRequirement = Wire<typeof skillRequirement>;
/** One of an agent's skills (GET /api/agents/:id/skills). */
export type SkillLevel = Wire<typeof skillLevelSchema>;

export const SELECTION_POLICIES = ["longest_idle", "most_available", "least_active", "best_skill"] as const;
export type SelectionPolicy = (typeof SELECTION_POLICIES)[number];

export type OverflowStep = Wire<typeof overflowStepSchema>;
export type Calendar = Wire<typeof calendarSchema>;
/** A named calendar (Admin → Business calendars), with the queues and SLA policies using it. */
export type BusinessCalendar = Wire<typeof businessCalendarSchema>;

export type Queue = Wire<typeof queueSchema>;

/** The queue form's state, sent as the create or update body: a queue's own fields (form state only the console has). */
export type QueueInput = Omit<Queue, "id" | "createdAt" | "updatedAt">;

export type AssignmentRule = Wire<typeof assignmentRuleSchema>;

export const SLA_METRICS = [
  "first_response",
  "next_response",
  "periodic_update",
  "resolution",
  "answer",
] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];
export type SlaPolicy = Wire<typeof policySchema>;
/** A policy's targets: minutes (business or calendar) per priority and metric. */
export type SlaTargets = SlaPolicy["targets"];

export const ESCALATION_ACTIONS = ["notify_supervisor", "raise_priority", "move_to_queue"] as const;
export type EscalationRule = Wire<typeof escalationRuleSchema>;

export type Mailbox = Wire<typeof mailboxSchema>;

export type IvrOption = Wire<typeof ivrOption>;

export type PhoneNumber = Wire<typeof phoneNumberSchema>;

/** A saved reply agents pick by its short code; `channels` empty means offered on every channel. */
export type CannedResponse = Wire<typeof cannedSchema>;

/** Why a customer got in touch and how it ended, picked by the agent on the case. */
export type Disposition = Wire<typeof dispositionSchema>;

/** The placeholders a canned response may use, filled from the case when an agent picks it. */
export const CANNED_PLACEHOLDERS = [
  "{{contact.name}}",
  "{{contact.first_name}}",
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
export type StatusTemplate = Omit<Wire<typeof templateSchema>, "channel"> & {
  /** The server answers it as a string; it only stores TEMPLATE_CHANNELS (its update body checks them). */
  channel: TemplateChannel;
};

/** One failed job as GET /api/admin/jobs lists it (no payload). */
export type FailedJob = Wire<typeof failedJobSchema>;

/** One job queue (one per kind of job): its backlog and recent failures. */
export type JobQueueStats = Wire<typeof jobQueueStatsSchema>;

/** One entry of the security log (Admin → Security log). */
export type SecurityEvent = Wire<typeof securityEventSchema>;

/** The chat widget's settings (Admin → Widget & branding). */
export type WidgetSettings = Wire<typeof widgetSettingsSchema>;

/** The status page's team name, logo and colour. */
export type Branding = Wire<typeof brandingSchema>;

/**
 * Everything routes, socket handlers and jobs may use; assembled once by the channels plugin
 * (server/plugins/channels.ts) from the clients, the domain services and the channels, and never
 * changed afterwards. Each module takes a `Pick` of it naming what it uses.
 */
import type { AutomationDeps } from "../automation/ports.ts";
import type { ChatChannel } from "../channels/chat/chat-channel.ts";
import type { EmailChannel } from "../channels/email/email-channel.ts";
import type { VoiceDeps } from "../channels/voice/voice-deps.ts";
import type { Webhooks } from "../integrations/webhooks/index.ts";
import type { CallbackPort } from "../sla/remedies.ts";
import type { AppClients } from "./plugins/clients.ts";
import type { DomainServices } from "./plugins/domain.ts";
import type { AgentNamespace } from "./realtime/namespaces.ts";

export interface Services
  extends Pick<
      AppClients,
      | "config"
      | "database"
      | "db"
      | "clock"
      | "jobs"
      | "metrics"
      | "logger"
      | "storage"
      | "senders"
      | "pushToVisitor"
      | "limits"
      | "clientAddressOf"
      | "secret"
      | "systemMail"
    >,
    Pick<
      DomainServices,
      "cases" | "routing" | "router" | "routingRunner" | "slaPolicies" | "auth" | "sso" | "statusUpdates"
    > {
  chat: ChatChannel;
  /** Mailboxes: fetching, sending and their admin operations. */
  email: EmailChannel;
  /** What calls need; null without Voice (Twilio). */
  voice: VoiceDeps | null;
  /** Callbacks for callers holding on the line; null without voice. */
  callbacks: CallbackPort | null;
  agentNamespace(): AgentNamespace;
  /** Rules on events and time, and macros (automation/). */
  automation: AutomationDeps;
  /** Outbound webhooks: endpoints, deliveries and their attempts (server/webhooks.ts). */
  webhooks: Webhooks;
}

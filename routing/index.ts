export { createRoutingConfigCache, type RoutingConfigCache } from "./config-cache.ts";
export type { OfferRow } from "./offers.ts";
export {
  DEFAULT_ROUTING_SETTINGS,
  type RoutingDeps,
  type RoutingJobs,
  type RoutingSettings,
} from "./ports.ts";
export type { AgentRow } from "./presence.ts";
export { createRoutingHooks, createSkillRouter, type Router } from "./router.ts";
export { createRoutingRunner, type RoutingRunner } from "./routing-runner.ts";

export { addBusinessTime, businessMinutesBetween, type Calendar } from "./business-calendar.ts";
export {
  type AgentsNeededInput,
  type AgentsNeededResult,
  agentsNeeded,
  type ErlangCInput,
  type ErlangCResult,
  erlangC,
} from "./erlang-c.ts";

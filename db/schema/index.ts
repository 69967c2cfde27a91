export * from "./agents.ts";
export * from "./canned-responses.ts";
export * from "./cases.ts";
export * from "./channels.ts";
export * from "./contacts.ts";
export * from "./outbound.ts";
export * from "./routing.ts";
export * from "./sla.ts";

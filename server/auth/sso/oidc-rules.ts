/**
 * The pure rules of single sign-on: which issuer URLs are accepted, how a role map is written, and
 * which Switchboard role a provider's claim gives. No I/O, so the environment schema, the admin API
 * and the sign-in all apply the same rules.
 */
import { AGENT_ROLES, type AgentRole } from "../../../db/schema/agents.ts";

export type RoleMap = Record<string, AgentRole>;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Why an issuer URL is refused, or null. HTTPS only, except on this machine's loopback address,
 * where a provider for development and tests runs without a certificate.
 */
export function issuerProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be a URL such as https://login.example.com";
  }
  if (url.search || url.hash) return "must not have a query or a fragment";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "must be an https:// URL (http:// only on localhost)";
}

/**
 * The issuer exactly as the provider names itself (its discovery document's `issuer` must match,
 * trailing slash included: Auth0's has one, Keycloak's has none), only trimmed.
 */
export const normaliseIssuer = (value: string) => value.trim();

/** Reads "sb-admins=admin,sb-agents=agent": a claim value, '=', a role; throws naming the bad entry. */
export function parseRoleMap(text: string): RoleMap {
  const map: RoleMap = {};
  for (const entry of text.split(",").map((part) => part.trim())) {
    if (!entry) continue;
    const at = entry.lastIndexOf("=");
    const value = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at <= 0 || !value || !(AGENT_ROLES as readonly string[]).includes(role))
      throw new Error(`"${entry}" is not value=role with role one of ${AGENT_ROLES.join(", ")}`);
    map[value] = role as AgentRole;
  }
  return map;
}

/** The role map written back as text, in the order entries were given. */
export const formatRoleMap = (map: RoleMap) =>
  Object.entries(map)
    .map(([value, role]) => `${value}=${role}`)
    .join(",");

const RANK: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };

/** A claim's values: a string, a list of strings (groups), or nothing usable. */
function claimValues(claim: unknown): string[] | null {
  if (typeof claim === "string") return [claim];
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === "string");
  return null;
}

/**
 * The role a claim gives: the highest role any of its values maps to, or "agent" when none maps —
 * being left out of every mapped group takes a role away. Without a map, values that are role names
 * are taken as they are. Null when the claim is absent: the role is then left as it is.
 */
export function roleFromClaim(claim: unknown, map: RoleMap): AgentRole | null {
  const values = claimValues(claim);
  if (values === null) return null;
  const direct = Object.keys(map).length === 0;
  const roles = values
    .map((value) => (direct ? AGENT_ROLES.find((role) => role === value) : map[value]))
    .filter((role): role is AgentRole => role !== undefined);
  return roles.reduce<AgentRole>((best, role) => (RANK[role] > RANK[best] ? role : best), "agent");
}

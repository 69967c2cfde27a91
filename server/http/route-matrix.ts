/**
 * The route × role matrix, rendered from the routes' own declarations (`config.access`,
 * `config.worksCase`, `config.proof`): the README's copy is regenerated with `npm run docs:routes`,
 * and a test checks both that the copy is current and that every route answers as it says.
 */
import type { AgentRole } from "../../db/schema/agents.ts";
import { type Access, hasRole, type RouteAccess } from "./access.ts";

export const MATRIX_BEGIN = "<!-- route-matrix:begin (npm run docs:routes) -->";
export const MATRIX_END = "<!-- route-matrix:end -->";

const ROLES: AgentRole[] = ["agent", "supervisor", "admin"];

/** Settings under which every route exists (Twilio's webhooks and calling included); nothing is contacted. */
export const EVERY_ROUTE_ENV: Record<string, string> = {
  TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "route-matrix-auth-token",
  TWILIO_API_KEY_SID: `SK${"0".repeat(32)}`,
  TWILIO_API_KEY_SECRET: "route-matrix-api-key-secret",
  TWILIO_TWIML_APP_SID: `AP${"0".repeat(32)}`,
};

const PROOF_LABEL: Record<NonNullable<RouteAccess["proof"]>, string> = {
  "twilio-signature": "Twilio's signature",
  "status-link": "a signed status link",
  "mailed-link": "a one-time mailed link",
};

/** The routes as the matrix lists them: no automatic HEAD twins, sorted by path then method. */
export function matrixRoutes(routes: readonly RouteAccess[]): RouteAccess[] {
  const seen = new Set<string>();
  return routes
    .filter((route) => route.method !== "HEAD")
    .filter((route) => {
      const key = `${route.method} ${route.url}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}

/** Whether someone of `role` (or nobody signed in) gets past the route's access check. */
export function admits(access: Access, role: AgentRole | null): boolean {
  if (access === "public") return true;
  return role !== null && hasRole({ role }, access);
}

function cell(route: RouteAccess, role: AgentRole | null): string {
  if (!admits(route.access, role)) return "—";
  if (role === null) return route.proof ? PROOF_LABEL[route.proof] : "✓";
  if (route.worksCase && role === "agent") return "cases they may work¹";
  return "✓";
}

export function renderRouteMatrix(routes: readonly RouteAccess[]): string {
  const lines = [
    "| method | path | anyone | agent | supervisor | admin |",
    "|---|---|---|---|---|---|",
    ...matrixRoutes(routes).map(
      (route) =>
        `| ${route.method} | \`${route.url}\` | ${[null, ...ROLES].map((role) => cell(route, role)).join(" | ")} |`,
    ),
  ];
  return [
    MATRIX_BEGIN,
    "",
    ...lines,
    "",
    "¹ Assigned or offered to them, or unassigned in a queue they serve (or in no queue); see “Who may work a case”.",
    "",
    MATRIX_END,
  ].join("\n");
}

/** The README with its matrix replaced by `matrix`; throws when the markers are missing. */
export function withMatrix(readme: string, matrix: string): string {
  const begin = readme.indexOf(MATRIX_BEGIN);
  const end = readme.indexOf(MATRIX_END);
  if (begin < 0 || end < begin) throw new Error("README.md has no route matrix markers.");
  return readme.slice(0, begin) + matrix + readme.slice(end + MATRIX_END.length);
}

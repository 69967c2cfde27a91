/**
 * A router the size of the problem: the console has a handful of paths, and the server answers any
 * of them with index.html. Each screen's path is parsed and built here.
 */
import { useSyncExternalStore } from "react";

export type Route =
  | { name: "inbox" }
  | { name: "case"; caseId: string }
  | { name: "contacts"; contactId?: string }
  | { name: "macros" }
  | { name: "supervisor"; section: string }
  | { name: "admin"; section: string }
  | { name: "outbound"; section: string };

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function parseRoute(pathname: string): Route {
  const caseMatch = /^\/cases\/([^/]+)\/?$/.exec(pathname);
  if (caseMatch?.[1]) return { name: "case", caseId: decodeURIComponent(caseMatch[1]) };
  const contactMatch = /^\/contacts(?:\/([^/]+))?\/?$/.exec(pathname);
  if (contactMatch)
    return contactMatch[1]
      ? { name: "contacts", contactId: decodeURIComponent(contactMatch[1]) }
      : { name: "contacts" };
  if (/^\/macros\/?$/.test(pathname)) return { name: "macros" };
  const areaMatch = /^\/(supervisor|admin|outbound)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (areaMatch?.[1])
    return {
      name: areaMatch[1] as "supervisor" | "admin" | "outbound",
      section: areaMatch[2] ? decodeURIComponent(areaMatch[2]) : "",
    };
  return { name: "inbox" };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case "case":
      return `/cases/${encodeURIComponent(route.caseId)}`;
    case "contacts":
      return route.contactId ? `/contacts/${encodeURIComponent(route.contactId)}` : "/contacts";
    case "macros":
      return "/macros";
    case "supervisor":
    case "admin":
    case "outbound":
      return route.section ? `/${route.name}/${encodeURIComponent(route.section)}` : `/${route.name}`;
    default:
      return "/";
  }
}

/** Goes to a path, with a query string if it has one (`/?status=open`). */
export function navigateTo(path: string, options: { replace?: boolean } = {}): void {
  if (path === `${window.location.pathname}${window.location.search}`) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const path = pathOf(route);
  // The same screen: its query string (the inbox's filters) is its own business.
  if (path === window.location.pathname) return;
  navigateTo(path, options);
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The page's query string without its `?`: the inbox keeps its filters there, so a link reproduces them. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search.replace(/^\?/, ""));
}

export function useRoute(): Route {
  return parseRoute(usePathname());
}

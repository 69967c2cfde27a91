/**
 * Admin writes need PUT and DELETE besides GET, POST and PATCH. They go through the console's own
 * `request` (api/client.ts): the same bearer token, the same `ApiError`, so errors read the same
 * everywhere. `request` is typed for the methods the console itself sends; its fetch passes any method on.
 */
import { request } from "../api/client.ts";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export const send = <T>(method: Method, path: string, body?: unknown): Promise<T> =>
  request<T>(method as "PATCH", path, body);

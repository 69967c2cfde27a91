/** A small HTTP client over fetch for tests: JSON in, `{ status, body }` out. */

// biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field.
export type Body = any;

export interface ApiResponse {
  status: number;
  body: Body;
  headers: Headers;
}

export interface Api {
  token?: string;
  login(email: string, password: string): Promise<string>;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
}

export function createApi(baseUrl: string, token?: string): Api {
  const api: Api = {
    token,
    async login(email, password) {
      const response = await api.post("/api/auth/login", { email, password });
      if (response.status !== 200)
        throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      api.token = response.body.token;
      return api.token!;
    },
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: Body = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    get: (path) => api.request("GET", path),
    post: (path, body) => api.request("POST", path, body ?? {}),
  };
  return api;
}

/**
 * Walks a single sign-on as a browser would, with plain HTTP: follows redirects by hand with a
 * cookie jar (cookies by name and path, shared across ports as browsers share them per host), and
 * posts the test provider's sign-in form on the way.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      const expired =
        attributes.some((a) => /^max-age=0$/i.test(a)) ||
        attributes.some((a) => a.toLowerCase().startsWith("expires=") && new Date(a.slice(8)) < new Date());
      const key = `${name} ${path}`;
      if (expired || !value) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([key, cookie]) => `${key.split(" ")[0]}=${cookie.value}`)
      .join("; ");
  }

  has(name: string): boolean {
    return [...this.cookies.keys()].some((key) => key.startsWith(`${name} `));
  }
}

export interface Hop {
  url: URL;
  status: number;
}

/** Sends one request with the jar's cookies, keeping what the answer sets. */
export async function hop(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
  });
  jar.store(response);
  return response;
}

/**
 * Follows redirects from `start` until the answer is not a redirect or leaves for the app's own
 * pages (`appOrigin` outside /api/): returns where it ended. The provider's sign-in form is posted
 * with `login` on the way; `onCallback` may rewrite the callback URL before it is followed.
 */
export async function walkSignIn(
  jar: CookieJar,
  start: URL,
  options: { appOrigin: string; login: string; onCallback?: (url: URL) => URL },
): Promise<{ final: URL; response: Response; hops: Hop[] }> {
  let url = start;
  let init: RequestInit = {};
  const hops: Hop[] = [];
  for (let step = 0; step < 20; step++) {
    if (url.pathname.endsWith("/api/auth/oidc/callback") && options.onCallback) url = options.onCallback(url);
    const response = await hop(jar, url, init);
    hops.push({ url, status: response.status });
    init = {};
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin === options.appOrigin && !next.pathname.startsWith("/api/"))
        return { final: next, response, hops };
      url = next;
      continue;
    }
    if (response.status === 200 && url.pathname.startsWith("/interaction/")) {
      await response.text();
      init = {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login: options.login }).toString(),
      };
      continue;
    }
    return { final: url, response, hops };
  }
  throw new Error(`sign-in did not settle: ${hops.map((h) => `${h.status} ${h.url}`).join(" → ")}`);
}

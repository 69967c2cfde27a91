/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core, with the
 * flags this closed network needs (no background connections), a throwaway profile, and the
 * console built first when `agent-console/dist` is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST = join(ROOT, "agent-console/dist");
/** Where the runs save their screenshots (ignored by git). */
export const SCREENSHOTS = fileURLToPath(new URL("../e2e/screenshots", import.meta.url));
export const VIEWPORT = { width: 1280, height: 720 };

export interface TestBrowser {
  context: BrowserContext;
  /**
   * What the Content-Security-Policy refused on any page, as Chromium reported it; `close()` fails
   * the run when any is left, so every browser test also checks that the policy lets the product work.
   */
  cspViolations: string[];
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(options: { timeoutMs: number }): Promise<TestBrowser> {
  if (!existsSync(join(DIST, "index.html")) || !existsSync(join(DIST, "widget.js")))
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profileDir = mkdtempSync(join(tmpdir(), "switchboard-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: VIEWPORT,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context.setDefaultTimeout(options.timeoutMs);
  const cspViolations: string[] = [];
  const watch = (page: Page) =>
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
    });
  for (const page of context.pages()) watch(page);
  context.on("page", watch);
  return {
    context,
    cspViolations,
    screenshot: async (page, name) => {
      await page.screenshot({ path: join(SCREENSHOTS, name) });
    },
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
      if (cspViolations.length)
        throw new Error(`The Content-Security-Policy refused:\n${cspViolations.join("\n")}`);
    },
  };
}

/** The console's session cookie (server/http/access.ts SESSION_COOKIE). */
export const SESSION_COOKIE = "sb_session";

/**
 * Starts the browser signed in, as a browser holding the console's session cookie is: every page of
 * `context` on `appUrl` opens straight into the console.
 */
export async function signInWithCookie(
  context: BrowserContext,
  appUrl: string,
  token: string,
): Promise<void> {
  await context.addCookies([
    { name: SESSION_COOKIE, value: token, url: appUrl, httpOnly: true, sameSite: "Lax" },
  ]);
}

/** Signs in on the console's sign-in form, which `page` shows. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  // The sign-in form first: right after signing out, the page before it may still be showing.
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

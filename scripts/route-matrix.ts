/**
 * Rewrites the README's route × role matrix from the routes' declarations: builds the app (with
 * Twilio configured, so its webhooks are listed too) on a throwaway embedded database, reads the
 * access table and replaces the block between the matrix markers. `npm run docs:routes`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../db/project-root.ts";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { EVERY_ROUTE_ENV, renderRouteMatrix, withMatrix } from "../server/http/route-matrix.ts";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "switchboard-routes-"));
  try {
    const config = loadConfig({ ...EVERY_ROUTE_ENV, DATA_DIR: dataDir, LOG_LEVEL: "silent", PORT: "0" });
    const built = await buildApp(config);
    await built.app.ready();
    const matrix = renderRouteMatrix(built.app.routeAccess);
    await built.app.close();
    const path = join(PROJECT_ROOT, "README.md");
    writeFileSync(path, withMatrix(readFileSync(path, "utf8"), matrix));
    console.log(`README.md: route matrix of ${matrix.split("\n").length - 8} routes written.`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

/**
 * A migrated PGlite data folder, dumped to a tarball. Creating a PGlite database from nothing runs
 * initdb (≈3 s here); loading this template takes ≈0.7 s. `npm install` builds it once, so the
 * first `npm start` is quick; tests copy it for every test file. Keyed by PGlite's version, since a
 * data folder only opens with the version that wrote it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { MIGRATIONS_FOLDER } from "./migrate.ts";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.ts";

// PGlite does not export its package.json, so it is read from where npm installs it.
const pgliteVersion = (
  JSON.parse(
    readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8"),
  ) as {
    version: string;
  }
).version;

export const PGLITE_TEMPLATE_PATH = join(
  fileURLToPath(new URL("../node_modules/.cache/switchboard", import.meta.url)),
  `pglite-template-${pgliteVersion}.tar`,
);

/** Initialises and migrates an in-memory PGlite and returns its data folder as a tarball. */
export async function dumpMigratedPglite(): Promise<Blob> {
  const pglite = new PGlite({ extensions: PGLITE_EXTENSIONS });
  try {
    await migrate(drizzle(pglite), { migrationsFolder: MIGRATIONS_FOLDER });
    return await pglite.dumpDataDir("none");
  } finally {
    await pglite.close();
  }
}

export async function writePgliteTemplate(path = PGLITE_TEMPLATE_PATH): Promise<string> {
  const dump = await dumpMigratedPglite();
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  writeFileSync(`${path}.partial`, Buffer.from(await dump.arrayBuffer()));
  renameSync(`${path}.partial`, path);
  return path;
}

export function readPgliteTemplate(path = PGLITE_TEMPLATE_PATH): Blob | undefined {
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

/**
 * Migrated PGlite databases to start from, because creating one from nothing runs initdb (≈3 s).
 * - A data folder, built once by `npm install` and copied into a new DATA_DIR by the first start:
 *   a file copy is the quickest way to a migrated database on disk (≈0.3 s, where loading a dumped
 *   tarball into a folder takes 2–3 s: PGlite writes it file by file through its WASM file system).
 * - A tarball (`dumpDataDir`), for in-memory databases: the tests load one per test file.
 * Both are keyed by PGlite's version, since a data folder only opens with the version that wrote it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { MIGRATIONS_FOLDER } from "./migrate.ts";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.ts";
import { PROJECT_ROOT } from "./project-root.ts";

// PGlite does not export its package.json, so it is read from where npm installs it.
const pgliteVersion = (
  JSON.parse(
    readFileSync(join(PROJECT_ROOT, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8"),
  ) as {
    version: string;
  }
).version;

export const PGLITE_TEMPLATE_FOLDER = join(
  PROJECT_ROOT,
  "node_modules",
  ".cache",
  "switchboard",
  `pglite-template-${pgliteVersion}`,
);

async function migrated(pglite: PGlite): Promise<PGlite> {
  await migrate(drizzle(pglite), { migrationsFolder: MIGRATIONS_FOLDER });
  return pglite;
}

/** Initialises and migrates an in-memory PGlite and returns its data folder as a tarball. */
export async function dumpMigratedPglite(): Promise<Blob> {
  const pglite = await migrated(new PGlite({ extensions: PGLITE_EXTENSIONS }));
  try {
    return await pglite.dumpDataDir("none");
  } finally {
    await pglite.close();
  }
}

export async function writePgliteTemplate(path: string): Promise<string> {
  const dump = await dumpMigratedPglite();
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  writeFileSync(`${path}.partial`, Buffer.from(await dump.arrayBuffer()));
  renameSync(`${path}.partial`, path);
  return path;
}

/** Initialises and migrates a PGlite data folder at `folder`, replacing what was there. */
export async function writePgliteTemplateFolder(folder = PGLITE_TEMPLATE_FOLDER): Promise<string> {
  const partial = `${folder}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(folder), { recursive: true });
  const pglite = await migrated(new PGlite({ dataDir: partial, extensions: PGLITE_EXTENSIONS }));
  // A clean shutdown leaves a data folder that opens without recovery wherever it is copied.
  await pglite.close();
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return folder;
}

/**
 * Copies the template data folder to `target`, which must not hold a database. Returns false when
 * there is no template (PGlite then runs initdb). The copy lands under a temporary name and is
 * renamed into place, so a start killed half-way leaves no half-copied database behind.
 */
export async function copyPgliteTemplate(
  target: string,
  template = PGLITE_TEMPLATE_FOLDER,
): Promise<boolean> {
  if (!existsSync(join(template, "PG_VERSION"))) return false;
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const files: string[] = [];
  for (const entry of readdirSync(template, { recursive: true, withFileTypes: true })) {
    const path = relative(template, join(entry.parentPath, entry.name));
    if (entry.isDirectory()) mkdirSync(join(partial, path), { recursive: true });
    else files.push(path);
  }
  // About 1,200 files: copied side by side on libuv's threads, which beats one after another.
  await Promise.all(files.map((path) => copyFile(join(template, path), join(partial, path))));
  // A folder without PG_VERSION holds no database (an initdb that never finished); it is replaced.
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return true;
}

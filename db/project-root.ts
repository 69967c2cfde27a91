/**
 * The project's root folder (package.json, node_modules), the same whether this file runs from
 * source (`db/`) or compiled (`dist/db/`). Files read at run time — the migrations, the console
 * build, the PGlite template — are found from here, so the compiled server reads the very files the
 * sources do and the build copies none of them.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function nearestPackageFolder(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`No package.json in ${from} or above it.`);
  }
}

export const PROJECT_ROOT = nearestPackageFolder(dirname(fileURLToPath(import.meta.url)));

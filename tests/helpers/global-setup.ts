/**
 * Runs once per `vitest run`: migrates a template database that every test file copies, so a test
 * file starts from a fresh, migrated database in well under a second.
 * - embedded: a PGlite data folder dumped to a tarball;
 * - TEST_DATABASE_URL: a PostgreSQL database used as `CREATE DATABASE ... TEMPLATE`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connect } from "../../db/connect.ts";
import { runMigrations } from "../../db/migrate.ts";
import { writePgliteTemplate } from "../../db/pglite-template.ts";
import { databaseUrlFor } from "./database-url.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  // Built fresh for every run, so it always holds the migrations of the code under test.
  const folder = mkdtempSync(join(tmpdir(), "switchboard-test-"));
  project.provide("pgliteTemplate", await writePgliteTemplate(join(folder, "pglite-template.tar")));

  const serverUrl = process.env.TEST_DATABASE_URL;
  let templateName: string | null = null;
  if (serverUrl) {
    templateName = `sb_template_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${templateName}`);
    await admin.unsafe(`create database ${templateName}`);
    const database = await connect({
      databaseUrl: databaseUrlFor(serverUrl, templateName),
      maxConnections: 2,
    });
    await runMigrations(database);
    await database.close();
    await admin.end();
  }
  project.provide("postgresTemplate", templateName);

  return async () => {
    rmSync(folder, { recursive: true, force: true });
    if (serverUrl && templateName) {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${templateName} with (force)`);
      await admin.end();
    }
  };
}

/** Entry point: read the config, build the app, listen, and shut down cleanly on SIGTERM/SIGINT. */
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./database.ts";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md for every variable and its default.\n`);
      process.exit(78);
    }
    throw error;
  }
  // Loading the app's modules and opening the embedded database each take a second or more. Part
  // of the opening runs off the main thread (copying the template's files, compiling PGlite's
  // WebAssembly) and overlaps the loading, so the two are started together.
  const [{ buildApp, createLogger }, database] = await Promise.all([
    import("./app.ts"),
    openDatabase(config),
  ]).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(75);
    }
    throw error;
  });
  const logger = createLogger(config);
  const built = await buildApp(config, { logger, database, ownsDatabase: true });
  const { app, services, generatedAdminPassword } = built;
  await built.readyForSockets();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    {
      port,
      database: services.database.kind,
      jobs: services.jobs.driver,
      // Since the process started.
      startupMs: Math.round(performance.now()),
    },
    `Switchboard listening on ${config.publicUrl}`,
  );
  if (generatedAdminPassword) {
    // Printed once to the terminal, never to the log stream.
    process.stdout.write(
      `\n  First start: created admin ${config.admin.email} with password ${generatedAdminPassword}\n` +
        `  Sign in at ${config.publicUrl}/ and change it, or set ADMIN_PASSWORD before the first start.\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Switchboard failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

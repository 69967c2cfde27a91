/**
 * Run by `npm install` (postinstall): builds the PGlite template so the first start skips initdb.
 * Never fails the install: without the template the first start is only slower.
 */
import { writePgliteTemplateFolder } from "./pglite-template.ts";

const started = performance.now();
try {
  const path = await writePgliteTemplateFolder();
  console.log(
    `Prepared the embedded database template in ${Math.round(performance.now() - started)} ms (${path}).`,
  );
} catch (error) {
  console.warn(
    `Could not prepare the embedded database template (the first start will take a few seconds longer): ${error}`,
  );
}

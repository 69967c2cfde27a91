/**
 * The chat widget: one self-contained IIFE (`dist/widget.js`, socket.io-client inside) that any site
 * includes with a single script tag. Built after the console, so it must not empty `dist`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Nothing from the console's public folder belongs in the widget build.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: false,
    target: "es2019",
    lib: {
      entry: fileURLToPath(new URL("./widget/widget.ts", import.meta.url)),
      name: "SwitchboardChat",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});

/** The agent console: a single-page app served by the API server from `agent-console/dist`. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const server = "http://localhost:3000";

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    // Mantine alone is ~100 kB gzipped; warn only when the bundle really grows.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      "/api": server,
      "/socket.io": { target: server, ws: true },
      "/widget.js": server,
      "/chat-demo": server,
    },
  },
});

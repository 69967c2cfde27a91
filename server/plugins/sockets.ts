/**
 * The websocket namespaces: `/agent` for the console (signed-in people), `/chat` for the web chat
 * widget; and the agents' connection tracking (an agent whose every tab is gone is set offline
 * after a grace period).
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { trackAgentConnections } from "../realtime/agent-connections.ts";
import { setupAgentNamespace } from "../realtime/agent-namespace.ts";
import { setupChatNamespace } from "../realtime/chat-namespace.ts";
import { agentNamespaceOf, chatNamespaceOf } from "../realtime/namespaces.ts";

async function socketsPlugin(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const { io, lifecycle } = app.clients;
  setupAgentNamespace(agentNamespaceOf(io), services);
  setupChatNamespace(chatNamespaceOf(io), services);
  const connections = trackAgentConnections(agentNamespaceOf(io), services);
  lifecycle.onClose(async () => connections.stop());
  // Close the transports first, so fastify's own close is not held open by them. Clients see a
  // dropped connection (not a server-side disconnect) and reconnect, to another process if any.
  app.addHook("preClose", async () => {
    io.engine.close();
  });
}

export const sockets = fp(socketsPlugin, {
  name: "switchboard-sockets",
  fastify: "5.x",
  dependencies: ["switchboard-channels"],
});

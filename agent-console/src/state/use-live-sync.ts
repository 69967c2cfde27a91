/**
 * Opens the `/agent` socket while signed in and folds its events into the live store and the query
 * cache. Mounted once, by the workspace.
 */
import { notifications } from "@mantine/notifications";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import {
  addInteraction,
  applyCaseUpdate,
  applyInteractionStatus,
  applyInteractionUpdate,
  applySlaChange,
} from "../api/cache.ts";
import { api } from "../api/client.ts";
import { queryKeys } from "../api/query-keys.ts";
import { closeAgentSocket, openAgentSocket } from "../api/socket.ts";
import type { Agent, Offer } from "../api/types.ts";
import { navigate } from "../lib/router.ts";
import { useCasePresence } from "./case-presence-store.ts";
import { useLive } from "./live-store.ts";
import { announceOffer } from "./offer-alert.ts";
import { signedInAgentId, useSession } from "./session-store.ts";

/** A visitor whose "stopped typing" never arrives (closed tab) stops counting as typing after this. */
const TYPING_STALE_MS = 8_000;

type AgentSocket = ReturnType<typeof openAgentSocket>;
type Live = ReturnType<typeof useLive.getState>;

/** The socket's connection: shown in the live store, offers re-read on connect, the cache on reconnect. */
function followConnection(socket: AgentSocket, live: Live, client: QueryClient): () => void {
  let connectedBefore = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  socket.on("connect", () => {
    live.setConnection("connected");
    const connectedAt = Date.now();
    const reconnected = connectedBefore;
    connectedBefore = true;
    // The pending offers are re-read on every connect: one pushed while the socket was down
    // would otherwise be lost until it expired. Offers pushed since this connect are kept.
    void api
      .get<{ items: Offer[] }>("/api/me/offers")
      .then((page) => live.replaceOffers(page.items, connectedAt))
      .catch(() => undefined);
    // Events missed while away are lost: read everything again.
    if (reconnected)
      void client.invalidateQueries().finally(() => {
        if (useLive.getState().connection === "connected") useLive.getState().markResynced();
      });
  });
  socket.on("disconnect", (reason) => {
    live.setConnection("disconnected");
    if (connectedBefore) live.setInterrupted(true);
    // socket.io leaves reconnecting to us when the server hung up (as it does when it restarts).
    if (reason === "io server disconnect")
      reconnectTimer = setTimeout(() => socket.connect(), 1_000 + Math.random() * 2_000);
  });
  socket.io.on("reconnect_attempt", () => live.setConnection("connecting"));
  socket.on("connect_error", (error) => {
    if (error.message.startsWith("unauthorized")) useSession.getState().clear();
    else {
      live.setConnection("disconnected");
      if (connectedBefore) live.setInterrupted(true);
      // A refusal that may pass (the server could not check the session) is not retried by
      // socket.io itself: try again, spread out so a whole floor does not come back at once.
      if (!socket.active) {
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(() => socket.connect(), 1_000 + Math.random() * 4_000);
      }
    }
  });
  return () => clearTimeout(reconnectTimer);
}

/** A customer's typing signal, cleared if their "stopped typing" never arrives. */
function followTyping(socket: AgentSocket, live: Live): () => void {
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  socket.on("typing", (event) => {
    clearTimeout(typingTimers.get(event.caseId));
    live.setCustomerTyping(event.caseId, event.isTyping);
    if (event.isTyping)
      typingTimers.set(
        event.caseId,
        setTimeout(() => live.setCustomerTyping(event.caseId, false), TYPING_STALE_MS),
      );
  });
  return () => {
    for (const timer of typingTimers.values()) clearTimeout(timer);
  };
}

/** Colleagues on the cases this console watches: who has each open, who is typing on it. */
function followColleagues(socket: AgentSocket): () => void {
  const presence = useCasePresence.getState();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  socket.on("case.viewers", (event) => presence.setViewers(event.caseId, event.viewers));
  socket.on("case.typing", (event) => {
    const key = `${event.caseId} ${event.agent.id}`;
    clearTimeout(timers.get(key));
    presence.setTyping(event.caseId, event.agent, event.isTyping);
    if (event.isTyping)
      timers.set(
        key,
        setTimeout(() => presence.setTyping(event.caseId, event.agent, false), TYPING_STALE_MS),
      );
  });
  return () => {
    for (const timer of timers.values()) clearTimeout(timer);
    presence.reset();
  };
}

/** An offer lapsed unanswered: the agent is told, so a missed case is not a mystery. */
function tellMissed(offer: Offer): void {
  notifications.show({
    id: `missed-${offer.offerId}`,
    color: "orange",
    title: `You missed an offer: case #${offer.caseNumber}`,
    message: `${offer.contact.name ?? "A customer"} is waiting. It goes to a colleague with room, or comes back to you if nobody else can take it.`,
    autoClose: 15_000,
  });
}

/** The server's pushes: offers, case and interaction changes, SLA changes, mentions. */
function followPushes(socket: AgentSocket, live: Live, client: QueryClient): void {
  const agentId = () => client.getQueryData<Agent>(queryKeys.me)?.id ?? useSession.getState().agent?.id;
  socket.on("offer", (offer) => {
    const known = !!useLive.getState().offers[offer.offerId];
    live.addOffer(offer);
    if (!known) announceOffer(offer);
  });
  socket.on("sla.changed", (event) => applySlaChange(client, event));
  socket.on("offer.closed", (closed) => {
    const offer = useLive.getState().offers[closed.offerId];
    live.removeOffer(closed.offerId);
    if (offer && closed.status === "expired") tellMissed(offer);
  });
  socket.on("case.updated", (summary) => applyCaseUpdate(client, summary, agentId()));
  socket.on("interaction.created", (interaction) => {
    addInteraction(client, interaction);
    if (interaction.direction === "inbound") live.setCustomerTyping(interaction.caseId, false);
    // A colleague's reply arrived: they have stopped typing it.
    if (interaction.author)
      useCasePresence.getState().setTyping(interaction.caseId, interaction.author, false);
  });
  socket.on("interaction.updated", (interaction) => applyInteractionUpdate(client, interaction));
  socket.on("interaction.status", (event) => applyInteractionStatus(client, event));
  socket.on("mention", (event) => {
    void client.invalidateQueries({ queryKey: queryKeys.notifications });
    notifications.show({
      id: `mention-${event.interactionId}`,
      title: `${event.by.name ?? "A colleague"} mentioned you on case #${event.caseNumber}`,
      message: event.excerpt,
      autoClose: 10_000,
      style: { cursor: "pointer" },
      onClick: () => navigate({ name: "case", caseId: event.caseId }),
    });
  });
}

export function useLiveSync(): void {
  // One socket per signed-in session: a new sign-in (another agent, or the same one again) opens a new one.
  const agentId = useSession(signedInAgentId);
  const client = useQueryClient();

  useEffect(() => {
    if (!agentId) return;
    const live = useLive.getState();
    live.reset();
    const socket = openAgentSocket();
    const stopConnection = followConnection(socket, live, client);
    followPushes(socket, live, client);
    const stopTyping = followTyping(socket, live);
    const stopColleagues = followColleagues(socket);
    return () => {
      stopConnection();
      stopTyping();
      stopColleagues();
      closeAgentSocket();
    };
  }, [agentId, client]);
}

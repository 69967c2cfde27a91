/** What the socket tells us that is not server state in the REST sense: the connection, offers, typing. */
import { create } from "zustand";
import type { Offer } from "../api/types.ts";

export type ConnectionStatus = "connecting" | "connected" | "disconnected";

interface LiveState {
  connection: ConnectionStatus;
  /** True once the socket has dropped after being connected, until it is back and resynchronised. */
  interrupted: boolean;
  /** Set after a resynchronisation, so the banner can say that the console caught up. */
  resyncedAt: number | null;
  /** Offers waiting for this agent's answer, by offer id, with the moment each arrived. */
  offers: Record<string, Offer & { receivedAt: number }>;
  /** Cases whose customer is typing right now. */
  customerTyping: Record<string, boolean>;
  setConnection(status: ConnectionStatus): void;
  setInterrupted(interrupted: boolean): void;
  markResynced(): void;
  addOffer(offer: Offer): void;
  /** Replaces the offers with the server's list, keeping any that arrived on the socket since `since`. */
  replaceOffers(offers: Offer[], since: number): void;
  removeOffer(offerId: string): void;
  setCustomerTyping(caseId: string, isTyping: boolean): void;
  reset(): void;
}

export const useLive = create<LiveState>((set) => ({
  connection: "connecting",
  interrupted: false,
  resyncedAt: null,
  offers: {},
  customerTyping: {},
  setConnection: (connection) => set({ connection }),
  setInterrupted: (interrupted) => set({ interrupted }),
  markResynced: () => set({ interrupted: false, resyncedAt: Date.now() }),
  replaceOffers: (list, since) =>
    set((state) => {
      const offers: LiveState["offers"] = {};
      for (const offer of list)
        offers[offer.offerId] = {
          ...offer,
          receivedAt: state.offers[offer.offerId]?.receivedAt ?? Date.now(),
        };
      for (const [offerId, offer] of Object.entries(state.offers))
        if (offer.receivedAt >= since && !offers[offerId]) offers[offerId] = offer;
      return { offers };
    }),
  addOffer: (offer) =>
    set((state) => ({
      offers: {
        ...state.offers,
        [offer.offerId]: { ...offer, receivedAt: state.offers[offer.offerId]?.receivedAt ?? Date.now() },
      },
    })),
  removeOffer: (offerId) =>
    set((state) => {
      if (!state.offers[offerId]) return state;
      const { [offerId]: _removed, ...offers } = state.offers;
      return { offers };
    }),
  setCustomerTyping: (caseId, isTyping) =>
    set((state) => {
      if (!!state.customerTyping[caseId] === isTyping) return state;
      const { [caseId]: _removed, ...rest } = state.customerTyping;
      return { customerTyping: isTyping ? { ...rest, [caseId]: true } : rest };
    }),
  reset: () =>
    set({ connection: "connecting", interrupted: false, resyncedAt: null, offers: {}, customerTyping: {} }),
}));

/** Offers oldest first: the customer who waited longest is answered first. */
export function sortedOffers(offers: LiveState["offers"]): (Offer & { receivedAt: number })[] {
  return Object.values(offers).sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
}

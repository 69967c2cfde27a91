/** Colleagues on a case: who has it open, and who is typing on it (from the `/agent` socket). */
import { create } from "zustand";

export interface Colleague {
  id: string;
  name: string;
}

interface CasePresenceState {
  viewers: Record<string, Colleague[]>;
  /** Per case, the colleagues typing on it, by id. */
  typing: Record<string, Record<string, Colleague>>;
  setViewers(caseId: string, viewers: Colleague[]): void;
  setTyping(caseId: string, colleague: Colleague, isTyping: boolean): void;
  reset(): void;
}

export const useCasePresence = create<CasePresenceState>((set) => ({
  viewers: {},
  typing: {},
  setViewers: (caseId, viewers) => set((state) => ({ viewers: { ...state.viewers, [caseId]: viewers } })),
  setTyping: (caseId, colleague, isTyping) =>
    set((state) => {
      const { [colleague.id]: _gone, ...others } = state.typing[caseId] ?? {};
      return {
        typing: { ...state.typing, [caseId]: isTyping ? { ...others, [colleague.id]: colleague } : others },
      };
    }),
  reset: () => set({ viewers: {}, typing: {} }),
}));

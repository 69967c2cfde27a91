/** Lets a shortcut (r, n) or a button elsewhere ask the composer to switch mode and take focus. */
import { create } from "zustand";

export type ComposerMode = "reply" | "note";

interface ComposerState {
  request: { mode: ComposerMode; at: number } | null;
  focus(mode: ComposerMode): void;
  /** The composer took the request: it must not apply again to the next case's composer. */
  taken(): void;
}

export const useComposer = create<ComposerState>((set) => ({
  request: null,
  focus: (mode) => set({ request: { mode, at: Date.now() } }),
  taken: () => set({ request: null }),
}));

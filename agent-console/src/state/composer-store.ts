/** Lets a shortcut (r, n) or a button elsewhere ask the composer to switch mode and take focus. */
import { create } from "zustand";

export type ComposerMode = "reply" | "note";

interface ComposerState {
  request: { mode: ComposerMode; at: number } | null;
  focus(mode: ComposerMode): void;
}

export const useComposer = create<ComposerState>((set) => ({
  request: null,
  focus: (mode) => set({ request: { mode, at: Date.now() } }),
}));

/** The softphone's state for React: the reducer's state in a zustand store. */
import { create } from "zustand";
import {
  initialSoftphoneState,
  type SoftphoneEvent,
  type SoftphoneState,
  softphoneReducer,
} from "./machine.ts";

interface SoftphoneStore extends SoftphoneState {
  dispatch(event: SoftphoneEvent): void;
}

export const useSoftphoneStore = create<SoftphoneStore>((set) => ({
  ...initialSoftphoneState,
  dispatch: (event) => set((store) => softphoneReducer(store, event)),
}));

export const softphoneState = (): SoftphoneState => useSoftphoneStore.getState();
export const dispatch = (event: SoftphoneEvent): void => useSoftphoneStore.getState().dispatch(event);

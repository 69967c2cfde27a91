/** While a case is on screen, its room on the socket delivers the case's messages, statuses and typing. */
import { useEffect } from "react";
import { agentSocket } from "../api/socket.ts";
import { useLive } from "./live-store.ts";

export function useCaseWatch(caseId: string): void {
  const connection = useLive((s) => s.connection);

  useEffect(() => {
    const socket = agentSocket();
    // Rooms do not survive a new connection, so this runs again on every (re)connect.
    if (!socket || connection !== "connected") return;
    socket.emit("case.watch", { caseId });
    return () => {
      // A disconnected socket would buffer the unwatch and send it after the next watch.
      if (socket.connected) socket.emit("case.unwatch", { caseId });
    };
  }, [caseId, connection]);
}

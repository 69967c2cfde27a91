/**
 * Offers on the pages outside the workspace (supervisor wall, outbound, admin), and in the workspace
 * while its sidebar is shut (a tablet, a phone): the same cards, countdown and sound as in the
 * sidebar, in a corner above the page, so an offer is never missed.
 */
import { Affix, Paper, ScrollArea } from "@mantine/core";
import { useLive } from "../state/live-store.ts";
import { OfferList } from "./offer-list.tsx";

export function OfferDock() {
  const count = useLive((s) => Object.keys(s.offers).length);
  // The list stays mounted for its screen-reader announcement; the frame shows only with offers.
  return (
    <Affix position={{ bottom: 16, right: 16 }} zIndex={300}>
      <Paper
        shadow={count ? "lg" : undefined}
        withBorder={count > 0}
        radius="md"
        p={count ? "sm" : 0}
        w={340}
        maw="calc(100vw - 32px)"
        data-testid="offer-dock"
        style={count ? undefined : { pointerEvents: "none" }}
      >
        <ScrollArea.Autosize mah="70dvh">
          <OfferList />
        </ScrollArea.Autosize>
      </Paper>
    </Affix>
  );
}

/** The incoming offers, oldest first, with a screen-reader announcement when one arrives. */
import { Stack, Text, VisuallyHidden } from "@mantine/core";
import { useEffect, useMemo } from "react";
import { navigate } from "../lib/router.ts";
import { sortedOffers, useLive } from "../state/live-store.ts";
import { OfferCard } from "./offer-card.tsx";

/** An offer the server forgot to close is dropped this long after it expired. */
const EXPIRED_GRACE_MS = 5_000;

export function OfferList() {
  const offers = useLive((s) => s.offers);
  const removeOffer = useLive((s) => s.removeOffer);
  const list = useMemo(() => sortedOffers(offers), [offers]);

  useEffect(() => {
    const timers = list.map((offer) =>
      setTimeout(
        () => removeOffer(offer.offerId),
        Math.max(0, Date.parse(offer.expiresAt) - Date.now()) + EXPIRED_GRACE_MS,
      ),
    );
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }, [list, removeOffer]);

  const newest = list.at(-1);
  return (
    <>
      <VisuallyHidden aria-live="assertive">
        {newest ? `New ${newest.channel} from ${newest.contact.name ?? "a visitor"}` : ""}
      </VisuallyHidden>
      {list.length > 0 && (
        <Stack component="section" aria-labelledby="offers-title" gap="xs" mb="md">
          <Text id="offers-title" fz="xs" fw={700} tt="uppercase" c="indigo.7" lts={0.5}>
            Incoming · {list.length}
          </Text>
          {list.map((offer) => (
            <OfferCard
              key={offer.offerId}
              offer={offer}
              onGone={removeOffer}
              onAccepted={(caseId) => navigate({ name: "case", caseId })}
            />
          ))}
        </Stack>
      )}
    </>
  );
}

/** The agent's workspace: offers and their own cases on the left; the inbox, a case or contacts on the right. */
import { AppShell, Center, Loader } from "@mantine/core";
import { lazy, Suspense, useRef, useState } from "react";
import { useMe } from "../api/queries.ts";
import { answerOffer } from "../api/socket.ts";
import { AppHeader } from "../components/app-header.tsx";
import { CaseView } from "../components/case-view.tsx";
import { ConnectionBanner } from "../components/connection-banner.tsx";
import { InboxTabs } from "../components/inbox-tabs.tsx";
import { OfferList } from "../components/offer-list.tsx";
import { ShortcutHelp } from "../components/shortcut-help.tsx";
import { WorkspaceNav } from "../components/workspace-nav.tsx";
import { navigate, useRoute } from "../lib/router.ts";
import { useShortcuts } from "../lib/shortcuts.ts";
import { sortedOffers, useLive } from "../state/live-store.ts";
import { useLiveSync } from "../state/use-live-sync.ts";
import { usePageTitle } from "../state/use-page-title.ts";
import { InboxPage } from "./inbox/inbox-page.tsx";

// Contacts are visited now and then; their code loads when first opened.
const ContactsPage = lazy(() => import("./contacts/contacts-page.tsx"));

const HEADER_HEIGHT = 56;
const G_SEQUENCE_MS = 1_500;

function useGlobalShortcuts(openHelp: () => void) {
  const gPressedAt = useRef(0);
  // "g" then a letter, as in Gmail: the letter alone does nothing.
  const afterG = (action: () => void) => () => {
    if (Date.now() - gPressedAt.current > G_SEQUENCE_MS) return;
    gPressedAt.current = 0;
    action();
  };
  useShortcuts({
    "?": openHelp,
    g: () => {
      gPressedAt.current = Date.now();
    },
    i: afterG(() => navigate({ name: "inbox" })),
    c: afterG(() => navigate({ name: "contacts" })),
    a: () => {
      const oldest = sortedOffers(useLive.getState().offers)[0];
      if (!oldest) return;
      void answerOffer("offer.accept", oldest.offerId).then((result) => {
        if (!result.ok) return;
        useLive.getState().removeOffer(oldest.offerId);
        navigate({ name: "case", caseId: result.caseId ?? oldest.caseId });
      });
    },
  });
}

function Main() {
  const route = useRoute();
  if (route.name === "case") return <CaseView caseId={route.caseId} />;
  if (route.name === "contacts")
    return (
      <Suspense
        fallback={
          <Center h="100%">
            <Loader aria-label="Loading contacts" />
          </Center>
        }
      >
        <ContactsPage contactId={route.contactId} />
      </Suspense>
    );
  return <InboxPage />;
}

export function WorkspacePage() {
  useLiveSync();
  useMe();
  usePageTitle("Switchboard");
  const [helpOpen, setHelpOpen] = useState(false);
  useGlobalShortcuts(() => setHelpOpen(true));
  const route = useRoute();
  const caseId = route.name === "case" ? route.caseId : undefined;

  return (
    <AppShell header={{ height: HEADER_HEIGHT }} navbar={{ width: 280, breakpoint: 0 }} padding={0}>
      <a href="#main" className="skip-link">
        Skip to the work area
      </a>
      <AppShell.Header>
        <AppHeader />
      </AppShell.Header>
      <AppShell.Navbar aria-label="Offers and my cases">
        <AppShell.Section grow p="sm" style={{ overflowY: "auto" }}>
          <WorkspaceNav />
          <OfferList />
          <InboxTabs selectedCaseId={caseId} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} h="100dvh" style={{ display: "flex", flexDirection: "column" }}>
        <ConnectionBanner />
        <div style={{ flex: 1, minHeight: 0 }}>
          <Main />
        </div>
      </AppShell.Main>
      <ShortcutHelp opened={helpOpen} onClose={() => setHelpOpen(false)} />
    </AppShell>
  );
}

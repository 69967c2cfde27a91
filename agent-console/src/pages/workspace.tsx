/** The agent's workspace: offers and their own cases on the left; the inbox, a case or contacts on the right. */
import { AppShell, Center, Loader } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useMe } from "../api/queries.ts";
import { answerOffer } from "../api/socket.ts";
import { AppHeader, PHONE_QUERY, type SidebarToggle } from "../components/app-header.tsx";
import { CaseView } from "../components/case-view.tsx";
import { ConnectionBanner } from "../components/connection-banner.tsx";
import { InboxTabs } from "../components/inbox-tabs.tsx";
import { OfferDock } from "../components/offer-dock.tsx";
import { OfferList } from "../components/offer-list.tsx";
import { ShortcutHelp } from "../components/shortcut-help.tsx";
import { WorkspaceNav } from "../components/workspace-nav.tsx";
import { navigate, usePathname, useRoute } from "../lib/router.ts";
import { useShortcuts } from "../lib/shortcuts.ts";
import { sortedOffers, useLive } from "../state/live-store.ts";
import { useLiveSync } from "../state/use-live-sync.ts";
import { usePageTitle } from "../state/use-page-title.ts";
import { InboxPage } from "./inbox/inbox-page.tsx";

// Contacts and macros are visited now and then; their code loads when first opened.
const ContactsPage = lazy(() => import("./contacts/contacts-page.tsx"));
const MacrosPage = lazy(() => import("./macros/macros-page.tsx"));

const HEADER_HEIGHT = 56;
const SIDEBAR_WIDTH = 280;
const SIDEBAR_OPEN_QUERY = "(min-width: 64em)";
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
  if (route.name === "macros")
    return (
      <Suspense
        fallback={
          <Center h="100%">
            <Loader aria-label="Loading macros" />
          </Center>
        }
      >
        <MacrosPage />
      </Suspense>
    );
  return <InboxPage />;
}

/**
 * The sidebar is open on a wide screen and shut below 1024 px, where the agent opens it with the
 * header's button; crossing that width sets it back. On a phone it covers the page, so choosing a
 * screen or a case in it shuts it again.
 */
function useSidebar(): SidebarToggle & { phone: boolean } {
  const wide = useMediaQuery(SIDEBAR_OPEN_QUERY, true, { getInitialValueInEffect: false }) ?? true;
  const phone = useMediaQuery(PHONE_QUERY, false, { getInitialValueInEffect: false }) ?? false;
  const [opened, setOpened] = useState(wide);
  useEffect(() => setOpened(wide), [wide]);
  const path = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new path is what shuts it.
  useEffect(() => {
    if (phone) setOpened(false);
  }, [path, phone]);
  return { opened, toggle: () => setOpened((open) => !open), phone };
}

export function WorkspacePage() {
  useLiveSync();
  useMe();
  usePageTitle("Switchboard");
  const [helpOpen, setHelpOpen] = useState(false);
  useGlobalShortcuts(() => setHelpOpen(true));
  const route = useRoute();
  const caseId = route.name === "case" ? route.caseId : undefined;
  const sidebar = useSidebar();

  return (
    <AppShell
      header={{ height: HEADER_HEIGHT }}
      navbar={{
        width: SIDEBAR_WIDTH,
        breakpoint: "sm",
        collapsed: { mobile: !sidebar.opened, desktop: !sidebar.opened },
      }}
      padding={0}
    >
      <a href="#main" className="skip-link">
        Skip to the work area
      </a>
      <AppShell.Header>
        <AppHeader sidebar={sidebar} />
      </AppShell.Header>
      {/* Shut, the sidebar is not rendered at all, and offers come in the corner dock instead. */}
      {sidebar.opened ? (
        <AppShell.Navbar aria-label="Offers and my cases" id="workspace-sidebar">
          <AppShell.Section grow p="sm" style={{ overflowY: "auto" }}>
            <WorkspaceNav />
            <OfferList />
            <InboxTabs selectedCaseId={caseId} />
          </AppShell.Section>
        </AppShell.Navbar>
      ) : (
        <OfferDock />
      )}
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

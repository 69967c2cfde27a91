/** The frame of a console area (supervisor wall, outbound, admin): header, live updates, title, role. */
import { AppShell, Container } from "@mantine/core";
import type { ReactNode } from "react";
import { useMe } from "../api/queries.ts";
import { useSession } from "../state/session-store.ts";
import { useLiveSync } from "../state/use-live-sync.ts";
import { usePageTitle } from "../state/use-page-title.ts";
import { AppHeader } from "./app-header.tsx";
import { OfferDock } from "./offer-dock.tsx";

/** Keeps the area live and titled; the signed-in role, once known. */
export function useAreaRole(title: string): string | undefined {
  useLiveSync();
  const me = useMe().data;
  const signedInRole = useSession((s) => s.agent?.role);
  usePageTitle(title);
  return me?.role ?? signedInRole;
}

export function AreaShell({ children }: { children: ReactNode }) {
  return (
    <AppShell header={{ height: 56 }} padding={0}>
      <AppShell.Header>
        <AppHeader />
      </AppShell.Header>
      <AppShell.Main>
        <Container fluid p="md">
          {children}
        </Container>
      </AppShell.Main>
      <OfferDock />
    </AppShell>
  );
}

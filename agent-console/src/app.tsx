/** Providers and the one decision at the top: signed in or not. */
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { ApiError } from "./api/client.ts";
import { useRoute } from "./lib/router.ts";
import { SignInPage } from "./pages/sign-in.tsx";
import { WorkspacePage } from "./pages/workspace.tsx";
import { useLive } from "./state/live-store.ts";
import { useSession } from "./state/session-store.ts";
import { theme } from "./theme.ts";

// The supervisor wall and the admin pages are separate chunks, fetched when first opened.
const SupervisorPage = lazy(() => import("./supervisor/supervisor-page.tsx"));
const AdminPage = lazy(() => import("./admin/admin-page.tsx"));
const OutboundPage = lazy(() => import("./outbound/outbound-page.tsx"));

function SignedIn() {
  const route = useRoute();
  if (route.name !== "supervisor" && route.name !== "admin" && route.name !== "outbound")
    return <WorkspacePage />;
  const Page =
    route.name === "supervisor" ? SupervisorPage : route.name === "admin" ? AdminPage : OutboundPage;
  return (
    <Suspense fallback={null}>
      <Page section={route.section} />
    </Suspense>
  );
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will not get better by asking again; a network blip might.
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const token = useSession((s) => s.token);

  // Whatever the previous agent saw must not leak into the next session on this tab.
  useEffect(() => {
    if (!token) {
      queryClient.clear();
      useLive.getState().reset();
    }
  }, [token, queryClient]);

  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>{token ? <SignedIn /> : <SignInPage />}</QueryClientProvider>
    </MantineProvider>
  );
}

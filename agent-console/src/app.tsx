/** Providers and the one decision at the top: signed in or not. */
import { Alert, Button, Center, Loader, MantineProvider, Stack } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { followOtherTabs, resumeSession } from "./api/auth.ts";
import { ApiError, errorMessage } from "./api/client.ts";
import { usePathname, useRoute } from "./lib/router.ts";
import { useViewerZone } from "./lib/viewer-zone.ts";
import { SetPasswordPage } from "./pages/set-password.tsx";
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
  // Every time on screen is formatted in this zone: a new one re-renders the whole signed-in tree.
  useViewerZone((state) => state.zone);
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

/** Until the server has said whether this browser is signed in; with a way to retry if it cannot be reached. */
function Checking({ failure, retry }: { failure: string | null; retry: () => void }) {
  return (
    <Center mih="100%" p="md">
      {failure ? (
        <Stack maw={400}>
          <Alert color="red" variant="light" role="alert" title="Could not start the console">
            {failure}
          </Alert>
          <Button onClick={retry}>Try again</Button>
        </Stack>
      ) : (
        <Loader aria-label="Starting the console" />
      )}
    </Center>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const status = useSession((s) => s.status);
  const [failure, setFailure] = useState<string | null>(null);
  // A one-time password link opens its own page, signed in or not: it signs its person in.
  const settingPassword = usePathname() === "/set-password";

  // The cookie, if any, decides: a live session opens the console, none the sign-in page.
  const resume = useCallback(() => {
    setFailure(null);
    resumeSession().catch((error: unknown) => setFailure(errorMessage(error)));
  }, []);
  useEffect(resume, [resume]);
  useEffect(followOtherTabs, []);

  // Whatever the previous agent saw must not leak into the next session on this tab.
  useEffect(() => {
    if (status === "signedOut") {
      queryClient.clear();
      useLive.getState().reset();
    }
  }, [status, queryClient]);

  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        {settingPassword ? (
          <SetPasswordPage />
        ) : status === "signedIn" ? (
          <SignedIn />
        ) : status === "signedOut" ? (
          <SignInPage />
        ) : (
          <Checking failure={failure} retry={resume} />
        )}
      </QueryClientProvider>
    </MantineProvider>
  );
}

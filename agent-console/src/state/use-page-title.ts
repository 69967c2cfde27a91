/** The tab's title: the page's, led by the count of waiting offers so a background tab shows them. */
import { useEffect } from "react";
import { useLive } from "./live-store.ts";

export function usePageTitle(title: string): void {
  const count = useLive((s) => Object.keys(s.offers).length);
  useEffect(() => {
    document.title = count ? `(${count}) Incoming · ${title}` : title;
  }, [count, title]);
}

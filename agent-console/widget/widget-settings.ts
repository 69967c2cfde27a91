/**
 * The widget's look and pre-chat form as an admin set them (GET /api/chat/widget, open to every
 * origin), and how they are applied: the accent colour with a darker shade and a readable text
 * colour on it, and the corner. A site that cannot reach the server gets the defaults.
 */
import type { PublicWidgetSettings } from "../../server/realtime/protocol.ts";

export type { PublicWidgetSettings };

export const DEFAULT_SETTINGS: PublicWidgetSettings = {
  colour: "#4c6ef5",
  greeting: "Hi there! How can we help?",
  position: "right",
  preChat: { name: "optional", email: "optional" },
};

export async function fetchSettings(origin: string): Promise<PublicWidgetSettings> {
  try {
    const response = await fetch(`${origin}/api/chat/widget`, { credentials: "omit" });
    return response.ok ? ((await response.json()) as PublicWidgetSettings) : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

const channels = (colour: string) => [1, 3, 5].map((at) => Number.parseInt(colour.slice(at, at + 2), 16));

/** The colour mixed with black by `amount` (0–1), for hover states. */
export function darker(colour: string, amount = 0.15): string {
  return `#${channels(colour)
    .map((value) =>
      Math.round(value * (1 - amount))
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** Dark text on a light accent, white on a dark one (WCAG relative luminance). */
export function textOn(colour: string): string {
  const [r, g, b] = channels(colour).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? "#111827" : "#ffffff";
}

export function applyAppearance(root: HTMLElement, settings: PublicWidgetSettings): void {
  root.style.setProperty("--sb-accent", settings.colour);
  root.style.setProperty("--sb-accent-dark", darker(settings.colour));
  root.style.setProperty("--sb-on-accent", textOn(settings.colour));
  root.classList.toggle("left", settings.position === "left");
}

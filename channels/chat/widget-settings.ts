/**
 * How the chat widget looks and what it asks first, set by an admin: its colour, greeting and
 * corner, which pre-chat fields it shows or requires, and the queue "leave a message" goes to.
 * Kept under the `widget` settings key; read through a short cache, since every hello reads it.
 */
import type { Executor } from "../../db/connect.ts";
import { readJsonSetting, writeJsonSetting } from "../../db/json-settings.ts";

export const PRE_CHAT_MODES = ["off", "optional", "required"] as const;
export type PreChatMode = (typeof PRE_CHAT_MODES)[number];
export const WIDGET_POSITIONS = ["right", "left"] as const;

export interface WidgetSettings {
  colour: string;
  greeting: string;
  position: (typeof WIDGET_POSITIONS)[number];
  preChat: { name: PreChatMode; email: PreChatMode };
  /** Where a message left outside hours goes; null: the assignment rules and default queue decide. */
  leaveMessageQueueId: string | null;
}

/** What any visitor's browser may read: everything but the internal queue id. */
export type PublicWidgetSettings = Omit<WidgetSettings, "leaveMessageQueueId">;

export const DEFAULT_WIDGET_SETTINGS: WidgetSettings = {
  colour: "#4c6ef5",
  greeting: "Hi there! How can we help?",
  position: "right",
  preChat: { name: "optional", email: "optional" },
  leaveMessageQueueId: null,
};

const KEY = "widget";
const CACHE_MS = 2_000;

export function publicWidgetSettings(settings: WidgetSettings): PublicWidgetSettings {
  const { leaveMessageQueueId: _, ...shown } = settings;
  return shown;
}

/** The pre-chat fields the settings require, in the order the form shows them. */
export function requiredPreChatFields(settings: WidgetSettings): ("name" | "email")[] {
  return (["name", "email"] as const).filter((field) => settings.preChat[field] === "required");
}

export interface WidgetSettingsStore {
  get(): Promise<WidgetSettings>;
  save(settings: WidgetSettings): Promise<WidgetSettings>;
}

/**
 * Reads are cached for a moment; a save through this process is seen at once, other processes see
 * it within CACHE_MS.
 */
export function createWidgetSettingsStore(db: Executor, now: () => number = Date.now): WidgetSettingsStore {
  let cached: { settings: WidgetSettings; at: number } | undefined;
  return {
    async get() {
      if (cached && now() - cached.at < CACHE_MS) return cached.settings;
      const stored = await readJsonSetting(db, KEY, DEFAULT_WIDGET_SETTINGS);
      const settings = { ...stored, preChat: { ...DEFAULT_WIDGET_SETTINGS.preChat, ...stored.preChat } };
      cached = { settings, at: now() };
      return settings;
    },
    async save(settings) {
      await writeJsonSetting(db, KEY, settings);
      cached = { settings, at: now() };
      return settings;
    },
  };
}

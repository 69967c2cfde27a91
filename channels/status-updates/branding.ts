/**
 * The team's name, logo and colour on the customer's status page, set by an admin and kept under
 * the `branding` settings key. The logo is an https address the page loads from its own host.
 */
import type { Executor } from "../../db/connect.ts";
import { readJsonSetting, writeJsonSetting } from "../../db/json-settings.ts";

export interface Branding {
  teamName: string;
  logoUrl: string | null;
  colour: string;
}

export const DEFAULT_BRANDING: Branding = { teamName: "Support", logoUrl: null, colour: "#4f46e5" };

const KEY = "branding";

export const readBranding = (db: Executor): Promise<Branding> => readJsonSetting(db, KEY, DEFAULT_BRANDING);

export const saveBranding = (db: Executor, branding: Branding): Promise<Branding> =>
  writeJsonSetting(db, KEY, branding);

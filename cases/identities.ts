/** Normalises a customer address so one person on one channel is one identity. */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import type { IdentityKind } from "../db/schema/contacts.ts";
import { AppError } from "./errors.ts";

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalisePhone(raw: string, defaultCountry?: CountryCode): string {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!parsed?.isValid()) {
    throw new AppError(
      "VALIDATION",
      `'${raw}' is not a valid phone number${defaultCountry ? ` (default country ${defaultCountry})` : ""}.`,
    );
  }
  return parsed.number;
}

export function normaliseIdentity(kind: IdentityKind, raw: string, defaultCountry?: CountryCode): string {
  switch (kind) {
    case "phone":
      return normalisePhone(raw, defaultCountry);
    case "email": {
      const address = raw.trim().toLowerCase();
      if (!EMAIL_PATTERN.test(address))
        throw new AppError("VALIDATION", `'${raw}' is not a valid email address.`);
      return address;
    }
    case "chat": {
      const id = raw.trim();
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(id))
        throw new AppError("VALIDATION", "A chat visitor id is 8–64 letters, digits, '-' or '_'.");
      return id;
    }
  }
}

/**
 * How many SMS segments a text costs. A text in the GSM-7 alphabet fits 160 characters in one
 * segment and 153 per segment once split (the rest carries the concatenation header); characters of
 * the GSM extension table take an escape plus the character, so they count twice. Any other
 * character switches the whole text to UCS-2: 70 UTF-16 units in one segment, 67 once split. A
 * split never cuts an escaped character or a surrogate pair in half, as handsets would show garbage.
 */

const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "^{}\\[~]|€\f";

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** GSM-7 septets (extension characters count 2) or UCS-2 units (characters outside the BMP count 2). */
  charactersUsed: number;
  /** Room left in the last segment before another one starts. */
  charactersLeftInSegment: number;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 },
};

export function isGsm7(text: string): boolean {
  for (const character of text) if (!BASIC.has(character) && !EXTENSION.has(character)) return false;
  return true;
}

/** The size of each character of `text` in the encoding's units. */
function unitsOf(text: string, encoding: SmsEncoding): number[] {
  const characters = Array.from(text);
  return encoding === "GSM-7"
    ? characters.map((character) => (EXTENSION.has(character) ? 2 : 1))
    : characters.map((character) => character.length);
}

export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? "GSM-7" : "UCS-2";
  const limits = LIMITS[encoding];
  const units = unitsOf(text, encoding);
  const used = units.reduce((sum, size) => sum + size, 0);
  if (used <= limits.single) {
    return {
      encoding,
      segments: used === 0 ? 0 : 1,
      charactersUsed: used,
      charactersLeftInSegment: limits.single - used,
    };
  }
  let segments = 1;
  let fill = 0;
  for (const size of units) {
    if (fill + size > limits.multi) {
      segments += 1;
      fill = 0;
    }
    fill += size;
  }
  return { encoding, segments, charactersUsed: used, charactersLeftInSegment: limits.multi - fill };
}

import { describe, expect, it } from "vitest";
import { countSegments, isGsm7 } from "../../channels/sms/segments.ts";

describe("SMS segment counter", () => {
  it("counts an empty text as no segment with a whole one left", () => {
    expect(countSegments("")).toEqual({
      encoding: "GSM-7",
      segments: 0,
      charactersUsed: 0,
      charactersLeftInSegment: 160,
    });
  });

  it("fits 160 GSM-7 characters in one segment and splits the 161st into 153-character parts", () => {
    expect(countSegments("a".repeat(160))).toMatchObject({ segments: 1, charactersLeftInSegment: 0 });
    expect(countSegments("a".repeat(161))).toMatchObject({
      encoding: "GSM-7",
      segments: 2,
      charactersUsed: 161,
      charactersLeftInSegment: 153 * 2 - 161,
    });
    expect(countSegments("a".repeat(306))).toMatchObject({ segments: 2, charactersLeftInSegment: 0 });
    expect(countSegments("a".repeat(307))).toMatchObject({ segments: 3 });
  });

  it("counts characters of the extension table twice", () => {
    expect(countSegments("€10 [ok]")).toMatchObject({ encoding: "GSM-7", charactersUsed: 11 });
    expect(countSegments("{".repeat(80))).toMatchObject({
      segments: 1,
      charactersUsed: 160,
      charactersLeftInSegment: 0,
    });
    expect(countSegments(`${"{".repeat(80)}a`)).toMatchObject({ segments: 2, charactersUsed: 161 });
  });

  it("never splits an escaped character across segments", () => {
    // 152 plain characters then '€': the escape pair does not fit in the first 153, so it moves on.
    const text = `${"a".repeat(152)}€${"b".repeat(10)}`;
    expect(countSegments(text)).toMatchObject({
      segments: 2,
      charactersUsed: 164,
      charactersLeftInSegment: 153 - 12,
    });
  });

  it("keeps accented letters of the GSM alphabet in GSM-7", () => {
    expect(isGsm7("Ça va? Ünd Ñ, é, à, ø, ß, Δ")).toBe(true);
    expect(countSegments("Grüße aus Köln").encoding).toBe("GSM-7");
  });

  it("switches to UCS-2 for any other character: 70 in one segment, then 67", () => {
    expect(countSegments("Olá ç")).toMatchObject({
      encoding: "UCS-2",
      segments: 1,
      charactersUsed: 5,
      charactersLeftInSegment: 65,
    });
    expect(countSegments("ж".repeat(70))).toMatchObject({ segments: 1, charactersLeftInSegment: 0 });
    expect(countSegments("ж".repeat(71))).toMatchObject({
      segments: 2,
      charactersLeftInSegment: 67 * 2 - 71,
    });
  });

  it("counts an emoji as two UCS-2 units and never splits it", () => {
    expect(countSegments("Thanks 👍")).toMatchObject({ encoding: "UCS-2", charactersUsed: 9 });
    const text = `${"x".repeat(66)}👍`;
    expect(countSegments(`${text}${"y".repeat(10)}`)).toMatchObject({
      segments: 2,
      charactersLeftInSegment: 67 - 12,
    });
  });
});

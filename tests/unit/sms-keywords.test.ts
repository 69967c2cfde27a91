import { describe, expect, it } from "vitest";
import { helpText, optOutMethod, parseConsentKeyword } from "../../channels/sms/consent-keywords.ts";

describe("SMS consent keywords", () => {
  it.each(["STOP", "stopall", "Unsubscribe", "CANCEL", "end", "QUIT", "revoke", "OPTOUT"])(
    "%s opts out",
    (word) => {
      expect(parseConsentKeyword(word)).toEqual({ action: "opt-out", keyword: word.toUpperCase() });
    },
  );

  it.each(["START", "yes", "Unstop"])("%s opts back in", (word) => {
    expect(parseConsentKeyword(word)).toEqual({ action: "opt-in", keyword: word.toUpperCase() });
  });

  it("recognises HELP", () => {
    expect(parseConsentKeyword("help")).toEqual({ action: "help", keyword: "HELP" });
  });

  it("ignores surrounding whitespace but not other words", () => {
    expect(parseConsentKeyword("  Stop \n")).toEqual({ action: "opt-out", keyword: "STOP" });
    expect(parseConsentKeyword("please stop")).toBeNull();
    expect(parseConsentKeyword("STOP!")).toBeNull();
    expect(parseConsentKeyword("stopping by later")).toBeNull();
    expect(parseConsentKeyword("")).toBeNull();
    expect(parseConsentKeyword(undefined)).toBeNull();
  });

  it("records how the customer opted out", () => {
    expect(optOutMethod("UNSUBSCRIBE")).toBe("SMS UNSUBSCRIBE");
  });

  it("answers HELP with who we are and how to stop", () => {
    expect(helpText("Acme Support")).toMatch(/^Acme Support: .*Reply STOP to unsubscribe/);
    expect(helpText(null)).toMatch(/^Customer support: /);
  });
});

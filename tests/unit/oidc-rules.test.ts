import { describe, expect, it } from "vitest";
import {
  formatRoleMap,
  issuerProblem,
  parseRoleMap,
  roleFromClaim,
} from "../../server/auth/sso/oidc-rules.ts";
import { ConfigError, loadConfig } from "../../server/config.ts";

describe("single sign-on rules", () => {
  it("accepts https issuers, and http only on this machine's loopback", () => {
    for (const ok of [
      "https://acme.okta.com",
      "https://tenant.auth0.com/",
      "http://127.0.0.1:9000",
      "http://localhost:8080/realms/x",
    ])
      expect(issuerProblem(ok), ok).toBeNull();
    for (const bad of ["http://idp.example.com", "ftp://x", "not a url", "https://x/?a=1", "https://u:p@x"])
      expect(issuerProblem(bad), bad).toEqual(expect.any(String));
  });

  it("reads and writes a role map, refusing unknown roles", () => {
    expect(parseRoleMap(" sb-admins=admin, sb-agents = agent ,,")).toEqual({
      "sb-admins": "admin",
      "sb-agents": "agent",
    });
    // The role follows the last '=': values may hold '=' (LDAP names), though not ','.
    expect(parseRoleMap("cn=ops=supervisor")).toEqual({ "cn=ops": "supervisor" });
    expect(formatRoleMap({ a: "admin", b: "agent" })).toBe("a=admin,b=agent");
    expect(() => parseRoleMap("sb-admins=owner")).toThrow(/sb-admins=owner/);
    expect(() => parseRoleMap("=admin")).toThrow();
  });

  it("gives the highest mapped role, agent when nothing maps, and nothing when the claim is absent", () => {
    const map = parseRoleMap("sb-admins=admin,sb-supervisors=supervisor");
    expect(roleFromClaim(["sb-supervisors", "sb-admins"], map)).toBe("admin");
    expect(roleFromClaim("sb-supervisors", map)).toBe("supervisor");
    expect(roleFromClaim(["other"], map)).toBe("agent");
    expect(roleFromClaim([], map)).toBe("agent");
    expect(roleFromClaim(undefined, map)).toBeNull();
    expect(roleFromClaim({ admin: true }, map)).toBeNull();
    // Without a map, values that are role names count; others do not.
    expect(roleFromClaim("supervisor", {})).toBe("supervisor");
    expect(roleFromClaim(["root"], {})).toBe("agent");
  });

  it("reads OIDC_* variables as a whole group, naming a bad map", () => {
    const config = loadConfig({
      OIDC_ISSUER: "https://acme.okta.com",
      OIDC_CLIENT_ID: "switchboard",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_ROLE_CLAIM: "groups",
      OIDC_ROLE_MAP: "sb-admins=admin",
    });
    expect(config.oidc).toEqual({
      issuer: "https://acme.okta.com",
      clientId: "switchboard",
      clientSecret: "s3cret",
      roleClaim: "groups",
      roleMap: { "sb-admins": "admin" },
      createUsers: false,
      buttonLabel: "Sign in with single sign-on",
    });
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(() => loadConfig({ OIDC_ISSUER: "https://acme.okta.com" })).toThrow(ConfigError);
    expect(() => loadConfig({ OIDC_ROLE_MAP: "x=boss" })).toThrow(/OIDC_ROLE_MAP/);
    expect(() => loadConfig({ OIDC_ISSUER: "http://idp.example.com" })).toThrow(
      /OIDC_ISSUER: must be an https/,
    );
  });
});

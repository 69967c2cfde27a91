import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.ts";

describe("config", () => {
  it("has defaults that run with no environment at all", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: "./data",
      publicUrl: "http://localhost:3000",
      offerTimeoutMs: 30_000,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  it("names each bad variable and what it must be", () => {
    try {
      loadConfig({
        PORT: "http",
        DATABASE_URL: "mysql://x",
        DEFAULT_COUNTRY: "usa",
        DEFAULT_TIME_ZONE: "Mars/Olympus",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(message).toMatch(/DEFAULT_COUNTRY: must be a two-letter country code/);
      expect(message).toMatch(/DEFAULT_TIME_ZONE: must be an IANA time zone such as Europe\/Berlin/);
    }
  });

  it("believes only the proxy hops TRUST_PROXY names", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(false);
    // "true" is the one load balancer in front, not every address a client writes into the header.
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.7,::1" }).trustProxy).toBe(
      "10.0.0.0/8,192.168.1.7,::1",
    );
    for (const bad of ["0", "everyone", "10.0.0.0/33", "300.1.1.1"])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: must be/);
  });

  it("takes a default time zone Intl knows", () => {
    expect(loadConfig({ DEFAULT_TIME_ZONE: "America/Chicago" }).defaultTimeZone).toBe("America/Chicago");
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).databaseUrl).toBeUndefined();
  });
});

/** Where webhooks may go: every private, loopback, link-local and reserved range, IPv4 and IPv6. */
import { describe, expect, it } from "vitest";
import { isPrivateAddress, resolveWebhookTarget } from "../../integrations/webhooks/address-guard.ts";
import { retryDelayMs } from "../../integrations/webhooks/backoff.ts";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::",
    "2001:db8::1",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "172.15.255.255",
    "100.128.0.1",
    "192.169.0.1",
    "169.253.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("allows %s", (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe("resolveWebhookTarget", () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("answers the first resolved address, the one the request connects to", async () => {
    const target = await resolveWebhookTarget("https://hooks.example.com/in", {
      allowPrivate: false,
      resolve: resolveTo("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    });
    expect(target).toMatchObject({ address: "93.184.215.14", family: 4 });
    expect(target.url.hostname).toBe("hooks.example.com");
  });

  it("refuses a name when any of its addresses is private (a rebinding answer among public ones)", async () => {
    await expect(
      resolveWebhookTarget("https://hooks.example.com/in", {
        allowPrivate: false,
        resolve: resolveTo("93.184.215.14", "127.0.0.1"),
      }),
    ).rejects.toThrow(/127\.0\.0\.1.*WEBHOOK_ALLOW_PRIVATE/);
  });

  it("refuses plain http and credentials in the URL, and allows private addresses and http only when switched on", async () => {
    await expect(resolveWebhookTarget("http://93.184.215.14/", { allowPrivate: false })).rejects.toThrow(
      /https/,
    );
    await expect(resolveWebhookTarget("https://a:b@93.184.215.14/", { allowPrivate: false })).rejects.toThrow(
      /user name or password/,
    );
    await expect(resolveWebhookTarget("https://[::1]/", { allowPrivate: false })).rejects.toThrow(/::1/);
    const local = await resolveWebhookTarget("http://127.0.0.1:8080/", { allowPrivate: true });
    expect(local.address).toBe("127.0.0.1");
    await expect(resolveWebhookTarget("ftp://127.0.0.1/", { allowPrivate: true })).rejects.toThrow(
      /https:\/\/ or http/,
    );
  });

  it("says so when the host does not resolve", async () => {
    const nowhere = async () => {
      throw new Error("ENOTFOUND");
    };
    await expect(
      resolveWebhookTarget("https://nowhere.invalid/", { allowPrivate: false, resolve: nowhere }),
    ).rejects.toThrow(/does not resolve/);
  });
});

describe("retryDelayMs", () => {
  const schedule = [10, 60, 300, 1800, 3600, 7200, 14_400, 28_800, 28_800];

  it("follows the ladder, stretched by at most a fifth, and stops at its end", () => {
    expect(retryDelayMs(schedule, 1, () => 0)).toBe(10_000);
    expect(retryDelayMs(schedule, 1, () => 1)).toBe(12_000);
    expect(retryDelayMs(schedule, 2, () => 0.5)).toBe(66_000);
    expect(retryDelayMs(schedule, 9, () => 0)).toBe(28_800_000);
    expect(retryDelayMs(schedule, 10)).toBeNull();
    expect(retryDelayMs(schedule, 0)).toBeNull();
  });

  it("spreads the attempts over about a day", () => {
    const total = schedule.reduce((sum, seconds) => sum + seconds, 0);
    expect(total / 3600).toBeGreaterThan(23);
    expect(total / 3600).toBeLessThan(25);
    for (let attempt = 1; attempt <= schedule.length; attempt++) {
      const delay = retryDelayMs(schedule, attempt)!;
      expect(delay).toBeGreaterThanOrEqual(schedule[attempt - 1]! * 1000);
      expect(delay).toBeLessThanOrEqual(schedule[attempt - 1]! * 1200);
    }
  });
});

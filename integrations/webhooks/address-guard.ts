/**
 * Where a webhook may be sent. An admin-given URL must not reach into our own network (the
 * metadata service, the database, a router's admin page): every address its host resolves to is
 * checked, and the request then connects to the checked address itself, so a second DNS answer
 * (rebinding) cannot switch it. WEBHOOK_ALLOW_PRIVATE lifts both the address rule and the HTTPS
 * rule, for receivers on the same network (and tests).
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "../../cases/errors.ts";

type Bytes = number[];

/** Ranges no webhook goes to: [address bytes, prefix bits]. */
const V4_BLOCKED: [Bytes, number][] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // carrier-grade NAT (and some clouds' metadata, 100.100.100.200)
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local, cloud metadata 169.254.169.254
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const V6_BLOCKED: [Bytes, number][] = [
  [v6("::"), 128], // unspecified
  [v6("::1"), 128], // loopback
  [v6("100::"), 64], // discard
  [v6("2001::"), 23], // IETF protocol assignments (Teredo, ORCHID…)
  [v6("2001:db8::"), 32], // documentation
  [v6("fc00::"), 7], // unique local (fd00:ec2::254 is a cloud metadata address)
  [v6("fe80::"), 10], // link-local
  [v6("fec0::"), 10], // site-local (deprecated)
  [v6("ff00::"), 8], // multicast
];

function v4(address: string): Bytes {
  return address.split(".").map(Number);
}

/** The 16 bytes of an IPv6 address (with `::` and a dotted IPv4 tail). */
function v6(address: string): Bytes {
  let text = address.toLowerCase().split("%")[0] ?? "";
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = v4(dotted[1]) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : new Array(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right].flatMap((g) => [g >> 8, g & 0xff]);
}

function inPrefix(bytes: Bytes, [prefix, bits]: [Bytes, number]): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(bytes: Bytes): Bytes | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12); // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1)) return bytes.slice(12); // ::a.b.c.d
  if (inPrefix(bytes, [v6("64:ff9b::"), 96])) return bytes.slice(12); // NAT64
  if (inPrefix(bytes, [v6("2002::"), 16])) return bytes.slice(2, 6); // 6to4
  return null;
}

/** Whether an IP address is loopback, private, link-local, unique-local, CGNAT, metadata or reserved. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address.split("%")[0] ?? "");
  if (version === 4) return V4_BLOCKED.some((range) => inPrefix(v4(address), range));
  if (version !== 6) return true;
  const bytes = v6(address);
  const carried = embeddedV4(bytes);
  if (carried) return V4_BLOCKED.some((range) => inPrefix(carried, range));
  return V6_BLOCKED.some((range) => inPrefix(bytes, range));
}

export interface ResolvedTarget {
  url: URL;
  /** The address the request connects to: the one that was checked. */
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** The URL's shape alone (scheme, no credentials), as checked when an endpoint is saved. */
export function parseWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("VALIDATION", `'${raw}' is not a URL.`, { field: "url" });
  }
  const schemes = allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol))
    throw new AppError(
      "VALIDATION",
      allowPrivate
        ? "A webhook URL must start with https:// or http://."
        : "A webhook URL must start with https:// (plain http is allowed only with WEBHOOK_ALLOW_PRIVATE).",
      { field: "url" },
    );
  if (url.username || url.password)
    throw new AppError("VALIDATION", "A webhook URL must not carry a user name or password.", {
      field: "url",
    });
  return url;
}

/**
 * Checks a webhook URL and resolves its host: refused when any address it resolves to is private
 * (unless allowed). Answers the first address, which the request must connect to.
 */
export async function resolveWebhookTarget(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<ResolvedTarget> {
  const url = parseWebhookUrl(raw, options.allowPrivate);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let found: { address: string; family: number }[];
  try {
    found = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await (options.resolve ?? systemResolver)(host);
  } catch {
    throw new AppError("VALIDATION", `The webhook host '${host}' does not resolve.`, { field: "url" });
  }
  if (!found.length)
    throw new AppError("VALIDATION", `The webhook host '${host}' does not resolve.`, { field: "url" });
  const blocked = found.find((entry) => isPrivateAddress(entry.address));
  if (blocked && !options.allowPrivate)
    throw new AppError(
      "VALIDATION",
      `The webhook host '${host}' resolves to ${blocked.address}, a loopback, private or link-local address; set WEBHOOK_ALLOW_PRIVATE=true to allow receivers on your own network.`,
      { field: "url" },
    );
  const first = found[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

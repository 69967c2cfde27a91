/**
 * Websocket pushes across server processes. The Redis adapter publishes every push so consoles
 * connected to other processes get it too; with one process there is nobody to tell, and
 * publishing (and decoding our own message back off the subscription) costs more than the push
 * itself. So this adapter publishes only while another process is subscribed, which it checks every
 * `PEER_CHECK_MS`; until the first check it assumes there are peers. A process that starts beside
 * others waits longer than that before it listens (`settled`), so no socket can reach it before the
 * others publish to it.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import type { Namespace } from "socket.io";

export const PEER_CHECK_MS = 1000;

export interface Fanout {
  adapter: ReturnType<typeof createAdapter>;
  /** Resolves when it is safe to accept sockets: at once alone, after other processes noticed us otherwise. */
  settled(): Promise<void>;
  /** Whether another process shares the pushes (for `/metrics` and tests). */
  hasPeers(): boolean;
  stop(): void;
}

export function createFanout(pub: Redis, sub: Redis, key: string): Fanout {
  let peers = true;
  // Every process has /agent: its request channel has one subscriber per process.
  const channel = `${key}-request#/agent#`;
  const check = async () => {
    try {
      const [, subscribers] = (await pub.pubsub("NUMSUB", channel)) as [string, number | string];
      peers = Number(subscribers) > 1;
    } catch {
      peers = true;
    }
  };
  const timer = setInterval(() => void check(), PEER_CHECK_MS);
  timer.unref();
  const base = createAdapter(pub, sub, { key });
  // socket.io calls `new adapter(nsp)`: a function (not an arrow) that returns the instance.
  const adapter = function fanoutAdapter(nsp: Namespace) {
    const instance = base(nsp);
    const broadcast = instance.broadcast.bind(instance);
    instance.broadcast = (packet, opts) =>
      broadcast(packet, peers ? opts : { ...opts, flags: { ...opts.flags, local: true } });
    return instance;
  } as ReturnType<typeof createAdapter>;
  return {
    adapter,
    async settled() {
      await check();
      if (peers) await new Promise((resolve) => setTimeout(resolve, PEER_CHECK_MS * 1.5));
    },
    hasPeers: () => peers,
    stop: () => clearInterval(timer),
  };
}

import type { Clock } from "../cases/ports.ts";
import type { Executor } from "../db/connect.ts";
import type { Load } from "./agent-load.ts";
import { type AgentSnapshot, agentSnapshots, isAvailable } from "./agent-snapshot.ts";

export const FULL_REFRESH_MS = 5000;

export class AgentRegistry {
  private agents = new Map<string, AgentSnapshot>();
  private readonly stale = new Set<string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly fullRefreshMs = FULL_REFRESH_MS,
  ) {}

  /** Something changed this agent's load, presence or idle time: read them again before the next decision. */
  markStale(agentId: string): void {
    this.stale.add(agentId);
  }

  /** Everything again at the next decision (configuration changed: skills, capacity). */
  invalidate(): void {
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  /** The agents as the matcher wants them, after re-reading whatever is stale (one statement at most). */
  async snapshot(): Promise<AgentSnapshot[]> {
    while (this.needsRefresh()) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = null;
      });
      await this.refreshing;
    }
    // Wrap-up ends by itself: availability is worked out for now, not for when it was read.
    const now = this.clock().getTime();
    return [...this.agents.values()].map((agent) => ({
      ...agent,
      available: isAvailable(agent.presence, agent.wrapUpUntil, now),
    }));
  }

  /**
   * Holds one unit of the agent's room while a claim for them is in flight, and makes them look
   * busiest-recently meanwhile, so concurrent decisions in this process spread over other agents
   * instead of all asking the database for the same one. Returns the release.
   */
  reserve(agentId: string, channel: keyof Load): () => void {
    const agent = this.agents.get(agentId);
    if (!agent) return () => {};
    const { idleSince } = agent;
    this.agents.set(agentId, {
      ...agent,
      load: { ...agent.load, [channel]: agent.load[channel] + 1 },
      idleSince: Math.max(idleSince, this.clock().getTime()),
    });
    return () => {
      const current = this.agents.get(agentId);
      if (current) this.agents.set(agentId, { ...current, idleSince });
    };
  }

  /** The database counted this agent's load when it accepted or refused a claim. */
  loadIs(agentId: string, load: Load): void {
    const agent = this.agents.get(agentId);
    if (agent) this.agents.set(agentId, { ...agent, load });
  }

  /** The database refused a claim because the agent is away or in wrap-up: read them again. */
  unavailable(agentId: string): void {
    this.agents.delete(agentId);
    this.stale.add(agentId);
  }

  private needsRefresh(): boolean {
    return this.stale.size > 0 || this.clock().getTime() - this.loadedAt >= this.fullRefreshMs;
  }

  private async refresh(): Promise<void> {
    const now = this.clock();
    if (now.getTime() - this.loadedAt >= this.fullRefreshMs) {
      this.stale.clear();
      const everyone = await agentSnapshots(this.db, now);
      this.agents = new Map(everyone.map((agent) => [agent.id, agent]));
      this.loadedAt = now.getTime();
      return;
    }
    const ids = [...this.stale];
    this.stale.clear();
    const fresh = await agentSnapshots(this.db, now, { ids });
    for (const id of ids) this.agents.delete(id);
    for (const agent of fresh) this.agents.set(agent.id, agent);
  }
}

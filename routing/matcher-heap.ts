/**
 * The candidate heap of the matcher: a min-heap of agents keyed by (primary, idle, id rank). It is
 * 4-ary: most operations are removals (an agent who filled up surfaces and is dropped), and a shallower
 * heap measured about 10% faster than a binary one on the benchmark.
 * Entries live interleaved in one array of numbers (primary, idle, agent, version) because a run holds
 * hundreds of thousands of them: an object per entry would dominate the run in allocation and garbage
 * collection, and one array keeps each entry's fields side by side.
 *
 * The version is how many offers the agent had received in this run when the entry was keyed. The heap
 * itself ignores it: the matcher compares the top entry's version with the agent's current one and
 * re-keys a stale entry when it surfaces.
 */

const STRIDE = 4;
const PRIMARY = 0;
const IDLE = 1;
const AGENT = 2;
const VERSION = 3;

export class CandidateHeap {
  private readonly data: number[];
  private length = 0;

  /** `idRank[agent]` is the agent's position in id order: the last tie-break, smaller first. */
  constructor(
    capacity: number,
    private readonly idRank: readonly number[],
  ) {
    this.data = new Array<number>(capacity * STRIDE).fill(0);
  }

  get size(): number {
    return this.length;
  }

  topAgent(): number {
    return this.data[AGENT]!;
  }

  topPrimary(): number {
    return this.data[PRIMARY]!;
  }

  topIdle(): number {
    return this.data[IDLE]!;
  }

  topVersion(): number {
    return this.data[VERSION]!;
  }

  /**
   * Appends without restoring the heap order; call `build()` once after a batch of appends. Past the
   * initial capacity the array grows by writes at its end, so it stays packed.
   */
  append(agent: number, primary: number, idle: number, version: number): void {
    this.write(this.length++, agent, primary, idle, version);
  }

  /** Floyd's bottom-up heap construction: O(n) for the initial candidates of a group. */
  build(): void {
    const d = this.data;
    for (let at = (this.length - 2) >> 2; at >= 0; at--) {
      const o = at * STRIDE;
      this.siftDown(at, d[o + AGENT]!, d[o + PRIMARY]!, d[o + IDLE]!, d[o + VERSION]!);
    }
  }

  push(agent: number, primary: number, idle: number, version: number): void {
    this.append(agent, primary, idle, version);
    let at = this.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 2;
      if (this.before(parent, agent, primary, idle)) break;
      this.move(parent, at);
      at = parent;
    }
    this.write(at, agent, primary, idle, version);
  }

  /** Removes the top entry; read it with the `top*` accessors first. */
  pop(): void {
    const last = --this.length;
    if (last > 0) {
      const d = this.data;
      const o = last * STRIDE;
      this.siftDown(0, d[o + AGENT]!, d[o + PRIMARY]!, d[o + IDLE]!, d[o + VERSION]!);
    }
  }

  /**
   * Replaces the top entry by the same agent with a new key, which must be no better than the old one
   * (keys only get worse during a run): one sift down instead of a pop and a push.
   */
  rekeyTop(primary: number, idle: number, version: number): void {
    this.siftDown(0, this.data[AGENT]!, primary, idle, version);
  }

  /** Whether the entry at `at` comes before the entry (agent, primary, idle). */
  private before(at: number, agent: number, primary: number, idle: number): boolean {
    const d = this.data;
    const o = at * STRIDE;
    const p = d[o + PRIMARY]!;
    if (p !== primary) return p < primary;
    const i = d[o + IDLE]!;
    if (i !== idle) return i < idle;
    return this.idRank[d[o + AGENT]!]! < this.idRank[agent]!;
  }

  private write(at: number, agent: number, primary: number, idle: number, version: number): void {
    const d = this.data;
    const o = at * STRIDE;
    d[o + PRIMARY] = primary;
    d[o + IDLE] = idle;
    d[o + AGENT] = agent;
    d[o + VERSION] = version;
  }

  private move(from: number, to: number): void {
    const d = this.data;
    const f = from * STRIDE;
    const t = to * STRIDE;
    d[t] = d[f]!;
    d[t + 1] = d[f + 1]!;
    d[t + 2] = d[f + 2]!;
    d[t + 3] = d[f + 3]!;
  }

  /** Fills the hole at `at` with the entry, moving the better child up until the entry fits. */
  private siftDown(at: number, agent: number, primary: number, idle: number, version: number): void {
    const d = this.data;
    const length = this.length;
    for (;;) {
      const first = 4 * at + 1;
      if (first >= length) break;
      let child = first;
      const end = Math.min(first + 4, length);
      for (let other = first + 1; other < end; other++) {
        const o = child * STRIDE;
        if (this.before(other, d[o + AGENT]!, d[o + PRIMARY]!, d[o + IDLE]!)) child = other;
      }
      if (!this.before(child, agent, primary, idle)) break;
      this.move(child, at);
      at = child;
    }
    this.write(at, agent, primary, idle, version);
  }
}

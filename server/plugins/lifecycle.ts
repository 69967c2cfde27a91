/**
 * Start and shutdown steps the plugins hand in while the app is built. Shutdown runs last-in
 * first-out (later parts depend on earlier ones), except the steps registered with `onCloseLast`
 * (the connections everything else uses, e.g. Redis), which run after all the others.
 */
export interface Lifecycle {
  /** Runs on shutdown, before the database closes. */
  onClose(step: () => Promise<unknown>): void;
  /** Runs on shutdown after every `onClose` step. */
  onCloseLast(step: () => Promise<unknown>): void;
  /** Runs once the app is built and jobs run (start fetching mail, for instance). */
  onStart(step: () => Promise<unknown>): void;
}

export interface LifecycleRunner extends Lifecycle {
  start(): Promise<void>;
  /** Runs every shutdown step once, in order; a failing step is reported and the rest still run. */
  close(onError: (error: unknown) => void): Promise<void>;
}

export function createLifecycle(): LifecycleRunner {
  const closing: (() => Promise<unknown>)[] = [];
  const closingLast: (() => Promise<unknown>)[] = [];
  const starting: (() => Promise<unknown>)[] = [];
  return {
    onClose: (step) => void closing.push(step),
    onCloseLast: (step) => void closingLast.unshift(step),
    onStart: (step) => void starting.push(step),
    async start() {
      for (const step of starting) await step();
    },
    async close(onError) {
      const steps = [...closing.reverse(), ...closingLast];
      closing.length = 0;
      closingLast.length = 0;
      for (const step of steps) await step().catch(onError);
    },
  };
}

/**
 * One SLA target's clock: started, paused while the case waits on the customer, resumed with the
 * time already spent carried over, met on time or late. Pure: it takes the clock and an instant and
 * returns the new clock, with its due and at-risk times, in business or calendar time.
 */
import { addBusinessTime, businessMinutesBetween, type Calendar } from "./business-calendar.ts";

export type ClockStatus = "active" | "at_risk" | "breached" | "met" | "met_late";

export interface TargetClock {
  targetMinutes: number;
  business: boolean;
  /** Business hours; null means around the clock even for a business-time target. */
  calendar: Calendar | null;
  atRiskPercent: number;
  status: ClockStatus;
  paused: boolean;
  segmentStartedAt: Date | null;
  elapsedMinutes: number;
  dueAt: Date | null;
  atRiskAt: Date | null;
  metAt: Date | null;
  breachedAt: Date | null;
}

export interface TargetSpec {
  targetMinutes: number;
  business: boolean;
  calendar: Calendar | null;
  atRiskPercent: number;
}

const usesCalendar = (clock: Pick<TargetClock, "business" | "calendar">): Calendar | null =>
  clock.business && clock.calendar && clock.calendar.weekly.length > 0 ? clock.calendar : null;

function addTime(clock: TargetClock, at: Date, minutes: number): Date {
  const calendar = usesCalendar(clock);
  return calendar
    ? addBusinessTime(at, Math.max(0, minutes), calendar)
    : new Date(at.getTime() + Math.max(0, minutes) * 60_000);
}

function minutesBetween(clock: TargetClock, from: Date, to: Date): number {
  const calendar = usesCalendar(clock);
  return calendar ? businessMinutesBetween(from, to, calendar) : (to.getTime() - from.getTime()) / 60_000;
}

/** Due and at-risk times of a running clock, from `at` with what is left. */
function schedule(clock: TargetClock, at: Date): TargetClock {
  const left = clock.targetMinutes - clock.elapsedMinutes;
  const atRiskPoint = clock.targetMinutes * (1 - clock.atRiskPercent / 100) - clock.elapsedMinutes;
  return {
    ...clock,
    dueAt: addTime(clock, at, left),
    // Already inside the at-risk share: at risk now.
    atRiskAt: clock.status === "active" ? addTime(clock, at, atRiskPoint) : null,
  };
}

export function startClock(spec: TargetSpec, at: Date): TargetClock {
  return schedule(
    {
      ...spec,
      status: "active",
      paused: false,
      segmentStartedAt: at,
      elapsedMinutes: 0,
      dueAt: null,
      atRiskAt: null,
      metAt: null,
      breachedAt: null,
    },
    at,
  );
}

const running = (clock: TargetClock) =>
  !clock.paused && (clock.status === "active" || clock.status === "at_risk" || clock.status === "breached");

export function pauseClock(clock: TargetClock, at: Date): TargetClock {
  if (!running(clock) || !clock.segmentStartedAt) return clock;
  return {
    ...clock,
    paused: true,
    elapsedMinutes: clock.elapsedMinutes + Math.max(0, minutesBetween(clock, clock.segmentStartedAt, at)),
    segmentStartedAt: null,
    dueAt: null,
    atRiskAt: null,
  };
}

export function resumeClock(clock: TargetClock, at: Date): TargetClock {
  if (!clock.paused) return clock;
  const resumed = { ...clock, paused: false, segmentStartedAt: at };
  // A breached clock keeps running (for reports) but is not scheduled again.
  return clock.status === "breached" ? { ...resumed, dueAt: null, atRiskAt: null } : schedule(resumed, at);
}

/** The clock is satisfied: on time unless it was already breached or its due time has passed. */
export function meetClock(clock: TargetClock, at: Date): TargetClock {
  if (clock.status === "met" || clock.status === "met_late") return clock;
  const late =
    clock.status === "breached" ||
    (clock.dueAt !== null && at.getTime() > clock.dueAt.getTime()) ||
    (clock.paused && clock.elapsedMinutes > clock.targetMinutes);
  const spent = clock.segmentStartedAt ? Math.max(0, minutesBetween(clock, clock.segmentStartedAt, at)) : 0;
  return {
    ...clock,
    status: late ? "met_late" : "met",
    paused: false,
    segmentStartedAt: null,
    elapsedMinutes: clock.elapsedMinutes + spent,
    dueAt: null,
    atRiskAt: null,
    metAt: at,
  };
}

/** A met clock running again (a resolved case reopened): the time already spent still counts. */
export function reopenClock(clock: TargetClock, at: Date): TargetClock {
  if (clock.status !== "met" && clock.status !== "met_late") return clock;
  return schedule({ ...clock, status: "active", metAt: null, paused: false, segmentStartedAt: at }, at);
}

/** Another target (the policy or priority changed): same time spent, new due times. */
export function retarget(clock: TargetClock, spec: TargetSpec, at: Date): TargetClock {
  const next = { ...clock, ...spec };
  if (!running(clock) || clock.status === "breached") return next;
  const spent = clock.segmentStartedAt ? minutesBetween(clock, clock.segmentStartedAt, at) : 0;
  return schedule({ ...next, elapsedMinutes: clock.elapsedMinutes + spent, segmentStartedAt: at }, at);
}

/** The monitor's view: what a running clock is at `at`. */
export function statusAt(clock: TargetClock, at: Date): ClockStatus {
  if (!running(clock) || clock.status === "breached") return clock.status;
  if (clock.dueAt && at.getTime() >= clock.dueAt.getTime()) return "breached";
  if (clock.atRiskAt && at.getTime() >= clock.atRiskAt.getTime()) return "at_risk";
  return clock.status;
}

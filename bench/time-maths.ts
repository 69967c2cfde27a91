/**
 * What the pure time and staffing maths costs per call: business-time arithmetic months and years
 * ahead on a calendar with lunch breaks and holidays (it must jump whole weeks, not walk minute by
 * minute), and Erlang C staffing at thousands of Erlangs. The unit tests check the answers; this
 * prints how long they take, with the budgets they were held to when they lived in the tests.
 *
 *   npm run bench:time-maths
 *   BENCH_RUNS=500 npm run bench:time-maths
 *
 * The last line is `key=value` figures (milliseconds per call).
 */
import { addBusinessTime, type Calendar } from "../sla/business-calendar.ts";
import { agentsNeeded } from "../sla/erlang-c.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const MINUTE_MS = 60_000;

/** 08:00–12:00 and 13:00–17:00, Monday to Friday, New York, with yearly and one-off holidays. */
const calendar: Calendar = {
  timeZone: "America/New_York",
  weekly: [1, 2, 3, 4, 5].flatMap((day) => [
    { day, start: "08:00", end: "12:00" },
    { day, start: "13:00", end: "17:00" },
  ]),
  holidays: ["01-01", "07-04", "12-25", "2025-11-27", "2026-11-26"],
};
const start = new Date("2025-01-02T08:00:00-05:00");

/** Milliseconds per call of `work(i)`, after one warm-up call. */
function perCall(runs: number, work: (i: number) => unknown): number {
  work(0);
  const began = performance.now();
  for (let i = 0; i < runs; i++) work(i);
  return (performance.now() - began) / runs;
}

const monthsAhead = perCall(RUNS, (i) =>
  addBusinessTime(new Date(start.getTime() + i * MINUTE_MS), 200_000, calendar),
);
const yearsAhead = perCall(Math.max(1, Math.round(RUNS / 5)), (i) =>
  addBusinessTime(new Date(start.getTime() + i * MINUTE_MS), 1_000_000, calendar),
);
const staffing = (traffic: number) =>
  perCall(Math.max(1, Math.round(RUNS / 10)), () =>
    agentsNeeded({
      arrivalsPerHour: traffic * 20,
      ahtSeconds: 180,
      targetServiceLevel: 0.8,
      targetSeconds: 20,
    }),
  );
const erlangs2000 = staffing(2000);
const erlangs5000 = staffing(5000);

const row = (what: string, ms: number, budget: number) =>
  console.log(`${what.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms/call  (budget ${budget} ms)`);
row("addBusinessTime, 200,000 business minutes (~1.6 years)", monthsAhead, 2);
row("addBusinessTime, 1,000,000 business minutes (~8 years)", yearsAhead, 10);
row("agentsNeeded at 2,000 Erlangs", erlangs2000, 50);
row("agentsNeeded at 5,000 Erlangs", erlangs5000, 50);
console.log(
  [
    `business_time_months_ms=${monthsAhead.toFixed(3)}`,
    `business_time_years_ms=${yearsAhead.toFixed(3)}`,
    `erlang_c_2000_ms=${erlangs2000.toFixed(3)}`,
    `erlang_c_5000_ms=${erlangs5000.toFixed(3)}`,
  ].join(" "),
);

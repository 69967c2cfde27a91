/**
 * The last hours in 15-minute intervals: contacts offered, answered and abandoned, and the service
 * level and ASA they got. Rates are taken of summed counts (as the API asks), per queue or for all.
 */
import { Group, SegmentedControl, Select, SimpleGrid, Skeleton, Text } from "@mantine/core";
import { type ReactElement, useMemo, useState } from "react";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatClock } from "../lib/format.ts";
import { type CsatFigure, CsatFigureText, ratingsLabel } from "./csat-figure.tsx";
import { WallPanel } from "./panel.tsx";
import { useIntervals, useQueueNames } from "./queries.ts";
import type { MetricsInterval } from "./types.ts";

interface Point {
  start: string;
  label: string;
  offered: number;
  /** Offered plus the contacts carried over from earlier intervals that were answered or abandoned in this one. */
  inQueue: number;
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
  asa: number | null;
}

const field = (interval: MetricsInterval, name: string) => interval.figures[name] ?? 0;

export function summarise(intervals: MetricsInterval[], queueId: string | null): Point[] {
  const sums = new Map<
    string,
    {
      offered: number;
      carriedIn: number;
      answered: number;
      abandoned: number;
      within: number;
      answerSeconds: number;
    }
  >();
  for (const interval of intervals) {
    if (queueId && interval.queueId !== queueId) continue;
    const sum = sums.get(interval.intervalStart) ?? {
      offered: 0,
      carriedIn: 0,
      answered: 0,
      abandoned: 0,
      within: 0,
      answerSeconds: 0,
    };
    sum.offered += field(interval, "offered");
    sum.carriedIn += field(interval, "carriedIn");
    sum.answered += field(interval, "answered");
    sum.abandoned += field(interval, "abandoned");
    sum.within += field(interval, "answeredWithinTarget");
    sum.answerSeconds += field(interval, "answerSeconds");
    sums.set(interval.intervalStart, sum);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, sum]) => {
      const settled = sum.answered + sum.abandoned;
      return {
        start,
        label: formatClock(start),
        offered: sum.offered,
        inQueue: sum.offered + sum.carriedIn,
        answered: sum.answered,
        abandoned: sum.abandoned,
        serviceLevel: settled ? Math.round((sum.within / settled) * 1000) / 10 : null,
        asa: sum.answered ? Math.round(sum.answerSeconds / sum.answered) : null,
      };
    });
}

const HOURS = ["4", "8", "24"];
const MARGIN = { top: 4, right: 8, left: -16, bottom: 0 };
/** Drawn under both charts' data: the grid and the time axis. */
const GRID_AND_TIME = [
  <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
  <XAxis key="time" dataKey="label" fontSize={11} minTickGap={16} />,
];
const SERVICE_LINES = [
  { yAxisId: "sl", dataKey: "serviceLevel", name: "Service level %", stroke: "var(--mantine-color-green-7)" },
  { yAxisId: "asa", dataKey: "asa", name: "ASA s", stroke: "var(--mantine-color-orange-6)" },
];
/** Drawn over both charts' data: tooltip and legend. */
const TOOLTIP_AND_LEGEND = [
  <Tooltip key="tooltip" />,
  <Legend key="legend" wrapperStyle={{ fontSize: 12 }} />,
];

/** One chart with its caption, named by it; `children` is the chart itself. */
function ChartFigure({
  caption,
  label = caption,
  testId,
  children,
}: {
  caption: string;
  /** The figure's accessible name: its caption unless given. */
  label?: string;
  testId: string;
  children: ReactElement;
}) {
  return (
    <figure style={{ margin: 0 }} aria-label={label} data-testid={testId}>
      <Text fz="sm" fw={600} component="figcaption" mb={4}>
        {caption}
      </Text>
      <ResponsiveContainer width="100%" height={200}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

/** The ratings of the shown intervals together: the mean of all ratings, not of the intervals' means. */
export function csatOver(intervals: MetricsInterval[], queueId: string | null): CsatFigure {
  let sum = 0;
  let count = 0;
  for (const interval of intervals) {
    if ((queueId && interval.queueId !== queueId) || !interval.csat?.count) continue;
    sum += (interval.csat.average ?? 0) * interval.csat.count;
    count += interval.csat.count;
  }
  return { average: count ? Math.round((sum / count) * 100) / 100 : null, count };
}

/** The ratings of the hours shown, above the charts. */
function IntervalCsat({ csat }: { csat: CsatFigure }) {
  return (
    <Text fz="sm" mb="xs">
      CSAT over these hours: <CsatFigureText figure={csat} testId="interval-csat" />{" "}
      <Text span c="dimmed" fz="xs">
        {ratingsLabel(csat.count)}
      </Text>
    </Text>
  );
}

/** Contacts per interval, and service level with ASA. */
function IntervalChartGrid({ points }: { points: Point[] }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <ChartFigure caption="Contacts per 15 minutes" testId="chart-volume">
        <ComposedChart data={points} margin={MARGIN}>
          {GRID_AND_TIME}
          <YAxis allowDecimals={false} fontSize={11} />
          {TOOLTIP_AND_LEGEND}
          <Bar dataKey="answered" name="Answered" stackId="handled" fill="var(--mantine-color-indigo-5)" />
          <Bar dataKey="abandoned" name="Abandoned" stackId="handled" fill="var(--mantine-color-red-5)" />
          <Line
            dataKey="inQueue"
            name="In queue (new + carried over)"
            stroke="var(--mantine-color-gray-7)"
            dot={false}
          />
          <Line
            dataKey="offered"
            name="New"
            stroke="var(--mantine-color-gray-5)"
            strokeDasharray="4 3"
            dot={false}
          />
        </ComposedChart>
      </ChartFigure>
      <ChartFigure
        caption="Service level (%) and ASA (s)"
        label="Service level and ASA"
        testId="chart-service"
      >
        <LineChart data={points} margin={MARGIN}>
          {GRID_AND_TIME}
          <YAxis yAxisId="sl" domain={[0, 100]} fontSize={11} />
          <YAxis yAxisId="asa" orientation="right" fontSize={11} />
          {TOOLTIP_AND_LEGEND}
          {SERVICE_LINES.map((line) => (
            <Line key={line.dataKey} {...line} connectNulls />
          ))}
        </LineChart>
      </ChartFigure>
    </SimpleGrid>
  );
}

export function IntervalCharts() {
  const [hours, setHours] = useState("8");
  const [queueId, setQueueId] = useState<string | null>(null);
  const intervals = useIntervals(Number(hours));
  const queues = useQueueNames().data ?? [];
  const points = useMemo(() => summarise(intervals.data ?? [], queueId), [intervals.data, queueId]);
  const csat = useMemo(() => csatOver(intervals.data ?? [], queueId), [intervals.data, queueId]);

  return (
    <WallPanel
      title={`Last ${hours} hours`}
      aside={
        <Group gap="xs">
          <Select
            aria-label="Queue shown in the charts"
            size="xs"
            w={200}
            placeholder="All queues"
            clearable
            data={queues.map((queue) => ({ value: queue.id, label: queue.name }))}
            value={queueId}
            onChange={setQueueId}
          />
          <SegmentedControl
            aria-label="Hours shown"
            size="xs"
            value={hours}
            onChange={setHours}
            data={HOURS.map((value) => ({ value, label: `${value} h` }))}
          />
        </Group>
      }
    >
      {intervals.isPending ? (
        <Skeleton h={220} />
      ) : points.length === 0 ? (
        <Text c="dimmed" ta="center" py="xl">
          No intervals recorded in these hours yet: figures are stored every 15 minutes.
        </Text>
      ) : (
        <>
          <IntervalCsat csat={csat} />
          <IntervalChartGrid points={points} />
        </>
      )}
    </WallPanel>
  );
}

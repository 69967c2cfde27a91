/** The report's charts: cases per local hour stacked by channel, and service level and ASA per day. */
import { SimpleGrid, Text } from "@mantine/core";
import type { ReactElement } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CHANNEL_COLOR, CHANNEL_LABEL } from "../lib/format.ts";
import { viewerTimeZone } from "../lib/viewer-zone.ts";
import type { Report } from "./types.ts";

const CHANNELS = ["chat", "email", "sms", "voice"] as const;
const MARGIN = { top: 4, right: 8, left: -16, bottom: 0 };

/** "Mar 2, 14:00" for many days of hours, "14:00" for one: in the viewer's zone. */
function hourLabel(iso: string, manyDays: boolean): string {
  return new Date(iso).toLocaleString(undefined, {
    ...(manyDays ? { month: "short", day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    timeZone: viewerTimeZone(),
  });
}

const dayLabel = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: viewerTimeZone() });

function ChartFigure({
  caption,
  testId,
  children,
}: {
  caption: string;
  testId: string;
  children: ReactElement;
}) {
  return (
    <figure style={{ margin: 0 }} aria-label={caption} data-testid={testId}>
      <Text fz="sm" fw={600} component="figcaption" mb={4}>
        {caption}
      </Text>
      <ResponsiveContainer width="100%" height={240}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

export function ReportCharts({ report }: { report: Report }) {
  const manyDays = report.days.length > 1;
  const hours = report.volume.byHour.map((hour) => ({ ...hour, label: hourLabel(hour.start, manyDays) }));
  const days = report.days.map((day) => ({
    label: dayLabel(day.start),
    serviceLevel: day.serviceLevel === null ? null : Math.round(day.serviceLevel * 1000) / 10,
    asa: day.asa,
    offered: day.offered,
  }));
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <ChartFigure caption="Cases per hour by channel" testId="volume-chart">
        <BarChart data={hours} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} minTickGap={16} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {CHANNELS.map((channel) => (
            <Bar
              key={channel}
              dataKey={channel}
              name={CHANNEL_LABEL[channel]}
              stackId="channels"
              fill={`var(--mantine-color-${CHANNEL_COLOR[channel]}-6)`}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartFigure>
      <ChartFigure caption="Service level and ASA per day" testId="service-level-chart">
        <ComposedChart data={days} margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} minTickGap={16} />
          <YAxis yAxisId="sl" domain={[0, 100]} fontSize={11} unit="%" />
          <YAxis yAxisId="asa" orientation="right" fontSize={11} unit="s" />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            yAxisId="sl"
            dataKey="serviceLevel"
            name="Service level %"
            fill="var(--mantine-color-green-6)"
            isAnimationActive={false}
          />
          <Line
            yAxisId="asa"
            dataKey="asa"
            name="ASA s"
            stroke="var(--mantine-color-orange-6)"
            dot
            isAnimationActive={false}
          />
        </ComposedChart>
      </ChartFigure>
    </SimpleGrid>
  );
}

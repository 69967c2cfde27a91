/** The report's tables: per queue, per agent, SLA attainment per target, dispositions. */
import { SimpleGrid, Table, Text } from "@mantine/core";
import { CsatFigureText } from "../supervisor/csat-figure.tsx";
import { formatPercent, formatSeconds } from "../supervisor/format.ts";
import { WallPanel } from "../supervisor/panel.tsx";
import type { Report } from "./types.ts";

const METRIC_LABEL: Record<string, string> = {
  first_response: "First response",
  next_response: "Next response",
  periodic_update: "Periodic update",
  resolution: "Resolution",
  answer: "Answer",
};

function Empty({ columns, text }: { columns: number; text: string }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={columns}>
        <Text c="dimmed" fz="sm">
          {text}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function QueueReportTable({ report }: { report: Report }) {
  const rows = [...report.queues, { ...report.totals, queueId: "all", name: "All shown", goal: null }];
  return (
    <WallPanel title="Queues" headingId="report-queues" aside="Service level against each queue's goal">
      <Table.ScrollContainer minWidth={760}>
        <Table striped aria-labelledby="report-queues" fz="sm">
          <Table.Thead>
            <Table.Tr>
              {[
                "Queue",
                "Offered",
                "Answered",
                "Abandoned",
                "Service level",
                "ASA",
                "AHT",
                "Abandonment",
                "FCR",
                "Occupancy",
                "SLA met",
                "CSAT",
              ].map((head) => (
                <Table.Th key={head}>{head}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.queueId} fw={row.queueId === "all" ? 700 : undefined}>
                <Table.Td>
                  {row.name}
                  {row.goal ? (
                    <Text span c="dimmed" fz="xs">
                      {" "}
                      ({row.goal.percent} % in {row.goal.seconds} s)
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{row.offered}</Table.Td>
                <Table.Td>{row.answered}</Table.Td>
                <Table.Td>{row.abandoned}</Table.Td>
                <Table.Td>{formatPercent(row.serviceLevel)}</Table.Td>
                <Table.Td>{formatSeconds(row.asa)}</Table.Td>
                <Table.Td>{formatSeconds(row.aht)}</Table.Td>
                <Table.Td>{formatPercent(row.abandonment)}</Table.Td>
                <Table.Td>{formatPercent(row.fcr)}</Table.Td>
                <Table.Td>{formatPercent(row.occupancy)}</Table.Td>
                <Table.Td>{formatPercent(row.slaMet)}</Table.Td>
                <Table.Td>
                  <CsatFigureText figure={row.csat} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </WallPanel>
  );
}

export function AgentReportTable({ report }: { report: Report }) {
  return (
    <WallPanel title="Agents" headingId="report-agents" aside="Work released in the period">
      <Table.ScrollContainer minWidth={520}>
        <Table striped aria-labelledby="report-agents" fz="sm">
          <Table.Thead>
            <Table.Tr>
              {["Agent", "Handled", "AHT", "Occupancy", "CSAT"].map((head) => (
                <Table.Th key={head}>{head}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.agents.length === 0 ? <Empty columns={5} text="Nobody worked in this period." /> : null}
            {report.agents.map((agent) => (
              <Table.Tr key={agent.agentId}>
                <Table.Td>{agent.name}</Table.Td>
                <Table.Td>{agent.handled}</Table.Td>
                <Table.Td>{formatSeconds(agent.aht)}</Table.Td>
                <Table.Td>{formatPercent(agent.occupancy)}</Table.Td>
                <Table.Td>
                  <CsatFigureText figure={agent.csat} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </WallPanel>
  );
}

export function SlaAndDispositionTables({ report }: { report: Report }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <WallPanel title="SLA attainment per target" headingId="report-sla" aside="Met on time ÷ ended">
        <Table striped aria-labelledby="report-sla" fz="sm">
          <Table.Thead>
            <Table.Tr>
              {["Target", "Met", "Met late", "Breached", "Attainment"].map((head) => (
                <Table.Th key={head}>{head}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.sla.length === 0 ? (
              <Empty columns={5} text="No SLA target ended in this period." />
            ) : null}
            {report.sla.map((row) => (
              <Table.Tr key={row.metric}>
                <Table.Td>{METRIC_LABEL[row.metric] ?? row.metric}</Table.Td>
                <Table.Td>{row.met}</Table.Td>
                <Table.Td>{row.metLate}</Table.Td>
                <Table.Td>{row.breached}</Table.Td>
                <Table.Td>{formatPercent(row.attainment)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </WallPanel>
      <WallPanel title="Dispositions" headingId="report-dispositions" aside="Cases resolved in the period">
        <Table striped aria-labelledby="report-dispositions" fz="sm">
          <Table.Thead>
            <Table.Tr>
              {["Disposition", "Cases", "Share"].map((head) => (
                <Table.Th key={head}>{head}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.dispositions.length === 0 ? (
              <Empty columns={3} text="No case was resolved in this period." />
            ) : null}
            {report.dispositions.map((row) => (
              <Table.Tr key={row.dispositionId ?? "none"}>
                <Table.Td>{row.label}</Table.Td>
                <Table.Td>{row.count}</Table.Td>
                <Table.Td>{formatPercent(row.share)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </WallPanel>
    </SimpleGrid>
  );
}

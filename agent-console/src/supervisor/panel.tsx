/** One panel of the wall: a bordered section with its heading and, beside it, a note or controls. */
import { Group, Paper, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

export function WallPanel({
  title,
  headingId,
  aside,
  label,
  children,
}: {
  title: ReactNode;
  /** For a table inside to be named by the heading (aria-labelledby). */
  headingId?: string;
  /** A note (drawn small and dimmed) or controls, across from the heading. */
  aside?: ReactNode;
  label?: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={label}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={2} fz="md" id={headingId}>
          {title}
        </Title>
        {typeof aside === "string" ? (
          <Text fz="xs" c="dimmed">
            {aside}
          </Text>
        ) : (
          aside
        )}
      </Group>
      {children}
    </Paper>
  );
}

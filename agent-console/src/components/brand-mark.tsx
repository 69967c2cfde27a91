import { Group, Text, ThemeIcon } from "@mantine/core";

/** The product's name and mark, used on the sign-in card and in the header. */
/** `compact`: the name only on a wide screen, so a laptop's or tablet's header keeps its controls. */
export function BrandMark({ size = "md", compact = false }: { size?: "md" | "lg"; compact?: boolean }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon
        size={size === "lg" ? 36 : 28}
        radius="md"
        variant="gradient"
        gradient={{ from: "indigo.6", to: "violet.5", deg: 135 }}
        aria-hidden
      >
        <svg
          aria-hidden="true"
          width="60%"
          height="60%"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2.2"
        >
          <path d="M4 7h10M4 12h16M4 17h7" strokeLinecap="round" />
          <circle cx="18" cy="7" r="2" fill="currentColor" />
          <circle cx="15" cy="17" r="2" fill="currentColor" />
        </svg>
      </ThemeIcon>
      <Text fw={700} fz={size === "lg" ? 22 : 17} lts={-0.2} visibleFrom={compact ? "xl" : undefined}>
        Switchboard
      </Text>
    </Group>
  );
}

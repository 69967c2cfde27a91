/**
 * Says who else has this case open and who of them is typing, so two agents do not answer one
 * customer twice.
 */
import { Group, Text } from "@mantine/core";
import { type Colleague, useCasePresence } from "../state/case-presence-store.ts";
import { useSession } from "../state/session-store.ts";

const names = (list: { name: string }[]) =>
  list.length <= 2
    ? list.map((item) => item.name).join(" and ")
    : `${list
        .slice(0, -1)
        .map((item) => item.name)
        .join(", ")} and ${list.at(-1)!.name}`;

// One empty value each, so the store's selectors return the same thing until something changes.
const NOBODY: Colleague[] = [];
const NOBODY_TYPING: Record<string, Colleague> = {};

export function CollisionBar({ caseId }: { caseId: string }) {
  const me = useSession((s) => s.agent?.id);
  const viewers = useCasePresence((s) => s.viewers[caseId] ?? NOBODY).filter((viewer) => viewer.id !== me);
  const typing = Object.values(useCasePresence((s) => s.typing[caseId] ?? NOBODY_TYPING)).filter(
    (who) => who.id !== me,
  );
  if (!viewers.length && !typing.length) return null;
  return (
    <Group gap="xs" px="lg" py={4} bg="violet.0" data-testid="collision-bar" role="status">
      {typing.length > 0 ? (
        <Text fz="sm" fw={600} c="violet.8">
          {names(typing)} {typing.length === 1 ? "is" : "are"} typing a reply…
        </Text>
      ) : (
        <Text fz="sm" c="violet.8">
          {names(viewers)} {viewers.length === 1 ? "has" : "have"} this case open too.
        </Text>
      )}
    </Group>
  );
}

/** The keyboard shortcuts, on `?`. */
import { Kbd, Modal, Stack, Table, Text } from "@mantine/core";
import { SHORTCUTS } from "../lib/shortcuts.ts";

export function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="md" data-testid="shortcut-help">
      <Stack gap="md">
        {SHORTCUTS.map((group) => (
          <div key={group.group}>
            <Text fz="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
              {group.group}
            </Text>
            <Table withRowBorders={false} verticalSpacing={2}>
              <Table.Tbody>
                {group.items.map((item) => (
                  <Table.Tr key={item.key}>
                    <Table.Td w={110}>
                      {item.key.split(" then ").map((key, index) => (
                        <span key={key}>
                          {index > 0 && " then "}
                          <Kbd size="xs">{key}</Kbd>
                        </span>
                      ))}
                    </Table.Td>
                    <Table.Td fz="sm">{item.description}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        ))}
      </Stack>
    </Modal>
  );
}

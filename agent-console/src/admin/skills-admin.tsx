/** Admin → Skills: the names agents' levels and queues' requirements refer to. */
import { Button, Group, Paper, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useResource } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { resources } from "./queries.ts";

function NewSkillForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const { write, save } = useResource(resources.skills);
  return (
    <Paper withBorder radius="md" p="md" mb="md">
      <form
        aria-label="New skill"
        onSubmit={(event) => {
          event.preventDefault();
          save(
            null,
            { name, description },
            () => {
              setName("");
              setDescription("");
            },
            "Skill not created",
          );
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label="New skill"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label="Description"
            w={360}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Button type="submit" loading={write.isPending}>
            Add skill
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

export function SkillsAdmin() {
  return (
    <CrudSection
      title="Skills"
      description="Agents hold skills at levels 1–10; queues require or prefer them."
      resource={resources.skills}
      skeleton={120}
      columns={[
        { header: "Skill", rowHeader: true, cell: (skill) => skill.name },
        { header: "Description", cell: (skill) => skill.description || <Text c="dimmed">–</Text> },
      ]}
      editable={false}
      remove={{ question: (skill) => `Delete the skill ${skill.name}?`, failure: "Skill not deleted" }}
    >
      <NewSkillForm />
    </CrudSection>
  );
}

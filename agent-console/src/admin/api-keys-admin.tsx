/**
 * Admin → API keys: keys for integrations, each with its scopes, queues and expiry. The secret is
 * shown once, right after creation, with a copy button; the list shows when each key was last used
 * (in the viewer's zone) and revokes a key at once.
 */
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from "@mantine/core";
import { useState } from "react";
import type { apiKeySchema } from "../../../server/routes/api-keys.ts";
import type { Wire } from "../api/types.ts";
import { formatAgo, formatDateTimeWithZone } from "../lib/format.ts";
import { useNow } from "../lib/use-now.ts";
import { type Editor, FormShell, useForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import { NameInput } from "./editors.tsx";
import { type Resource, useAdminWrite, useQueueOptions } from "./queries.ts";

export type ApiKey = Wire<typeof apiKeySchema>;
type Scope = ApiKey["scopes"][number];

const apiKeys: Resource<ApiKey> = { path: "/api/admin/api-keys", key: ["admin", "api-keys"] };

const SCOPES: { value: Scope; label: string; description: string }[] = [
  {
    value: "cases:read",
    label: "Read cases",
    description: "Cases, their messages and attachments, saved views",
  },
  {
    value: "cases:write",
    label: "Write cases",
    description: "Reply, add notes, change, assign, transfer cases",
  },
  { value: "contacts", label: "Contacts", description: "Read, edit and merge contacts" },
  { value: "reports", label: "Reports", description: "Metrics, SLA figures, reports and exports" },
  { value: "admin", label: "Admin", description: "Everything else an admin sets up (not the other scopes)" },
];
const SCOPE_LABEL = Object.fromEntries(SCOPES.map((scope) => [scope.value, scope.label])) as Record<
  Scope,
  string
>;

const DAY_MS = 86_400_000;
const EXPIRY_OPTIONS = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

interface KeyForm {
  name: string;
  scopes: Scope[];
  limited: boolean;
  queueIds: string[];
  expiry: string;
}

const newForm = (): KeyForm => ({ name: "", scopes: [], limited: false, queueIds: [], expiry: "never" });
const expiresAt = (expiry: string, now: number) =>
  expiry === "never" ? null : new Date(now + Number(expiry) * DAY_MS).toISOString();

/** The secret of the key just created, shown this once with a copy button. */
function SecretModal({
  created,
  onClose,
}: {
  created: { name: string; secret: string } | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={`API key ${created?.name ?? ""} created`}
      size="lg"
    >
      <Stack gap="sm">
        <Alert color="orange" title="Copy the secret now">
          It will not be shown again: Switchboard keeps only a hash of it. If it is lost, revoke the key and
          create another.
        </Alert>
        <Group wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: "break-all" }} data-testid="api-key-secret">
            {created?.secret}
          </Code>
          <CopyButton value={created?.secret ?? ""}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? "light" : "filled"}
                color={copied ? "teal" : undefined}
                onClick={copy}
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text fz="sm" c="dimmed">
          Integrations send it as <Code>Authorization: Bearer …</Code>. It acts for you, within its scopes.
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function QueueChoice({
  form,
  set,
}: {
  form: KeyForm;
  set: <K extends keyof KeyForm>(key: K, value: KeyForm[K]) => void;
}) {
  const queues = useQueueOptions();
  return (
    <Stack gap={6} role="group" aria-label="Queues">
      <Text fz="sm" fw={500}>
        Queues
      </Text>
      <SegmentedControl
        data={[
          { value: "all", label: "All queues" },
          { value: "only", label: "Only these" },
        ]}
        value={form.limited ? "only" : "all"}
        onChange={(next) => set("limited", next === "only")}
      />
      {form.limited ? (
        <MultiSelect
          aria-label="Only these queues"
          placeholder="Choose queues"
          data={queues.data}
          value={form.queueIds}
          onChange={(queueIds) => set("queueIds", queueIds)}
          searchable
        />
      ) : null}
    </Stack>
  );
}

function ApiKeyForm({ editor }: { editor: Editor<ApiKey> }) {
  const write = useAdminWrite([apiKeys.key]);
  const { form, set, field } = useForm(editor.opened, null, newForm, write.reset);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const now = useNow(60_000);
  const until = expiresAt(form.expiry, now);
  const submit = () =>
    write.mutate(
      [
        {
          method: "POST",
          path: apiKeys.path,
          body: {
            name: form.name,
            scopes: form.scopes,
            queueIds: form.limited ? form.queueIds : null,
            expiresAt: expiresAt(form.expiry, Date.now()),
          },
        },
      ],
      {
        onSuccess: (answer) => {
          editor.close();
          setCreated(answer as { name: string; secret: string });
        },
      },
    );
  return (
    <>
      <FormShell
        editor={editor}
        mutation={write}
        title="New API key"
        submitLabel="Create key"
        onSubmit={submit}
      >
        <NameInput {...field("name")} />
        <Checkbox.Group
          label="Scopes"
          description="What the key may do; it acts for you within them"
          value={form.scopes}
          onChange={(scopes) => set("scopes", scopes as Scope[])}
        >
          <Stack gap={6} mt={6}>
            {SCOPES.map((scope) => (
              <Checkbox
                key={scope.value}
                value={scope.value}
                label={scope.label}
                description={scope.description}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        <QueueChoice form={form} set={set} />
        <Select
          label="Expires"
          data={EXPIRY_OPTIONS}
          allowDeselect={false}
          description={until ? `On ${formatDateTimeWithZone(until)}` : "The key works until it is revoked"}
          {...field("expiry")}
          onChange={(value) => set("expiry", value ?? "never")}
        />
      </FormShell>
      <SecretModal created={created} onClose={() => setCreated(null)} />
    </>
  );
}

const STATUS_COLOR: Record<ApiKey["status"], string> = { active: "green", expired: "gray", revoked: "red" };

function WhenCell({ iso, none, now }: { iso: string | null; none: string; now?: number }) {
  if (!iso)
    return (
      <Text fz="sm" c="dimmed">
        {none}
      </Text>
    );
  const full = formatDateTimeWithZone(iso);
  return (
    <Text fz="sm" title={full}>
      {now === undefined ? full : formatAgo(iso, now)}
    </Text>
  );
}

export function ApiKeysAdmin() {
  const now = useNow(30_000);
  const queues = useQueueOptions();
  return (
    <CrudSection
      title="API keys"
      description="Keys integrations send as a bearer token, acting for the admin who created them."
      newLabel="New API key"
      resource={apiKeys}
      skeleton={80}
      minWidth={980}
      empty="No API key yet."
      rowTestId="api-key-row"
      rowProps={(key) => ({ "data-api-key": key.name, "data-status": key.status })}
      editable={false}
      remove={{
        label: "Revoke",
        question: (key) =>
          `Revoke the API key ${key.name}? Integrations using it are refused from their next request.`,
        failure: "API key not revoked",
        when: (key) => key.status === "active",
      }}
      columns={[
        {
          header: "Key",
          rowHeader: true,
          cell: (key) => (
            <TitleCell title={key.name} detail={`sbk_${key.prefix}_… · by ${key.createdBy.name ?? "?"}`} />
          ),
        },
        {
          header: "Scopes",
          cell: (key) => (
            <Group gap={4}>
              {key.scopes.map((scope) => (
                <Badge key={scope} size="sm" variant="light">
                  {SCOPE_LABEL[scope]}
                </Badge>
              ))}
            </Group>
          ),
        },
        {
          header: "Queues",
          cell: (key) => (
            <Text fz="sm">
              {key.queueIds ? key.queueIds.map((id) => queues.name(id)).join(", ") : "All queues"}
            </Text>
          ),
        },
        { header: "Expires", cell: (key) => <WhenCell iso={key.expiresAt} none="Never" /> },
        { header: "Last used", cell: (key) => <WhenCell iso={key.lastUsedAt} none="Never used" now={now} /> },
        {
          header: "Status",
          cell: (key) => (
            <Badge
              color={STATUS_COLOR[key.status]}
              variant="light"
              title={key.revokedAt ? `Revoked ${formatDateTimeWithZone(key.revokedAt)}` : undefined}
            >
              {key.status}
            </Badge>
          ),
        },
      ]}
      form={ApiKeyForm}
    />
  );
}

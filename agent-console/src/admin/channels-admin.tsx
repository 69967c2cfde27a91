/** Admin → Channels: mailboxes fetched into cases, and Twilio phone numbers with greeting and voice menu. */
import { PasswordInput, Select, Text, Textarea, TextInput } from "@mantine/core";
import { formatTime } from "../lib/format.ts";
import { type Editor, FormShell, useEditorForm } from "./crud.tsx";
import { CrudSection } from "./crud-section.tsx";
import { TitleCell } from "./data-table.tsx";
import {
  EnabledSwitch,
  EntryQueueSelect,
  ListEditor,
  NameInput,
  type Options,
  SectionHeader,
} from "./editors.tsx";
import {
  MailboxOauthResult,
  MailboxSignInCell,
  type MailOauthProvider,
  SignInChoice,
} from "./mailbox-sign-in.tsx";
import { resources, useList, useQueueOptions } from "./queries.ts";
import type { IvrOption, Mailbox, PhoneNumber } from "./types.ts";

const BY_RULES = "by assignment rules";

/** The queue new cases from a channel go to; none leaves it to the assignment rules. */
function QueueSelect(props: { value: string | null; onChange: (next: string | null) => void }) {
  const queues = useQueueOptions();
  return <Select label="Queue" placeholder="By assignment rules" clearable data={queues.data} {...props} />;
}

const toMailboxForm = (mailbox: Mailbox | null) => ({
  name: mailbox?.name ?? "",
  address: mailbox?.address ?? "",
  fromName: mailbox?.fromName ?? "",
  imapUrl: "",
  smtpUrl: "",
  folder: mailbox?.folder ?? "INBOX",
  queueId: mailbox?.queueId ?? null,
  enabled: mailbox?.enabled ?? true,
  signIn: (mailbox?.oauth?.provider ?? "password") as MailOauthProvider | "password",
});

const SERVER_URLS = [
  { key: "imapUrl", label: "IMAP URL", example: "imap://user:password@host:143 (imaps:// for TLS)" },
  { key: "smtpUrl", label: "SMTP URL", example: "smtp://user:password@host:587 (smtps:// for TLS)" },
] as const;

function MailboxModal({ editor }: { editor: Editor<Mailbox> }) {
  const mailbox = editor.item;
  const { form, set, field, text, shell, submit } = useEditorForm(editor, resources.mailboxes, toMailboxForm);
  const fromEnv = mailbox?.fromEnv ?? false;

  return (
    <FormShell
      {...shell}
      title={mailbox ? `Edit ${mailbox.name}` : "New mailbox"}
      submitLabel={mailbox ? "Save mailbox" : "Add mailbox"}
      onSubmit={() => {
        const { name, address, fromName, folder, queueId, enabled, imapUrl, smtpUrl, signIn } = form;
        submit(
          fromEnv
            ? { fromName: fromName || null, queueId, enabled }
            : {
                name,
                address,
                fromName: fromName || null,
                folder,
                queueId,
                enabled,
                // Credentials are never shown; left empty on edit, they stay as they are.
                ...(imapUrl ? { imapUrl } : {}),
                ...(smtpUrl ? { smtpUrl } : {}),
                ...(!mailbox && signIn !== "password" ? { oauthProvider: signIn } : {}),
              },
        );
      }}
    >
      {fromEnv ? (
        <Text fz="sm" c="dimmed">
          This mailbox comes from IMAP_URL / SMTP_URL / EMAIL_FROM: only the sender name, queue and enabled
          can change here.
        </Text>
      ) : (
        <>
          <NameInput {...field("name")} />
          <TextInput label="Address" type="email" required {...text("address")} />
          {mailbox ? null : <SignInChoice {...field("signIn")} />}
          {SERVER_URLS.map(({ key, label, example }) => (
            <PasswordInput
              key={key}
              label={label}
              description={
                mailbox
                  ? "Leave empty to keep the current one"
                  : form.signIn !== "password"
                    ? "Leave empty for the provider's server; no password: the mailbox signs in with OAuth"
                    : example
              }
              required={!mailbox && form.signIn === "password"}
              {...text(key)}
            />
          ))}
          {!mailbox && form.signIn !== "password" ? (
            <Text fz="xs" c="dimmed">
              After adding it, choose Connect in the list and sign in as{" "}
              {form.address || "the mailbox's account"}.
            </Text>
          ) : null}
          <TextInput label="Folder" {...text("folder")} />
        </>
      )}
      <TextInput label="Sender name" {...text("fromName")} />
      <QueueSelect {...field("queueId")} />
      <EnabledSwitch value={form.enabled} onChange={(value) => set("enabled", value)} />
    </FormShell>
  );
}

function IvrEditor({
  value,
  onChange,
  queues,
}: {
  value: IvrOption[];
  onChange: (next: IvrOption[]) => void;
  queues: Options;
}) {
  return (
    <ListEditor
      label="Voice menu"
      value={value}
      onChange={onChange}
      removeLabel={(index) => `Remove menu option ${index + 1}`}
      addLabel="Add menu option"
      addDisabled={!queues.length || value.length >= 10}
      newEntry={() => ({ digit: String(value.length + 1), label: "", queueId: queues[0]?.value ?? "" })}
      renderRow={(option, update) => (
        <>
          <TextInput
            label="Key"
            size="xs"
            w={60}
            maxLength={1}
            value={option.digit}
            onChange={(e) => update({ ...option, digit: e.currentTarget.value })}
          />
          <TextInput
            label="For"
            description={`"For ${option.label || "…"}, press ${option.digit || "…"}."`}
            size="xs"
            w={220}
            value={option.label}
            onChange={(e) => update({ ...option, label: e.currentTarget.value })}
          />
          <EntryQueueSelect
            queues={queues}
            value={option.queueId}
            onChange={(queueId) => update({ ...option, queueId })}
          />
        </>
      )}
    />
  );
}

const toPhoneForm = (phone: PhoneNumber | null) => ({
  number: phone?.number ?? "",
  name: phone?.name ?? "",
  queueId: phone?.queueId ?? null,
  greeting: phone?.greeting ?? "",
  ivr: phone?.ivr ?? [],
  fallbackNumber: phone?.fallbackNumber ?? "",
});

function PhoneNumberModal({ editor }: { editor: Editor<PhoneNumber> }) {
  const phone = editor.item;
  const queues = useQueueOptions();
  const { form, field, text, shell, submit } = useEditorForm(editor, resources.phoneNumbers, toPhoneForm);

  return (
    <FormShell
      {...shell}
      title={phone ? `Edit ${phone.number}` : "New phone number"}
      submitLabel={phone ? "Save number" : "Add number"}
      onSubmit={() =>
        submit({ ...form, greeting: form.greeting || null, fallbackNumber: form.fallbackNumber || null })
      }
    >
      <TextInput
        label="Number"
        description="One of your Twilio numbers"
        required
        {...text("number")}
        data-autofocus
      />
      <TextInput label="Name" description="Shown to agents" {...text("name")} />
      <QueueSelect {...field("queueId")} />
      <Textarea label="Greeting" description="Said to every caller first" autosize {...text("greeting")} />
      <IvrEditor {...field("ivr")} queues={queues.data} />
      <TextInput
        label="Fallback phone"
        description="Takes calls for agents when browser calling is not configured"
        {...text("fallbackNumber")}
      />
    </FormShell>
  );
}

type QueueOptions = ReturnType<typeof useQueueOptions>;

/** The mailboxes email comes from; one set in the environment cannot be removed here. */
function MailboxesSection({ queues }: { queues: QueueOptions }) {
  return (
    <CrudSection
      level={2}
      title="Mailboxes"
      newLabel="New mailbox"
      resource={resources.mailboxes}
      skeleton={80}
      minWidth={980}
      mb="xl"
      empty="No mailbox: email is off."
      remove={{
        label: "Remove",
        question: (mailbox) => `Remove the mailbox ${mailbox.name}? Its cases stay.`,
        failure: "Mailbox not removed",
        when: (mailbox) => !mailbox.fromEnv,
      }}
      columns={[
        {
          header: "Mailbox",
          rowHeader: true,
          cell: (mailbox) => (
            <TitleCell title={mailbox.name} detail={mailbox.address} off={!mailbox.enabled} />
          ),
        },
        {
          header: "Server",
          cell: ({ imap, smtp }) => (
            <>
              <Text fz="xs">{imap ? `IMAP ${imap.host}:${imap.port}` : "–"}</Text>
              <Text fz="xs">{smtp ? `SMTP ${smtp.host}:${smtp.port}` : ""}</Text>
            </>
          ),
        },
        { header: "Sign-in", cell: (mailbox) => <MailboxSignInCell mailbox={mailbox} /> },
        { header: "Queue", cell: (mailbox) => queues.name(mailbox.queueId, BY_RULES) },
        {
          header: "Last fetch",
          cell: ({ lastError, lastSyncAt }) => (
            <Text fz="xs" c={lastError ? "red" : undefined}>
              {lastError ?? (lastSyncAt ? formatTime(lastSyncAt) : "not yet")}
            </Text>
          ),
        },
      ]}
      form={MailboxModal}
    />
  );
}

/** The Twilio numbers SMS and calls come to, with their voice menus. */
function PhoneNumbersSection({ queues }: { queues: QueueOptions }) {
  return (
    <CrudSection
      level={2}
      title="Phone numbers"
      newLabel="New phone number"
      resource={resources.phoneNumbers}
      skeleton={80}
      minWidth={800}
      empty="No phone number yet."
      name={(phone) => phone.number}
      remove={{
        label: "Remove",
        question: (phone) => `Remove ${phone.number}?`,
        failure: "Number not removed",
      }}
      columns={[
        {
          header: "Number",
          rowHeader: true,
          cell: (phone) => <TitleCell title={phone.number} detail={phone.name} />,
        },
        { header: "Queue", cell: (phone) => queues.name(phone.queueId, BY_RULES) },
        {
          header: "Voice menu",
          cell: (phone) =>
            phone.ivr
              .map((option) => `${option.digit}: ${option.label} → ${queues.name(option.queueId, BY_RULES)}`)
              .join("; ") || "–",
        },
        { header: "Fallback phone", cell: (phone) => phone.fallbackNumber ?? "–" },
      ]}
      form={PhoneNumberModal}
    />
  );
}

export function ChannelsAdmin() {
  const queues = useQueueOptions();
  const mailboxes = useList(resources.mailboxes).data ?? [];

  return (
    <>
      <SectionHeader
        title="Channels"
        description="Web chat is always on. Email comes from mailboxes; SMS and calls from your Twilio numbers."
      />
      <MailboxOauthResult mailboxes={mailboxes} />
      <MailboxesSection queues={queues} />
      <PhoneNumbersSection queues={queues} />
    </>
  );
}

/**
 * The composer: a reply on the case's channel, or an internal note. It fits the channel: email has
 * the reply's subject, CC and optional quoted history; SMS counts segments and warns when the
 * customer opted out; chat tells the customer the agent is typing, and Enter sends (as in every
 * chat tool). Elsewhere a message is longer and Ctrl+Enter sends.
 */
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Paper,
  SegmentedControl,
  TagsInput,
  Text,
  Textarea,
} from "@mantine/core";
import { type KeyboardEvent, type RefObject, useRef } from "react";
import { errorMessage } from "../api/client.ts";
import type { Colleague } from "../api/queries.ts";
import type { CaseDetail } from "../api/types.ts";
import type { ComposerMode } from "../state/composer-store.ts";
import { useTypingSignal } from "../state/use-typing-signal.ts";
import { CannedPicker, type CannedResponse, renderCanned } from "./canned-picker.tsx";
import { NoteModeBanner } from "./note-mode-banner.tsx";
import {
  type ComposerDrafts,
  type EmailOptions,
  type Typing,
  useComposerDrafts,
  useEmailOptions,
  useMentionable,
  useSend,
} from "./reply-box-state.ts";
import { SendLaterMenu } from "./send-later.tsx";
import { SlashSuggestions, useSlashCanned } from "./slash-canned.tsx";
import { SmsSegmentCounter } from "./sms-segment-counter.tsx";
import { WhatsAppTemplatePicker, WhatsAppWindowBanner, whatsappWindowClosed } from "./whatsapp-window.tsx";

export function replySubject(detail: CaseDetail): string {
  const subject = detail.subject.replace(/^(re:\s*)+/i, "");
  return `Re: ${subject} [#${detail.number}]`;
}

interface ReplyBoxProps {
  detail: CaseDetail;
  customerName: string;
}

type Identity = CaseDetail["contact"]["identities"][number];

interface ToolbarProps {
  detail: CaseDetail;
  composer: ComposerDrafts;
  showCanned: boolean;
  enterSends: boolean;
  onCanned(body: string): void;
}

/** Reply or note, the canned responses, and how to send. */
function ComposerToolbar({ detail, composer, showCanned, enterSends, onCanned }: ToolbarProps) {
  return (
    <Group justify="space-between" mb={8}>
      <Group gap="sm">
        <SegmentedControl
          size="xs"
          aria-label="Message type"
          value={composer.mode}
          onChange={(next) => composer.changeMode(next as ComposerMode)}
          data={[
            { value: "reply", label: "Reply" },
            { value: "note", label: "Internal note" },
          ]}
        />
        {showCanned && (
          <CannedPicker
            caseId={detail.id}
            channel={detail.channel}
            onError={composer.setError}
            onInsert={onCanned}
          />
        )}
      </Group>
      <Text fz="xs" c="dimmed">
        {enterSends ? "Enter to send · Shift+Enter for a new line" : "Ctrl+Enter to send"}
      </Text>
    </Group>
  );
}

function EmailHeaderFields({ detail, email }: { detail: CaseDetail; email: EmailOptions }) {
  return (
    <Group gap="xs" mb={8} align="flex-end" wrap="nowrap">
      <Text fz="xs" c="dimmed" style={{ flexShrink: 0 }} data-testid="email-subject">
        Subject: <b>{replySubject(detail)}</b>
      </Text>
      <TagsInput
        size="xs"
        aria-label="CC"
        placeholder="CC (Enter after each address)"
        value={email.cc}
        onChange={email.setCc}
        error={email.badCc.length ? "Check the CC addresses" : undefined}
        style={{ flex: 1 }}
        maxTags={20}
        splitChars={[",", " ", ";"]}
      />
    </Group>
  );
}

function OptOutWarning({ customerName, optedOut }: { customerName: string; optedOut: Identity | undefined }) {
  return (
    <Alert color="red" variant="light" py={6} mb={8} role="alert" data-testid="opt-out-warning">
      <Text fz="sm">
        {customerName} opted out of SMS on {optedOut?.address}
        {optedOut?.optOutMethod ? ` (${optedOut.optOutMethod})` : ""}. Nothing can be sent until they text
        START.
      </Text>
    </Alert>
  );
}

function MentionSuggestions({ agents, onMention }: { agents: Colleague[]; onMention(name: string): void }) {
  return (
    <Group gap={6} mb={6} aria-label="Mention a colleague" role="group" data-testid="mention-suggestions">
      <Text fz="xs" c="dimmed">
        Mention:
      </Text>
      {agents.map((agent) => (
        <Button
          key={agent.id}
          size="compact-xs"
          variant="light"
          color="yellow.8"
          onClick={() => onMention(agent.name)}
        >
          @{agent.name}
        </Button>
      ))}
    </Group>
  );
}

interface FooterProps {
  channel: CaseDetail["channel"];
  composer: ComposerDrafts;
  email: EmailOptions;
  sending: { send(): void; sendLater(at: Date): void; pending: boolean };
  blocked: boolean;
  customerZone: string;
}

/** SMS segments or the email quote option on the left, the send button on the right. */
function ComposerFooter({ channel, composer, email, sending, blocked, customerZone }: FooterProps) {
  const isNote = composer.mode === "note";
  return (
    <Group justify="space-between" mt={8}>
      <div>
        {!isNote && channel === "sms" && <SmsSegmentCounter body={composer.draft} />}
        {!isNote && channel === "email" && (
          <Checkbox
            size="xs"
            label="Include the customer's last message, quoted"
            checked={email.withQuote}
            onChange={(event) => email.setWithQuote(event.currentTarget.checked)}
          />
        )}
      </div>
      <Group gap={6}>
        {/* A chat is live: "later" belongs to the channels a customer reads when they can. */}
        {!isNote && channel !== "chat" && (
          <SendLaterMenu
            customerZone={customerZone}
            disabled={!composer.draft.trim() || blocked || sending.pending}
            onPick={sending.sendLater}
          />
        )}
        <Button
          size="sm"
          color={isNote ? "yellow.7" : undefined}
          onClick={sending.send}
          loading={sending.pending}
          disabled={!composer.draft.trim() || blocked}
        >
          {isNote ? "Add note" : "Send reply"}
        </Button>
      </Group>
    </Group>
  );
}

interface DraftInputProps {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  composer: ComposerDrafts;
  customerName: string;
  blocked: boolean;
  typing: Typing;
  enterSends: boolean;
  onSend(): void;
  /** Keys a suggestion list above the draft takes first (true: taken). */
  onListKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
}

/** The draft itself: it signals typing, and Enter (chat) or Ctrl+Enter (elsewhere) sends it. */
function DraftInput({
  inputRef,
  composer,
  customerName,
  blocked,
  typing,
  enterSends,
  onSend,
  onListKey,
}: DraftInputProps) {
  const { mode, draft, updateDraft } = composer;
  const isNote = mode === "note";

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing || onListKey(event)) return;
    if (event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey || (enterSends && !event.shiftKey)) {
      event.preventDefault();
      onSend();
    }
  }

  return (
    <Textarea
      ref={inputRef}
      aria-label={isNote ? "Internal note" : `Reply to ${customerName}`}
      placeholder={isNote ? "Add a note only agents can see…" : `Write a reply to ${customerName}…`}
      autosize
      minRows={2}
      maxRows={6}
      value={draft}
      error={composer.error}
      disabled={blocked}
      onChange={(event) => {
        const value = event.currentTarget.value;
        updateDraft(mode, () => value);
        if (value) typing.typed();
        else typing.stopped();
      }}
      onKeyDown={onKeyDown}
      onBlur={typing.stopped}
      styles={isNote ? { input: { background: "var(--mantine-color-yellow-0)" } } : undefined}
    />
  );
}

/** What goes into the draft from elsewhere: a canned response (picked, or typed after `/`), a mention. */
function useDraftInserts(input: {
  detail: CaseDetail;
  composer: ComposerDrafts;
  typing: Typing;
  textarea: RefObject<HTMLTextAreaElement | null>;
  slash: ReturnType<typeof useSlashCanned>;
}) {
  const { detail, composer, typing, textarea, slash } = input;
  const { updateDraft } = composer;
  const insertTyped = (item: CannedResponse) => {
    renderCanned(item.id, detail.id).then(
      (body) => {
        updateDraft("reply", (reply) => slash.replaceTyped(reply, body));
        typing.typed();
        textarea.current?.focus();
      },
      (error: unknown) => composer.setError(errorMessage(error)),
    );
  };

  function insertCanned(body: string) {
    updateDraft("reply", (reply) => (reply.trim() ? `${reply.trimEnd()}\n${body}` : body));
    typing.typed();
    requestAnimationFrame(() => textarea.current?.focus());
  }

  function mention(name: string) {
    updateDraft("note", (note) => note.replace(/@([^\s@]*)$/, `@${name} `));
    textarea.current?.focus();
  }

  return { insertTyped, insertCanned, mention };
}

/** A colleague replied while this reply was being written: read theirs first, or send anyway. */
function RepliedMeanwhile({ sending }: { sending: ReturnType<typeof useSend> }) {
  return (
    <Alert color="orange" mb={8} p="xs" data-testid="replied-meanwhile" role="alert">
      <Group justify="space-between" gap="xs">
        <Text fz="sm">{sending.meanwhile}</Text>
        <Group gap={6}>
          <Button size="compact-xs" variant="default" onClick={sending.dismissMeanwhile}>
            Review first
          </Button>
          <Button size="compact-xs" color="orange" onClick={sending.sendAnyway}>
            Send anyway
          </Button>
        </Group>
      </Group>
    </Alert>
  );
}

export function ReplyBox({ detail, customerName }: ReplyBoxProps) {
  const channel = detail.channel;
  const textarea = useRef<HTMLTextAreaElement>(null);
  const composer = useComposerDrafts(textarea);
  const { mode, draft } = composer;
  const isNote = mode === "note";
  const enterSends = channel === "chat" && mode === "reply";
  // Colleagues watching the case see a reply being written, on every channel; a chat's visitor too.
  const typing = useTypingSignal(detail.id, mode === "reply");
  const mentionable = useMentionable(mode, draft);
  const email = useEmailOptions();
  const optedOut = detail.contact.identities.find(
    (identity) => identity.address === detail.customerAddress && identity.optedOutAt,
  );
  const windowClosed = !isNote && whatsappWindowClosed(detail);
  const blocked = (!isNote && channel === "sms" && !!optedOut) || windowClosed;
  const sending = useSend({ detail, customerName, composer, email, typing, blocked });
  const slash = useSlashCanned(draft, channel, !isNote && !blocked);
  const { insertTyped, insertCanned, mention } = useDraftInserts({
    detail,
    composer,
    typing,
    textarea,
    slash,
  });

  return (
    <Paper
      component="section"
      aria-label="Compose"
      px="lg"
      py="sm"
      radius={0}
      style={{ borderTop: "1px solid var(--mantine-color-gray-3)" }}
      bg={isNote ? "yellow.0" : "white"}
      data-testid="composer"
      data-channel={channel}
    >
      <ComposerToolbar
        detail={detail}
        composer={composer}
        showCanned={!isNote && !blocked}
        enterSends={enterSends}
        onCanned={insertCanned}
      />
      {isNote && <NoteModeBanner customerName={customerName} onReply={() => composer.changeMode("reply")} />}
      {!isNote && channel === "email" && <EmailHeaderFields detail={detail} email={email} />}
      {blocked && !windowClosed && <OptOutWarning customerName={customerName} optedOut={optedOut} />}
      {windowClosed && <WhatsAppWindowBanner detail={detail} />}
      {mentionable.length > 0 && <MentionSuggestions agents={mentionable} onMention={mention} />}
      {sending.meanwhile && <RepliedMeanwhile sending={sending} />}
      {slash.matches.length > 0 && (
        <SlashSuggestions matches={slash.matches} highlighted={slash.highlighted} onPick={insertTyped} />
      )}
      {windowClosed ? (
        <WhatsAppTemplatePicker detail={detail} />
      ) : (
        <>
          <DraftInput
            inputRef={textarea}
            composer={composer}
            customerName={customerName}
            blocked={blocked}
            typing={typing}
            enterSends={enterSends}
            onSend={sending.send}
            onListKey={(event) => slash.onKey(event, insertTyped)}
          />
          <ComposerFooter
            channel={channel}
            composer={composer}
            email={email}
            sending={sending}
            blocked={blocked}
            customerZone={detail.customerTimeZone ?? "UTC"}
          />
        </>
      )}
    </Paper>
  );
}

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
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { useAgentDirectory, usePostInteraction } from "../api/queries.ts";
import type { CaseDetail } from "../api/types.ts";
import { type ComposerMode, useComposer } from "../state/composer-store.ts";
import { useTypingSignal } from "../state/use-typing-signal.ts";
import { CannedPicker } from "./canned-picker.tsx";
import { SmsSegmentCounter } from "./sms-segment-counter.tsx";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The customer's latest message, quoted the way mail clients do. */
function quotedHistory(detail: CaseDetail, customerName: string): string {
  const last = [...detail.interactions]
    .reverse()
    .find((item) => item.kind === "message" && item.direction === "inbound");
  if (!last) return "";
  const when = new Date(last.createdAt).toLocaleString();
  const quoted = last.body
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return `\n\nOn ${when}, ${customerName} wrote:\n${quoted}`;
}

export function replySubject(detail: CaseDetail): string {
  const subject = detail.subject.replace(/^(re:\s*)+/i, "");
  return `Re: ${subject} [#${detail.number}]`;
}

interface ReplyBoxProps {
  detail: CaseDetail;
  customerName: string;
}

export function ReplyBox({ detail, customerName }: ReplyBoxProps) {
  const caseId = detail.id;
  const channel = detail.channel;
  const [mode, setMode] = useState<ComposerMode>("reply");
  const [drafts, setDrafts] = useState<Record<ComposerMode, string>>({ reply: "", note: "" });
  const [cc, setCc] = useState<string[]>([]);
  const [withQuote, setWithQuote] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const reply = usePostInteraction(caseId, "reply");
  const note = usePostInteraction(caseId, "note");
  const post = mode === "reply" ? reply : note;
  const typing = useTypingSignal(caseId, channel === "chat" && mode === "reply");
  const draft = drafts[mode];
  const enterSends = channel === "chat" && mode === "reply";
  const textarea = useRef<HTMLTextAreaElement>(null);
  const request = useComposer((s) => s.request);

  // A shortcut or button asked for the composer: switch mode and take the focus.
  useEffect(() => {
    if (!request) return;
    setMode(request.mode);
    setError(null);
    requestAnimationFrame(() => textarea.current?.focus());
  }, [request]);

  // "@An" at the end of a note offers the colleagues whose name matches, to mention them.
  const mentioning = mode === "note" ? /(?:^|\s)@([^\s@]*)$/.exec(draft) : null;
  const directory = useAgentDirectory(mode === "note").data ?? [];
  const mentionable = mentioning
    ? directory
        .filter((agent) => agent.name.toLowerCase().includes((mentioning[1] ?? "").toLowerCase()))
        .slice(0, 5)
    : [];

  function mention(name: string) {
    setDrafts((current) => ({ ...current, note: current.note.replace(/@([^\s@]*)$/, `@${name} `) }));
    textarea.current?.focus();
  }

  const optedOut = detail.contact.identities.find(
    (identity) => identity.address === detail.customerAddress && identity.optedOutAt,
  );
  const badCc = cc.filter((address) => !EMAIL.test(address));
  const isNote = mode === "note";
  const blocked = !isNote && channel === "sms" && !!optedOut;

  function send() {
    let body = draft.trim();
    if (!body || post.isPending || blocked) return;
    if (!isNote && channel === "email" && badCc.length) {
      setError(`Not an email address: ${badCc.join(", ")}`);
      return;
    }
    if (!isNote && channel === "email" && withQuote) body += quotedHistory(detail, customerName);
    setError(null);
    typing.stopped();
    const sentMode = mode;
    post.mutate(
      { body, ...(!isNote && channel === "email" && cc.length ? { cc } : {}) },
      {
        onSuccess: () => {
          setDrafts((current) => ({ ...current, [sentMode]: "" }));
          if (sentMode === "reply") setCc([]);
        },
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.nativeEvent.isComposing) return;
    if (event.ctrlKey || event.metaKey || (enterSends && !event.shiftKey)) {
      event.preventDefault();
      send();
    }
  }

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
      <Group justify="space-between" mb={8}>
        <Group gap="sm">
          <SegmentedControl
            size="xs"
            aria-label="Message type"
            value={mode}
            onChange={(next) => {
              setMode(next as ComposerMode);
              setError(null);
            }}
            data={[
              { value: "reply", label: "Reply" },
              { value: "note", label: "Internal note" },
            ]}
          />
          {!isNote && !blocked && (
            <CannedPicker
              caseId={caseId}
              channel={channel}
              onError={setError}
              onInsert={(body) => {
                setDrafts((current) => ({
                  ...current,
                  reply: current.reply.trim() ? `${current.reply.trimEnd()}\n${body}` : body,
                }));
                typing.typed();
                requestAnimationFrame(() => textarea.current?.focus());
              }}
            />
          )}
        </Group>
        <Text fz="xs" c="dimmed">
          {enterSends ? "Enter to send · Shift+Enter for a new line" : "Ctrl+Enter to send"}
        </Text>
      </Group>
      {!isNote && channel === "email" && (
        <Group gap="xs" mb={8} align="flex-end" wrap="nowrap">
          <Text fz="xs" c="dimmed" style={{ flexShrink: 0 }} data-testid="email-subject">
            Subject: <b>{replySubject(detail)}</b>
          </Text>
          <TagsInput
            size="xs"
            aria-label="CC"
            placeholder="CC (Enter after each address)"
            value={cc}
            onChange={setCc}
            error={badCc.length ? "Check the CC addresses" : undefined}
            style={{ flex: 1 }}
            maxTags={20}
            splitChars={[",", " ", ";"]}
          />
        </Group>
      )}
      {blocked && (
        <Alert color="red" variant="light" py={6} mb={8} role="alert" data-testid="opt-out-warning">
          <Text fz="sm">
            {customerName} opted out of SMS on {optedOut?.address}
            {optedOut?.optOutMethod ? ` (${optedOut.optOutMethod})` : ""}. Nothing can be sent until they text
            START.
          </Text>
        </Alert>
      )}
      {mentionable.length > 0 && (
        <Group gap={6} mb={6} aria-label="Mention a colleague" role="group" data-testid="mention-suggestions">
          <Text fz="xs" c="dimmed">
            Mention:
          </Text>
          {mentionable.map((agent) => (
            <Button
              key={agent.id}
              size="compact-xs"
              variant="light"
              color="yellow.8"
              onClick={() => mention(agent.name)}
            >
              @{agent.name}
            </Button>
          ))}
        </Group>
      )}
      <Textarea
        ref={textarea}
        aria-label={isNote ? "Internal note" : `Reply to ${customerName}`}
        placeholder={isNote ? "Add a note only agents can see…" : `Write a reply to ${customerName}…`}
        autosize
        minRows={2}
        maxRows={6}
        value={draft}
        error={error}
        disabled={blocked}
        onChange={(event) => {
          const value = event.currentTarget.value;
          setDrafts((current) => ({ ...current, [mode]: value }));
          if (value) typing.typed();
          else typing.stopped();
        }}
        onKeyDown={onKeyDown}
        onBlur={typing.stopped}
        styles={isNote ? { input: { background: "var(--mantine-color-yellow-0)" } } : undefined}
      />
      <Group justify="space-between" mt={8}>
        <div>
          {!isNote && channel === "sms" && <SmsSegmentCounter body={draft} />}
          {!isNote && channel === "email" && (
            <Checkbox
              size="xs"
              label="Include the customer's last message, quoted"
              checked={withQuote}
              onChange={(event) => setWithQuote(event.currentTarget.checked)}
            />
          )}
        </div>
        <Button
          size="sm"
          color={isNote ? "yellow.7" : undefined}
          onClick={send}
          loading={post.isPending}
          disabled={!draft.trim() || blocked}
        >
          {isNote ? "Add note" : "Send reply"}
        </Button>
      </Group>
    </Paper>
  );
}

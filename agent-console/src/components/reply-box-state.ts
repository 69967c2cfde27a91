/**
 * The reply box's state: the mode with a draft per mode, mentions in a note, an email reply's CC and
 * quote, and sending.
 */
import { type RefObject, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client.ts";
import { type Colleague, useAgentDirectory, usePostInteraction } from "../api/queries.ts";
import type { CaseDetail } from "../api/types.ts";
import { formatDateTime } from "../lib/format.ts";
import { type ComposerMode, useComposer } from "../state/composer-store.ts";
import { useSession } from "../state/session-store.ts";
import type { useTypingSignal } from "../state/use-typing-signal.ts";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The customer's latest message, quoted the way mail clients do. */
function quotedHistory(detail: CaseDetail, customerName: string): string {
  const last = [...detail.interactions]
    .reverse()
    .find((item) => item.kind === "message" && item.direction === "inbound");
  if (!last) return "";
  const when = formatDateTime(last.createdAt);
  const quoted = last.body
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return `\n\nOn ${when}, ${customerName} wrote:\n${quoted}`;
}

export type Typing = ReturnType<typeof useTypingSignal>;

/**
 * The mode, a draft per mode, the error under the box, and the focus a shortcut or button asks for.
 * Every case's composer starts in Reply: a request is taken once, so a note asked for on one case
 * never opens the next case in note mode.
 */
export function useComposerDrafts(textarea: RefObject<HTMLTextAreaElement | null>) {
  const [mode, setMode] = useState<ComposerMode>("reply");
  const [drafts, setDrafts] = useState<Record<ComposerMode, string>>({ reply: "", note: "" });
  const [error, setError] = useState<string | null>(null);
  const request = useComposer((s) => s.request);
  const taken = useComposer((s) => s.taken);

  // A shortcut or button asked for the composer: switch mode and take the focus.
  useEffect(() => {
    if (!request) return;
    setMode(request.mode);
    setError(null);
    taken();
    requestAnimationFrame(() => textarea.current?.focus());
  }, [request, taken, textarea]);

  return {
    mode,
    draft: drafts[mode],
    error,
    setError,
    changeMode(next: ComposerMode) {
      setMode(next);
      setError(null);
    },
    updateDraft(target: ComposerMode, change: (current: string) => string) {
      setDrafts((current) => ({ ...current, [target]: change(current[target]) }));
    },
  };
}

export type ComposerDrafts = ReturnType<typeof useComposerDrafts>;

/** "@An" at the end of a note offers the colleagues whose name matches, to mention them. */
export function useMentionable(mode: ComposerMode, draft: string): Colleague[] {
  const mentioning = mode === "note" ? /(?:^|\s)@([^\s@]*)$/.exec(draft) : null;
  const directory = useAgentDirectory(mode === "note").data ?? [];
  return mentioning
    ? directory
        .filter((agent) => agent.name.toLowerCase().includes((mentioning[1] ?? "").toLowerCase()))
        .slice(0, 5)
    : [];
}

/** An email reply's CC addresses and whether it quotes the customer's last message. */
export function useEmailOptions() {
  const [cc, setCc] = useState<string[]>([]);
  const [withQuote, setWithQuote] = useState(true);
  const badCc = cc.filter((address) => !EMAIL.test(address));
  return { cc, setCc, badCc, withQuote, setWithQuote };
}

export type EmailOptions = ReturnType<typeof useEmailOptions>;

interface SendInputs {
  detail: CaseDetail;
  customerName: string;
  composer: ComposerDrafts;
  email: EmailOptions;
  typing: Typing;
  blocked: boolean;
}

/** The replies a colleague sent since the reply draft was started: worth a look before sending. */
function useRepliesMeanwhile(detail: CaseDetail, draft: string, mode: ComposerMode) {
  const me = useSession((s) => s.agent?.id);
  const seen = useRef<Set<string> | null>(null);
  const outbound = detail.interactions.filter(
    (item) =>
      item.kind === "message" && item.direction === "outbound" && item.author && item.author.id !== me,
  );
  // The replies there were when the draft began; a cleared draft starts over.
  if (mode === "reply" && !draft.trim()) seen.current = null;
  else if (mode === "reply" && seen.current === null) seen.current = new Set(outbound.map((item) => item.id));
  return () => (seen.current ? outbound.filter((item) => !seen.current!.has(item.id)) : []);
}

/** Posts the draft as a reply or a note; on success clears that draft (and a reply's CC). */
export function useSend({ detail, customerName, composer, email, typing, blocked }: SendInputs) {
  const reply = usePostInteraction(detail.id, "reply");
  const note = usePostInteraction(detail.id, "note");
  const { mode, draft, setError, updateDraft } = composer;
  const post = mode === "reply" ? reply : note;
  const isEmailReply = mode === "reply" && detail.channel === "email";
  const repliesMeanwhile = useRepliesMeanwhile(detail, draft, mode);
  const [meanwhile, setMeanwhile] = useState<string | null>(null);

  function send(confirmed = false, sendAt?: Date) {
    let body = draft.trim();
    if (!body || post.isPending || blocked) return;
    const others = mode === "reply" ? repliesMeanwhile() : [];
    if (others.length && !confirmed) {
      const names = [...new Set(others.map((item) => item.author!.name))].join(" and ");
      setMeanwhile(`${names} replied to the customer while you were writing. Read it before you send yours?`);
      return;
    }
    setMeanwhile(null);
    if (isEmailReply && email.badCc.length) {
      setError(`Not an email address: ${email.badCc.join(", ")}`);
      return;
    }
    if (isEmailReply && email.withQuote) body += quotedHistory(detail, customerName);
    setError(null);
    typing.stopped();
    const sentMode = mode;
    post.mutate(
      { body, ...(isEmailReply && email.cc.length ? { cc: email.cc } : {}), ...(sendAt ? { sendAt } : {}) },
      {
        onSuccess: () => {
          updateDraft(sentMode, () => "");
          if (sentMode === "reply") email.setCc([]);
        },
        onError: (failure) => setError(errorMessage(failure)),
      },
    );
  }

  return {
    send: () => send(false),
    /** Schedules the reply for `at` instead of sending it now. */
    sendLater: (at: Date) => send(false, at),
    /** Sends although a colleague replied meanwhile. */
    sendAnyway: () => send(true),
    /** Why sending waits for a confirmation, if it does. */
    meanwhile,
    dismissMeanwhile: () => setMeanwhile(null),
    pending: post.isPending,
  };
}

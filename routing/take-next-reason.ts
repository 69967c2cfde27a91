/**
 * Why "take next" found nothing for an agent, in words they can act on: nothing waits, what waits
 * is not theirs to take (queues whose skills they lack, or held for the customer's own agent), or
 * they have no room on the channels of the cases they could take.
 */
import { type CapacityChannel, capacityChannelOf } from "../db/schema/cases.ts";
import { hasRoom, isEligible, type MatcherAgent, type MatcherCase, type MatcherQueue } from "./matcher.ts";

export type NothingToTakeCode = "nothing_waiting" | "not_yours" | "at_capacity";

export interface NothingToTake {
  code: NothingToTakeCode;
  message: string;
}

const CHANNEL_WORD: Record<CapacityChannel, string> = {
  chat: "chats",
  email: "emails",
  sms: "SMS and WhatsApp messages",
  voice: "calls",
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function whyNothingToTake(input: {
  me: MatcherAgent;
  waiting: readonly MatcherCase[];
  queues: ReadonlyMap<string, MatcherQueue>;
  roster: readonly MatcherAgent[];
  queueNames: ReadonlyMap<string, string>;
  now: number;
}): NothingToTake {
  const { me, waiting, queues, roster, now } = input;
  if (waiting.length === 0) return { code: "nothing_waiting", message: "No case is waiting in any queue." };
  // Who missed a case may still take it: exclusions only order the offers.
  const mine = waiting.filter((c) => isEligible(me, { ...c, excludedAgentIds: [] }, queues, roster, now));
  if (mine.length === 0) {
    const names = [...new Set(waiting.map((c) => input.queueNames.get(c.queueId) ?? "a queue"))].sort();
    return {
      code: "not_yours",
      message: `${plural(waiting.length, "case waits", "cases wait")} (in ${names.join(", ")}), none of them for you: they need skills you do not have, or wait for the customer's own agent. A supervisor can assign one to you.`,
    };
  }
  if (me.load.voice > 0)
    return { code: "at_capacity", message: "You are on a call. Take the next case after it." };
  const full = [...new Set(mine.map((c) => capacityChannelOf(c.channel)))].filter(
    (channel) => !hasRoom(me, channel),
  );
  const detail = full.map((ch) => `${CHANNEL_WORD[ch]} ${me.load[ch]} of ${me.capacity[ch]}`).join(", ");
  return {
    code: "at_capacity",
    message: `You are at capacity for the cases you could take (${detail}). Resolve or hand over one first.`,
  };
}

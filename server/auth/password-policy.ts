/**
 * What a password must be (ASVS 2.1): at least 12 characters, and not guessable — scored by zxcvbn
 * against common passwords, English words, names, keyboard patterns and the person's own email and
 * name, needing 3 of 4 ("safely unguessable"). The dictionaries are loaded on the first check, so
 * start-up does not pay for them.
 */
import { AppError } from "../../cases/errors.ts";

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MIN_SCORE = 3;

type Checker = { check(password: string, userInputs?: string[]): Promise<PasswordScore> | PasswordScore };
interface PasswordScore {
  score: number;
  feedback: { warning: string | null; suggestions: string[] };
}

let checker: Promise<Checker> | undefined;

function loadChecker(): Promise<Checker> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    }) as Checker;
  })();
  return checker;
}

/** Why the password is refused, in words a person can act on; null when it is good enough. */
export async function passwordProblem(password: string, personal: string[] = []): Promise<string | null> {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  const inputs = personal.flatMap((value) => [value, ...value.split(/[@.\s_-]+/)]).filter(Boolean);
  const result = await (await loadChecker()).check(password, inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return `The password is too easy to guess${advice ? `: ${advice}` : "."} Use a longer phrase of unrelated words.`;
}

/** Throws a 400 naming the problem when the password does not meet the policy. */
export async function assertPasswordPolicy(password: string, personal: string[] = []): Promise<void> {
  const problem = await passwordProblem(password, personal);
  if (problem) throw new AppError("VALIDATION", problem, { field: "password" });
}

/**
 * A cheap check that refuses the regular expressions whose matching time can explode (catastrophic
 * backtracking): a quantified group that itself holds a quantifier (`(a+)+`, `(\w*)*`, `(x{2,})+`)
 * and back-references. Together with the pattern length cap and matching only the first
 * `MAX_MATCHED_TEXT` characters of a message, a rule cannot stall the worker that runs it. Pure.
 */

/** Characters of a message a `matches` condition looks at. */
export const MAX_MATCHED_TEXT = 10_000;

const QUANTIFIER_AFTER_GROUP = /^\s*(?:[*+]|\{\d+,?\d*\})/;

/** Why the pattern is refused, or null when it is safe enough to run. */
export function unsafeRegexReason(pattern: string): string | null {
  if (/\\[1-9]|\\k</.test(pattern)) return "cannot use back-references";
  // Walk the pattern, keeping for each open group whether a quantifier appeared inside it.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "(") stack.push(false);
    else if (ch === ")") {
      const quantifiedInside = stack.pop() ?? false;
      const quantifiedAfter = QUANTIFIER_AFTER_GROUP.test(pattern.slice(i + 1));
      if (quantifiedInside && quantifiedAfter)
        return "cannot repeat a group that itself repeats (e.g. (a+)+): it can take forever to match";
      if ((quantifiedInside || quantifiedAfter) && stack.length) stack[stack.length - 1] = true;
    } else if ((ch === "*" || ch === "+" || ch === "{") && stack.length) stack[stack.length - 1] = true;
  }
  return null;
}

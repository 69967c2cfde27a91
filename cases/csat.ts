/** Customer satisfaction as the team sees it: the case's rating, and the inbox's CSAT filter. */
import { type SQL, sql } from "drizzle-orm";
import { cases } from "../db/schema/cases.ts";
import { AppError } from "./errors.ts";

export interface Csat {
  rating: number;
  comment: string | null;
  at: Date;
}

/** The rating a customer gave, or null while they have not rated the case. */
export function csatOf(row: {
  csatRating: number | null;
  csatComment: string | null;
  csatAt: Date | null;
}): Csat | null {
  if (row.csatRating === null || row.csatAt === null) return null;
  return { rating: row.csatRating, comment: row.csatComment, at: row.csatAt };
}

/** The inbox's `csat` filter values: a rating, any rating, no rating, or a low one (1–2). */
export const CSAT_FILTERS = ["1", "2", "3", "4", "5", "rated", "unrated", "low"] as const;
export type CsatFilter = (typeof CSAT_FILTERS)[number];

/** The ratings at or below this are `low`: the ones a supervisor reads first. */
export const LOW_CSAT = 2;

/** One condition on `cases` that keeps the cases matching every value given (any of them). */
export function csatCondition(values: readonly string[]): SQL {
  const ratings = new Set<number>();
  let rated = false;
  let unrated = false;
  for (const value of values) {
    if (!(CSAT_FILTERS as readonly string[]).includes(value))
      throw new AppError(
        "VALIDATION",
        `'${value}' is not a value the csat filter knows (1–5, rated, unrated, low).`,
        {
          field: "csat",
        },
      );
    if (value === "rated") rated = true;
    else if (value === "unrated") unrated = true;
    else if (value === "low") for (let n = 1; n <= LOW_CSAT; n++) ratings.add(n);
    else ratings.add(Number(value));
  }
  const either: SQL[] = [];
  if (rated) either.push(sql`${cases.csatRating} is not null`);
  // Ratings are whole numbers from a closed set: written as literals, so each filter is one statement shape.
  else if (ratings.size)
    either.push(sql`${cases.csatRating} in (${sql.raw([...ratings].sort().join(", "))})`);
  if (unrated) either.push(sql`${cases.csatRating} is null`);
  return either.length === 1 ? either[0]! : sql`(${sql.join(either, sql` or `)})`;
}

/** A CSAT figure on the wall: "★ 4.3" with the number of ratings, or a dash while nobody rated. */
import { Text } from "@mantine/core";

export interface CsatFigure {
  average: number | null;
  count: number;
}

/** Red at 2.5 and below, amber below 4, teal from 4. */
export function csatFigureColor(average: number | null): string | undefined {
  if (average === null) return undefined;
  return average <= 2.5 ? "red.7" : average < 4 ? "yellow.8" : "teal.7";
}

export function formatCsat(figure: CsatFigure | undefined): string {
  if (!figure || figure.average === null) return "–";
  return `★ ${figure.average.toFixed(1)}`;
}

export const ratingsLabel = (count: number) => `${count} ${count === 1 ? "rating" : "ratings"}`;

export function CsatFigureText({ figure, testId }: { figure: CsatFigure | undefined; testId?: string }) {
  const rated = figure && figure.average !== null;
  return (
    <Text
      span
      inherit
      c={csatFigureColor(figure?.average ?? null)}
      data-testid={testId}
      title={rated ? `Mean of ${ratingsLabel(figure.count)}` : "No ratings"}
      style={{ whiteSpace: "nowrap" }}
    >
      {formatCsat(figure)}
      {rated ? (
        <Text span c="dimmed" fz="xs">
          {" "}
          ({figure.count})
        </Text>
      ) : null}
    </Text>
  );
}

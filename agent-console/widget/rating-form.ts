/**
 * The inline rating the widget shows under the message that resolved the chat: five stars, an
 * optional comment, sent over the chat socket. Rating again replaces the earlier rating.
 */
import { el } from "./dom.ts";

export type SendRating = (rating: number, comment: string) => Promise<string | null>;

const LABELS = ["Very poor", "Poor", "OK", "Good", "Excellent"];

export function buildRatingForm(sendRating: SendRating): HTMLFormElement {
  let chosen = 0;
  const stars = LABELS.map((label, index) =>
    el(
      "button",
      {
        type: "button",
        class: "star",
        "aria-pressed": "false",
        "aria-label": `${index + 1} of 5: ${label}`,
        "data-testid": "sb-chat-star",
      },
      ["★"],
    ),
  );
  const comment = el("textarea", {
    class: "rating-comment",
    maxlength: "2000",
    rows: "2",
    placeholder: "Anything to add? (optional)",
    "aria-label": "Comment (optional)",
  });
  const submit = el("button", { type: "submit", class: "rating-send", disabled: "" }, ["Send rating"]);
  const note = el("p", { class: "rating-note", role: "status", "data-testid": "sb-chat-rating-note" });
  const form = el(
    "form",
    { class: "rating", "data-testid": "sb-chat-rating", "aria-label": "Rate this chat" },
    [
      el("p", { class: "rating-title" }, ["How did we do?"]),
      el("div", { class: "stars", role: "group", "aria-label": "Your rating" }, stars),
      comment,
      submit,
      note,
    ],
  );
  const choose = (rating: number) => {
    chosen = rating;
    stars.forEach((star, index) => {
      star.setAttribute("aria-pressed", String(index < rating));
      star.classList.toggle("on", index < rating);
    });
    submit.disabled = false;
  };
  for (const [index, star] of stars.entries()) star.addEventListener("click", () => choose(index + 1));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen) return;
    submit.disabled = true;
    const error = await sendRating(chosen, comment.value.trim());
    if (error) {
      note.textContent = `Not sent: ${error}`;
      submit.disabled = false;
      return;
    }
    note.textContent = `Thank you! You rated us ${chosen} of 5.`;
    submit.textContent = "Change rating";
    submit.disabled = false;
  });
  return form;
}

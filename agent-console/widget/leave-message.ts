/**
 * "Leave a message": what the widget offers instead of a chat outside business hours or while
 * nobody is available. Name, email and the message are required; the server turns it into an email
 * case, so the answer comes by email. A client id kept until the message is stored makes a retry
 * (a lost answer, a double click) the same message.
 */
import { newClientId } from "./chat-connection.ts";
import { el } from "./dom.ts";

export interface LeftMessageInput {
  name: string;
  email: string;
  body: string;
  clientId: string;
}

/** Resolves with the case number once stored, or with the reason it was not. */
export type SendLeftMessage = (
  input: LeftMessageInput,
) => Promise<{ caseNumber: number } | { error: string }>;

export function buildLeaveForm() {
  const nameInput = el("input", {
    id: "sb-leave-name",
    name: "name",
    autocomplete: "name",
    maxlength: "200",
    required: "",
  });
  const emailInput = el("input", {
    id: "sb-leave-email",
    name: "email",
    type: "email",
    autocomplete: "email",
    maxlength: "320",
    required: "",
  });
  const bodyInput = el("textarea", {
    id: "sb-leave-body",
    name: "body",
    rows: "4",
    maxlength: "5000",
    required: "",
  });
  const submit = el("button", { type: "submit", class: "start" }, ["Send message"]);
  const note = el("p", { class: "leave-note", role: "alert" });
  const form = el(
    "form",
    { class: "prechat leave", "aria-label": "Leave a message", "data-testid": "sb-leave-form", hidden: "" },
    [
      el("p", {}, ["Leave a message and we will answer by email."]),
      el("label", { class: "field", for: "sb-leave-name" }, ["Your name", nameInput]),
      el("label", { class: "field", for: "sb-leave-email" }, ["Your email", emailInput]),
      el("label", { class: "field", for: "sb-leave-body" }, ["Message", bodyInput]),
      note,
      el("div", { class: "actions" }, [submit]),
    ],
  );
  const done = el("p", { class: "leave-done", role: "status", "data-testid": "sb-leave-done", hidden: "" });
  return { form, done, nameInput, emailInput, bodyInput, submit, note };
}

export type LeaveForm = ReturnType<typeof buildLeaveForm>;

export function wireLeaveForm(leave: LeaveForm, send: SendLeftMessage): void {
  let clientId = newClientId();
  leave.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = {
      name: leave.nameInput.value.trim(),
      email: leave.emailInput.value.trim(),
      body: leave.bodyInput.value.trim(),
      clientId,
    };
    leave.submit.disabled = true;
    leave.note.textContent = "";
    const result = await send(input);
    leave.submit.disabled = false;
    if ("error" in result) {
      leave.note.textContent = result.error;
      return;
    }
    clientId = newClientId();
    leave.form.hidden = true;
    leave.done.hidden = false;
    leave.done.textContent = `Thank you, ${input.name}. We have your message (request #${result.caseNumber}) and will answer by email at ${input.email}.`;
  });
}

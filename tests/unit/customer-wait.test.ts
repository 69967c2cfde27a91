import { describe, expect, it } from "vitest";
import { customerWaitingSince } from "../../cases/customer-wait.ts";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute));

describe("how long a customer has waited", () => {
  it("counts from the first message until someone answers, across overflow and transfers", () => {
    expect(customerWaitingSince({ createdAt: at(0), enqueuedAt: at(12), firstResponseAt: null })).toEqual(
      at(0),
    );
  });
  it("starts again when an answered case joins a queue again", () => {
    expect(customerWaitingSince({ createdAt: at(0), enqueuedAt: at(30), firstResponseAt: at(5) })).toEqual(
      at(30),
    );
  });
  it("falls back to the case's opening when it never joined a queue", () => {
    expect(customerWaitingSince({ createdAt: at(0), enqueuedAt: null, firstResponseAt: at(5) })).toEqual(
      at(0),
    );
  });
});

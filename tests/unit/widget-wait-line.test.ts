/** The widget's one wait line: a general promise and an estimate are never shown together. */
import { describe, expect, it } from "vitest";
import { USUAL_REPLY, type WaitState, waitText } from "../../agent-console/widget/wait-line.ts";

const base: WaitState = { availability: "open", live: false, place: null, agentName: null };

describe("the widget's wait line", () => {
  it("replaces the usual-reply promise with the estimate once there is one", () => {
    expect(waitText(base)).toBe(USUAL_REPLY);
    const queued = waitText({ ...base, live: true, place: { position: 3, estimatedWaitSeconds: 1800 } });
    expect(queued).toBe("You are number 3 in line, about 30 min");
    expect(queued).not.toContain("few minutes");
    expect(waitText({ ...base, live: true, place: { position: 1, estimatedWaitSeconds: null } })).toBe(
      "You are next in line",
    );
  });

  it("says who answered, and offers a message when nobody can chat", () => {
    expect(waitText({ ...base, live: true, agentName: "Ana" })).toBe("You are chatting with Ana");
    expect(waitText({ ...base, availability: "closed" })).toContain("leave a message");
    expect(waitText({ ...base, availability: "no_agents" })).toContain("leave a message");
    // A chat under way is answered whatever the hours say.
    expect(waitText({ ...base, live: true, availability: "closed" })).toBe(USUAL_REPLY);
  });
});

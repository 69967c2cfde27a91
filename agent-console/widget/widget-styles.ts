/** The widget's whole stylesheet. It lives in the shadow root, so the host page's CSS cannot reach it. */
export const WIDGET_CSS = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
.root {
  --sb-accent: #4c6ef5; --sb-accent-dark: #3b5bdb; --sb-on-accent: #fff; --sb-text: #1f2933; --sb-muted: #6b7280;
  --sb-border: #e5e7eb; --sb-soft: #f3f4f6;
  font: 14px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--sb-text);
}
button, input, textarea { font: inherit; color: inherit; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bubble {
  position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%;
  border: 0; background: var(--sb-accent); color: var(--sb-on-accent); cursor: pointer; display: grid; place-items: center;
  box-shadow: 0 6px 20px rgba(30, 41, 90, .28); transition: transform .15s ease, background .15s ease;
}
.bubble:hover { background: var(--sb-accent-dark); transform: translateY(-1px); }
.bubble:focus-visible, .send:focus-visible, .close:focus-visible, .start:focus-visible, .skip:focus-visible {
  outline: 3px solid #91a7ff; outline-offset: 2px;
}
.bubble svg { width: 26px; height: 26px; }
.bubble[aria-expanded="true"] .when-closed, .bubble[aria-expanded="false"] .when-open { display: none; }
.unread {
  position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 6px; border-radius: 10px;
  background: #e03131; color: #fff; font-size: 12px; font-weight: 700; line-height: 20px; text-align: center;
  border: 2px solid #fff;
}
.panel {
  position: fixed; right: 20px; bottom: 88px; width: 360px; height: min(560px, calc(100vh - 112px));
  display: flex; flex-direction: column; background: #fff; border-radius: 16px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(15, 23, 42, .22), 0 0 0 1px rgba(15, 23, 42, .06);
}
.panel[hidden] { display: none; }
.header {
  display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 14px 16px;
  background: var(--sb-accent); color: var(--sb-on-accent);
}
.title { font-weight: 650; font-size: 15px; margin: 0; }
.subtitle { font-size: 12px; opacity: .9; margin: 2px 0 0; }
.subtitle:empty { display: none; }
.close {
  border: 0; background: transparent; color: var(--sb-on-accent); width: 32px; height: 32px; border-radius: 8px; cursor: pointer;
  font-size: 22px; line-height: 1;
}
.close:hover { background: rgba(255, 255, 255, .16); }
.body { flex: 1; overflow-y: auto; padding: 16px; background: #fafbfc; }
.prechat {
  background: #fff; border: 1px solid var(--sb-border); border-radius: 12px; padding: 14px; margin-bottom: 12px;
  display: grid; gap: 10px;
}
.prechat[hidden] { display: none; }
.prechat p { margin: 0; color: var(--sb-muted); font-size: 13px; }
.field { display: grid; gap: 4px; font-size: 12px; font-weight: 600; color: #374151; }
.field input {
  font-weight: 400; font-size: 14px; padding: 8px 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff;
}
.field input:focus, .leave textarea:focus, .composer textarea:focus { outline: 2px solid #91a7ff; outline-offset: 0; border-color: var(--sb-accent); }
.actions { display: flex; gap: 8px; justify-content: flex-end; }
.start, .skip { border-radius: 8px; padding: 7px 14px; cursor: pointer; font-weight: 600; font-size: 13px; }
.start { border: 0; background: var(--sb-accent); color: var(--sb-on-accent); }
.start:disabled { opacity: .6; cursor: default; }
[hidden] { display: none !important; }
.leave textarea {
  font-weight: 400; font-size: 14px; padding: 8px 10px; border: 1px solid #d1d5db; border-radius: 8px; resize: vertical;
}
.leave-note { color: #c92a2a !important; }
.leave-note:empty { display: none; }
.leave-done { background: #ebfbee; color: #2b8a3e; border-radius: 12px; padding: 12px 14px; margin: 0 0 12px; }
.root.left .bubble, .root.left .panel { right: auto; left: 20px; }
.skip { border: 1px solid var(--sb-border); background: #fff; }
.messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.message { display: flex; flex-direction: column; align-items: flex-start; max-width: 100%; }
.message[data-from="visitor"] { align-items: flex-end; }
.who { font-size: 11px; color: var(--sb-muted); margin: 6px 4px 2px; }
.text {
  max-width: 82%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #fff; border: 1px solid var(--sb-border); border-bottom-left-radius: 4px;
}
.message[data-from="visitor"] .text {
  background: var(--sb-accent); border-color: var(--sb-accent); color: var(--sb-on-accent);
  border-bottom-left-radius: 14px; border-bottom-right-radius: 4px;
}
.message[data-status="pending"] .text { opacity: .65; }
.message[data-status="failed"] .text { background: #fff5f5; border-color: #ffa8a8; color: #c92a2a; }
.note { font-size: 11px; color: var(--sb-muted); margin: 2px 4px 0; }
.message[data-status="failed"] .note { color: #c92a2a; }
.empty { text-align: center; color: var(--sb-muted); font-size: 13px; margin: 24px 8px; }
.typing { min-height: 18px; font-size: 12px; color: var(--sb-muted); font-style: italic; padding: 4px 16px 0; background: #fafbfc; }
.status { font-size: 12px; text-align: center; padding: 4px; background: #fff4e6; color: #a14f00; }
.status:empty { display: none; }
.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--sb-border); background: #fff; }
.composer textarea {
  flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 10px; padding: 9px 12px; max-height: 120px;
  min-height: 40px; background: #fff;
}
.send {
  flex: none; width: 40px; height: 40px; border-radius: 10px; border: 0; background: var(--sb-accent); color: var(--sb-on-accent);
  cursor: pointer; display: grid; place-items: center;
}
.send:disabled { opacity: .45; cursor: default; }
.send svg { width: 18px; height: 18px; }
.case-link { color: inherit; font-size: 12px; text-decoration: underline; opacity: .9; }
.rating { margin: 8px 4px 4px; padding: 10px 12px; border: 1px solid var(--sb-border); border-radius: 12px; background: #fff; }
.rating-title { margin: 0 0 4px; font-weight: 600; font-size: 13px; }
.stars { display: flex; gap: 2px; }
.star { border: 0; background: none; font-size: 26px; line-height: 1; color: #d1d5db; cursor: pointer; padding: 2px; }
.star.on { color: #f59f00; }
.star:focus-visible, .rating-send:focus-visible { outline: 2px solid var(--sb-accent); outline-offset: 2px; }
.rating-comment { width: 100%; box-sizing: border-box; margin: 6px 0; resize: none; border: 1px solid #d1d5db; border-radius: 8px; padding: 6px 8px; font: inherit; font-size: 13px; }
.rating-send { border: 0; border-radius: 8px; padding: 6px 12px; background: var(--sb-accent); color: var(--sb-on-accent); cursor: pointer; font: inherit; font-size: 13px; }
.rating-send:disabled { opacity: .45; cursor: default; }
.rating-note { margin: 6px 0 0; font-size: 12px; color: var(--sb-muted); }
.rating-note:empty { display: none; }
.brand { text-align: center; font-size: 11px; color: #9ca3af; padding: 0 0 8px; background: #fff; }
@media (max-width: 480px) {
  .panel, .root.left .panel { right: 0; left: 0; bottom: 0; width: 100vw; height: 100vh; border-radius: 0; }
}
@media (prefers-reduced-motion: reduce) { .bubble { transition: none; } }
`;

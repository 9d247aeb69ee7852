import type { AppState } from '../store/types.js';

/**
 * After each action: the outcome is announced and focus moves to the result (issue 13).
 *
 * Generic, so no step needs code of its own: an "action" is one or more store operations (ops)
 * started from a button (a click, Enter, or a keyboard shortcut). When the last of them has ended
 * and React has drawn the answer, the result is looked up in the DOM of the region the button is
 * in: an alert when the call failed, otherwise the first `[data-result]`, `.results` or
 * `.findings` after the button. Focus goes to its first finding (or its heading, or the result
 * itself); what is shown there is announced in the polite live region. Focus only moves when it
 * is where the action left it (on the button or, once the button was disabled, on `<body>`):
 * someone typing in a field keeps the caret.
 */

/** Calls the store makes by itself (start-up, list refreshes): never announced. */
const BACKGROUND = new Set(['boot', 'listExchanges']);
/** Calls whose answer is shown in place (a revealed secret, a switch): announce, keep focus. */
const IN_PLACE = /^(reveal|setAutoRefresh)/;

/** What finds and reads results; results are searched in this order after the button. */
const RESULT = '[data-result], .results, .findings';

interface AppStore {
  getState(): AppState;
  subscribe(listener: (state: AppState, prev: AppState) => void): () => void;
}

interface Session {
  trigger: HTMLElement;
  /** Where focus was when the action started (the button, or where a shortcut was pressed). */
  origin: Element | null;
  label: string;
  /** Where the result is searched (kept from the start: the button may be gone by the end). */
  scope: Element;
  step: AppState['step'];
  keys: Set<string>;
  /** Started by a shortcut from a text field: announce only, never take the caret away. */
  keepFocus: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

let shortcutTrigger: { el: HTMLElement; keepFocus: boolean } | null = null;

/**
 * Marks `el` as the starter of the action a keyboard shortcut is about to run (focus is then
 * elsewhere, e.g. in a text field, which keeps focus when `keepFocus`).
 */
export function markShortcutTrigger(el: HTMLElement, keepFocus: boolean): void {
  shortcutTrigger = { el, keepFocus };
  setTimeout(() => {
    if (shortcutTrigger?.el === el) shortcutTrigger = null;
  }, 0);
}

const TEXT_INPUT =
  /^(text|search|url|email|password|tel|number|date|datetime-local|month|time|week)$/;

/** True for a control that takes typed text (keys typed there belong to it). */
export function isTextEntry(el: Element | null): boolean {
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return TEXT_INPUT.test(el.type || 'text');
  return /^(textbox|combobox|searchbox|spinbutton)$/.test(el.getAttribute('role') ?? '');
}

/** Visible text of an element without the labels of the buttons inside it, on one line. */
function textOf(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  copy.querySelectorAll('button, [aria-hidden="true"], .sr-only').forEach((b) => b.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

const clip = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function labelOf(el: HTMLElement): string {
  return clip(el.getAttribute('aria-label') ?? textOf(el), 60) || 'Action';
}

function isShown(el: Element): boolean {
  return !el.closest('[hidden], [aria-hidden="true"], [inert]');
}

/** The region an action's result is searched in: the step, a dialog, the Timeline, the page. */
function scopeOf(trigger: HTMLElement): Element {
  return trigger.closest('section.step, [role="dialog"], aside, main') ?? document.body;
}

function follows(trigger: HTMLElement, el: Element): boolean {
  if (!trigger.isConnected) return true;
  if (el.contains(trigger)) return false;
  return !!(trigger.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
}

/** The result of an action started at `trigger` (see the module comment), or null. */
export function findResult(scope: Element, trigger: HTMLElement, failed: boolean): Element | null {
  const all = (sel: string) => [...scope.querySelectorAll(sel)].filter(isShown);
  const alerts = all('[role="alert"]');
  if (failed) return alerts.find((a) => follows(trigger, a)) ?? alerts[0] ?? null;
  return all(`${RESULT}, [role="alert"]`).find((r) => follows(trigger, r)) ?? null;
}

/** Where focus goes in a result: its first finding, else its heading, else the result. */
export function focusTargetIn(result: Element): HTMLElement | null {
  const finding = result.matches('.findings')
    ? result.querySelector(':scope > li')
    : result.querySelector('.findings > li');
  const first = result.firstElementChild;
  const heading = first?.matches('h2, h3, h4, h5') ? first : null;
  const target = finding ?? heading ?? result;
  return target instanceof HTMLElement ? target : null;
}

/** What is said about a result: the alert's message, the findings, or the text shown. */
export function describeResult(result: Element | null): string {
  if (!result) return 'done.';
  if (result.matches('[role="alert"]')) {
    const message = result.querySelector('.alert-message') ?? result;
    return clip(textOf(message));
  }
  const announce = result.getAttribute('data-announce');
  if (announce) return clip(announce);
  const findings = result.matches('.findings') ? result : result.querySelector('.findings');
  const items = findings ? [...findings.querySelectorAll(':scope > li')] : [];
  if (items.length > 0) {
    const first = items[0]!;
    const title = first.querySelector('.finding-title');
    const severity = first.querySelector('.badge');
    const what = `${severity ? `${textOf(severity)}: ` : ''}${textOf(title ?? first)}`;
    const count = items.length === 1 ? '1 finding' : `${items.length} findings`;
    return clip(`${count}. First: ${what}`);
  }
  const ok = result.querySelector('.ok-text');
  if (ok) return clip(textOf(ok));
  const first = result.firstElementChild;
  if (first?.matches('h2, h3, h4, h5')) return clip(`${textOf(first)} shown.`);
  return 'done.';
}

/** Focus on an element that may not take it by itself (a heading, a list item, a div). */
export function focusElement(el: HTMLElement): void {
  if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

/**
 * Watches the store for actions and reports each outcome to `announce`; moves focus to the
 * result. Returns the function that stops watching.
 */
export function watchActions(store: AppStore, announce: (text: string) => void): () => void {
  let session: Session | null = null;

  const finish = () => {
    const s = session;
    if (!s) return;
    const state = store.getState();
    if ([...s.keys].some((k) => state.ops[k as keyof AppState['ops']]?.busy)) return;
    session = null;
    const failed = [...s.keys].some((k) => state.ops[k as keyof AppState['ops']]?.error);
    const scope = s.scope.isConnected ? s.scope : document.body;
    const result = findResult(scope, s.trigger, failed);
    const said = describeResult(result);
    announce(failed ? `${s.label} failed: ${said}` : `${s.label}: ${said}`);
    const active = document.activeElement;
    const free = !active || active === document.body || active === s.trigger || active === s.origin;
    const moved = state.step !== s.step;
    const modal = document.querySelector('[aria-modal="true"]');
    if (!free || moved || s.keepFocus || (modal && !modal.contains(s.trigger))) return;
    if (IN_PLACE.test([...s.keys][0] ?? '')) {
      if (active !== s.trigger && s.trigger.isConnected) s.trigger.focus();
      return;
    }
    const target = result ? focusTargetIn(result) : null;
    if (target) focusElement(target);
    else if (s.trigger.isConnected && !(s.trigger as HTMLButtonElement).disabled) s.trigger.focus();
  };

  const schedule = () => {
    if (!session) return;
    clearTimeout(session.timer);
    // After the calls' follow-ups (microtasks) and React's render of the answer.
    session.timer = setTimeout(finish, 0);
  };

  const start = (key: string) => {
    if (BACKGROUND.has(key)) return;
    if (session) {
      session.keys.add(key);
      clearTimeout(session.timer);
      return;
    }
    const marked = shortcutTrigger;
    shortcutTrigger = null;
    const active = document.activeElement;
    const button =
      marked?.el ??
      (active instanceof HTMLElement
        ? active.closest<HTMLElement>('button, a[href], [role="button"], summary')
        : null);
    // Started by typing, a timer or a pushed event: not an action of the person's.
    if (!button) return;
    session = {
      trigger: button,
      origin: active,
      label: labelOf(button),
      scope: scopeOf(button),
      step: store.getState().step,
      keys: new Set([key]),
      keepFocus: marked?.keepFocus ?? false,
    };
  };

  const stop = store.subscribe((state, prev) => {
    if (state.ops === prev.ops) return;
    for (const [key, op] of Object.entries(state.ops)) {
      const was = prev.ops[key as keyof AppState['ops']];
      if (op?.busy && !was?.busy) start(key);
    }
    if (session && ![...session.keys].some((k) => state.ops[k as keyof AppState['ops']]?.busy))
      schedule();
  });
  return () => {
    stop();
    if (session) clearTimeout(session.timer);
    session = null;
  };
}

/**
 * Questions to the user in one modal dialog (components/ConfirmDialog.svelte, mounted once by App): `ask()`
 * opens it and resolves with the answer. Focus goes back where it was when the question was asked — or, when
 * that element is gone (the row of a deleted campaign), to the view's heading — so a keyboard user keeps their
 * place after every dialog.
 */
export interface Question {
  readonly title: string;
  readonly message: string;
  /** Extra lines under the message (what exactly is lost, how much). */
  readonly details?: readonly string[];
  readonly confirmLabel?: string;
  readonly cancelLabel?: string;
  readonly danger?: boolean;
  /** Fields of a small form shown in the dialog (e.g. the name and seed of a duplicate); answers come back by key. */
  readonly fields?: readonly { key: string; label: string; value: string; hint?: string; check?: (v: string) => string | null }[];
}

export interface Answer {
  readonly ok: boolean;
  readonly values: Readonly<Record<string, string>>;
}

class Confirm {
  question = $state.raw<Question | null>(null);
  #resolve: ((a: Answer) => void) | null = null;
  #returnTo: HTMLElement | null = null;

  ask(q: Question): Promise<Answer> {
    this.#resolve?.({ ok: false, values: {} });
    this.#returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.question = q;
    return new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Called by the dialog with the user's answer. */
  answer(a: Answer): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    this.question = null;
    resolve?.(a);
    const back = this.#returnTo;
    this.#returnTo = null;
    setTimeout(() => restoreFocus(back), 0);
  }
}

/** The view's heading, made focusable: where focus goes when the element it was on has gone. */
function focusHeading(): void {
  const h = document.querySelector<HTMLElement>('main h1');
  if (!h) return;
  h.tabIndex = -1;
  h.focus();
}

/**
 * Focus back on `el`; and if `el` then disappears (the row of a campaign just deleted) while focus is still on
 * it, on the view's heading, so the keyboard user is not dropped at the top of the page.
 */
export function restoreFocus(el: HTMLElement | null): void {
  if (!el?.isConnected) return focusHeading();
  el.focus();
  const watch = new MutationObserver(() => {
    if (el.isConnected) return;
    watch.disconnect();
    if (document.activeElement === document.body || document.activeElement === null) focusHeading();
  });
  watch.observe(document.body, { childList: true, subtree: true });
  // Only for the follow-up of this dialog, not for the rest of the session.
  setTimeout(() => watch.disconnect(), 10_000);
}

export const confirm = new Confirm();

import { type FoundCheckout, firstCheckoutForm } from './checkout-forms.ts';

// Single-page shops and cash-on-delivery landing pages add the order form after the page
// has loaded. Watching for it costs the page something on every change, so the watch has a
// budget: it looks only at what was added (never the whole document again), at most once
// per `throttleMs`, at most `maxScans` times, for at most `watchMs`, and stops at the first
// checkout form it finds.

export interface CheckoutWatchBudget {
  throttleMs: number;
  watchMs: number;
  maxScans: number;
}

export const CHECKOUT_WATCH_BUDGET: CheckoutWatchBudget = { throttleMs: 250, watchMs: 30_000, maxScans: 60 };

/** Forms waiting for the next scan; more are dropped (a page adding thousands is not a shop's order form). */
const MAX_PENDING_FORMS = 30;
/** Added elements looked at per batch of changes; a page adding more is not adding an order form one field at a time. */
const MAX_ADDED_PER_CALLBACK = 500;

export interface CheckoutWatchTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const GLOBAL_TIMERS: CheckoutWatchTimers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Calls `onFound` once with the first checkout form of the document, present now or
 * added within the budget. Returns a stop function (for a single-page shop's next page).
 */
export function watchForCheckout(
  doc: Document,
  path: () => string,
  onFound: (found: FoundCheckout) => void,
  budget: CheckoutWatchBudget = CHECKOUT_WATCH_BUDGET,
  timers: CheckoutWatchTimers = GLOBAL_TIMERS,
): () => void {
  const now = firstCheckoutForm(doc.querySelectorAll('form'), path());
  if (now) {
    onFound(now);
    return () => {};
  }
  const View = doc.defaultView;
  if (!View?.MutationObserver) return () => {};

  const pending = new Set<Element>();
  let scans = 0;
  let flushTimer: unknown = null;
  let stopped = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    observer.disconnect();
    if (flushTimer !== null) timers.clearTimeout(flushTimer);
    timers.clearTimeout(endTimer);
    pending.clear();
  };

  const flush = () => {
    flushTimer = null;
    scans += 1;
    const found = firstCheckoutForm([...pending], path());
    pending.clear();
    if (found) {
      stop();
      onFound(found);
    } else if (scans >= budget.maxScans) {
      stop();
    }
  };

  const note = (form: Element) => {
    if (pending.size < MAX_PENDING_FORMS) pending.add(form);
  };

  const observer = new View.MutationObserver((records) => {
    let examined = 0;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1 || examined++ >= MAX_ADDED_PER_CALLBACK) continue;
        const element = node as Element;
        if (element.localName.startsWith('thiqa-')) continue;
        if (element.localName === 'form') note(element);
        else {
          // Fields added inside a form already there: that form, read again.
          const around = element.parentElement?.closest('form');
          if (around) note(around);
          else for (const form of element.getElementsByTagName('form')) note(form);
        }
      }
    }
    if (pending.size > 0 && flushTimer === null && !stopped) flushTimer = timers.setTimeout(flush, budget.throttleMs);
  });
  observer.observe(doc.documentElement, { childList: true, subtree: true });
  const endTimer = timers.setTimeout(stop, budget.watchMs);
  return stop;
}

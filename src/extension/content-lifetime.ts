// The content script's lifetime, in place of WXT's ContentScriptContext: that context read
// `browser.runtime.id` through the webextension polyfill as the script started, on every
// page (the polyfill's set-up and the first touch of the runtime bindings cost a few
// milliseconds each), and posted a window message naming the extension id that any page
// could read. Here the runtime is touched only when the script is about to talk to the
// background anyway (on shop pages and checkout forms), and nothing is said to the page.
//
// A copy of the script stops, removing what it showed, when:
// - the extension was reloaded or updated under it (its runtime id is gone; checked before
//   each request and at each in-page navigation), or
// - a newer copy of the script starts talking to the background in the same document
//   (Firefox injects the new copy into open tabs after an update; development reloads do
//   too). Copies of one extension's content scripts in a frame share one isolated world,
//   so a copy registers itself in a slot of that world's global object, which the page's
//   scripts cannot see or write: nothing is said to the page, and no page can stop Thiqa's
//   badge or checkout warning by imitating a newer copy (an earlier version announced copies
//   by a document event, which a page could forge). A copy that never talked to the
//   background has shown nothing and needs no registration.

interface RuntimeScope {
  browser?: { runtime?: { id?: string } };
  chrome?: { runtime?: { id?: string } };
  /** The copy of the script that last started talking to the background in this world. */
  thiqaContentCopy?: { startedAt: number; stop(): void };
}

/** The extension's id, or undefined once the extension has been reloaded or removed under this page. */
export function extensionId(scope: RuntimeScope = globalThis as RuntimeScope): string | undefined {
  try {
    return (scope.browser?.runtime ?? scope.chrome?.runtime)?.id ?? undefined;
  } catch {
    return undefined;
  }
}

export interface ContentLifetime {
  /** False once stopped; checks the extension is still there (touches the runtime: call it before a request). */
  isValid(): boolean;
  /** Whether stop() has run, without touching the runtime. */
  readonly stopped: boolean;
  /** Runs `cleanup` when the copy stops (at once if it already has). */
  onStop(cleanup: () => void): void;
  /** setTimeout that does not fire once the copy has stopped. */
  setTimeout(run: () => void, ms: number): void;
  /** Stops older copies in this document, once, before this copy first talks to the background. */
  announce(): void;
  stop(): void;
}

export function contentLifetime(
  scope: RuntimeScope = globalThis as RuntimeScope,
  startedAt = performance.timeOrigin + performance.now(),
): ContentLifetime {
  const cleanups: Array<() => void> = [];
  let stopped = false;
  let announced = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // One failed clean-up must not keep the others from running.
      }
    }
  };

  const lifetime: ContentLifetime = {
    get stopped() {
      return stopped;
    },
    isValid() {
      if (!stopped && extensionId(scope) === undefined) stop();
      return !stopped;
    },
    onStop(cleanup) {
      if (stopped) cleanup();
      else cleanups.push(cleanup);
    },
    setTimeout(run, ms) {
      const handle = globalThis.setTimeout(() => {
        if (lifetime.isValid()) run();
      }, ms);
      lifetime.onStop(() => globalThis.clearTimeout(handle));
    },
    announce() {
      if (announced || stopped) return;
      announced = true;
      if (extensionId(scope) === undefined) return stop();
      const self = { startedAt, stop };
      const other = scope.thiqaContentCopy;
      if (other && other.startedAt > startedAt) return stop();
      other?.stop();
      scope.thiqaContentCopy = self;
      lifetime.onStop(() => {
        if (scope.thiqaContentCopy === self) scope.thiqaContentCopy = undefined;
      });
    },
    stop,
  };
  return lifetime;
}

/**
 * Calls `onChange` after the page's address changes without a page load (a single-page
 * shop). The Navigation API says so as it happens where the browser has it (Chromium); elsewhere
 * (Firefox before the API) the address is compared once a second, a string comparison.
 */
export function watchLocation(win: Window, lifetime: ContentLifetime, onChange: () => void): void {
  let last = win.location.href;
  const check = () => {
    const now = win.location.href;
    if (now === last) return;
    last = now;
    onChange();
  };
  const navigation = (win as { navigation?: EventTarget }).navigation;
  if (typeof navigation?.addEventListener === 'function') {
    navigation.addEventListener('currententrychange', check);
    lifetime.onStop(() => navigation.removeEventListener('currententrychange', check));
  } else {
    const handle = win.setInterval(check, 1000);
    lifetime.onStop(() => win.clearInterval(handle));
  }
}

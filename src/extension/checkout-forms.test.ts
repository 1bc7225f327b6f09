import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { type CheckoutKind, checkoutKind, firstCheckoutForm, readFormFacts } from './checkout-forms.ts';
import { watchForCheckout } from './checkout-watch.ts';

// Forms as shops write them, read by the same code the content script runs (linkedom
// stands in for the page's DOM), and the kind of checkout each is, or null.

function formIn(html: string): Element {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const form = document.querySelector('form');
  if (!form) throw new Error('no form in the case');
  return form;
}

const kindOf = (html: string, path = '/') => checkoutKind(readFormFacts(formIn(html)), path);

describe('checkout forms', () => {
  it.each<[string, string, string, CheckoutKind | null]>([
    [
      'card fields by autocomplete',
      '<form><input autocomplete="cc-number"><input autocomplete="cc-exp"><input autocomplete="cc-csc"><button>Payer</button></form>',
      '/',
      'card-payment',
    ],
    [
      'French card fields by placeholder',
      '<form><input placeholder="Numéro de carte"><input placeholder="MM / AA"><input name="cvv"></form>',
      '/',
      'card-payment',
    ],
    ['expiry and CVV alone', '<form><input name="expiry"><input placeholder="CVC"></form>', '/', 'card-payment'],
    [
      'Arabic card number label',
      '<form><label for="n">رقم البطاقة</label><input id="n"><button>ادفع</button></form>',
      '/',
      'card-payment',
    ],
    [
      'French COD landing page form',
      '<form><h3>Paiement à la livraison</h3><input name="nom" placeholder="Nom complet"><input type="tel" name="telephone"><input name="ville" placeholder="Ville"><input name="adresse"><button>Commander maintenant</button></form>',
      '/',
      'cash-on-delivery',
    ],
    [
      'Arabic COD form with labels',
      '<form><label>الاسم الكامل <input name="f1"></label><label>رقم الهاتف <input name="f2"></label><label>المدينة <input name="f3"></label><label>العنوان <textarea name="f4"></textarea></label><button>اطلب الآن</button></form>',
      '/',
      'cash-on-delivery',
    ],
    [
      'COD named only in the text, neutral button',
      '<form><p>الدفع عند الاستلام</p><input name="phone"><select name="city"></select><button>OK</button></form>',
      '/',
      'cash-on-delivery',
    ],
    [
      'shipping form on /checkout with a neutral button',
      '<form><input name="first_name"><input autocomplete="shipping street-address"><input autocomplete="email"><button>Suivant</button></form>',
      '/checkout',
      'checkout-page',
    ],
    [
      'cart with quantities and a checkout button on /cart',
      '<form><input type="number" name="qty[1]"><button>Passer la commande</button></form>',
      '/cart',
      'checkout-page',
    ],
    [
      'encoded Arabic cart path',
      '<form><input name="qty"><button>إتمام الطلب</button></form>',
      '/%D8%A7%D9%84%D8%B3%D9%84%D8%A9',
      'checkout-page',
    ],
    // What is not a checkout.
    ['newsletter', '<form><input type="email" placeholder="Votre e-mail"><button>S’abonner</button></form>', '/', null],
    ['newsletter on /checkout', '<form><input name="email"><button>Valider</button></form>', '/checkout', null],
    [
      'newsletter with a commander-sounding button',
      '<form><input type="email" name="newsletter"><button>Commander le catalogue</button></form>',
      '/',
      null,
    ],
    ['search', '<form role="search"><input type="search" name="q"><button>Rechercher</button></form>', '/', null],
    ['search by name q on /cart', '<form><input name="q"><button>Checkout</button></form>', '/cart', null],
    [
      'login',
      '<form><input type="email" name="email"><input type="password" name="password"><button>Se connecter</button></form>',
      '/checkout',
      null,
    ],
    [
      'account creation with a phone and a city',
      '<form><input name="nom"><input type="tel"><input name="ville"><input type="password"><button>Créer mon compte</button></form>',
      '/',
      null,
    ],
    [
      'contact form with a phone',
      '<form><input name="nom"><input type="email"><input type="tel"><textarea name="message"></textarea><button>Envoyer</button></form>',
      '/',
      null,
    ],
    [
      'contact form with a city but no order word',
      '<form><input name="nom"><input type="tel" name="tel"><input name="ville"><textarea name="message"></textarea><button>Envoyer</button></form>',
      '/contact',
      null,
    ],
    ['an empty form on /checkout', '<form><button>Commander</button></form>', '/checkout', null],
    ['a lone button form', '<form><button>Acheter</button></form>', '/', null],
  ])('%s', (_name, html, path, expected) => {
    expect(kindOf(html, path)).toBe(expected);
  });

  it('decides a form its fields rule out without reading its buttons or text', () => {
    // A comment box on an article page: the order and cash-on-delivery patterns would change nothing.
    const unread = () => {
      throw new Error('read');
    };
    const comment = {
      fields: [{ type: 'textarea', autocomplete: '', words: 'texte' }],
      get controls(): string[] {
        return unread();
      },
      get text(): string {
        return unread();
      },
    };
    expect(checkoutKind(comment, '/2026/11/01/article.html')).toBeNull();
  });

  it('reads a hostile form within bounds: a million characters and thousands of fields', () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => `<input name="f${i}">`).join('');
    const form = formIn(
      `<form><p>${'x'.repeat(1_000_000)}</p>${fields}<input type="tel"><button>Commander</button></form>`,
    );
    const facts = readFormFacts(form);
    expect(facts.fields.length).toBeLessThanOrEqual(60);
    expect(facts.text.length).toBeLessThanOrEqual(2_000);
    // Past the bounds, the phone field is not read: no checkout, and nothing hangs.
    expect(checkoutKind(facts, '/')).toBeNull();
  });

  it('finds the order form among a page’s other forms', () => {
    const { document } = parseHTML(
      '<html><body><form id="search"><input type="search" name="q"></form><form id="order"><input name="nom"><input type="tel"><input name="ville"><button>Commander</button></form><form id="news"><input type="email"></form></body></html>',
    );
    const found = firstCheckoutForm(document.querySelectorAll('form'), '/');
    expect(found?.form.getAttribute('id')).toBe('order');
    expect(found?.kind).toBe('cash-on-delivery');
  });
});

describe('the fixture shop pages the browser tests open', () => {
  const SHOPS = resolve(import.meta.dirname, '../../test/fixtures/shops');
  it.each<[string, string, string | null, CheckoutKind | null]>([
    ['cod-arabe.html', '/', 'cod-form', 'cash-on-delivery'],
    ['checkout-carte.html', '/checkout', 'card-form', 'card-payment'],
    ['checkout-verifie.html', '/checkout', 'checkout-form', 'cash-on-delivery'],
    // The order form comes later, from the page's script: nothing at load.
    ['cod-landing-fr.html', '/', null, null],
    ['boutique-inconnue.html', '/panier', null, null],
    ['actualites.html', '/', null, null],
  ])('%s', (file, path, id, kind) => {
    const { document } = parseHTML(readFileSync(resolve(SHOPS, file), 'utf8'));
    const found = firstCheckoutForm(document.querySelectorAll('form'), path);
    expect(found ? [found.form.getAttribute('id'), found.kind] : null).toEqual(id ? [id, kind] : null);
  });
});

describe('watching for an order form added after load', () => {
  /** A clock the test moves by hand: timers run when their time has come. */
  function manualTimers() {
    const due = new Map<number, { at: number; run: () => void }>();
    let next = 0;
    let now = 0;
    return {
      timers: {
        setTimeout: (run: () => void, ms: number) => {
          due.set(++next, { at: now + ms, run });
          return next;
        },
        clearTimeout: (handle: unknown) => void due.delete(handle as number),
      },
      advance(ms: number) {
        now += ms;
        for (const [handle, timer] of [...due].sort((a, b) => a[1].at - b[1].at)) {
          if (timer.at > now || !due.has(handle)) continue;
          due.delete(handle);
          timer.run();
        }
      },
      get pending() {
        return due.size;
      },
    };
  }
  const tick = () => new Promise((done) => setTimeout(done, 0));
  const budget = { throttleMs: 100, watchMs: 10_000, maxScans: 3 };
  const ORDER_FORM = '<input name="nom"><input type="tel"><input name="adresse"><button>Commander maintenant</button>';

  it('finds a form injected later, once, and stops watching', async () => {
    const { document } = parseHTML('<html><body><main></main></body></html>');
    const clock = manualTimers();
    const found: string[] = [];
    watchForCheckout(
      document,
      () => '/',
      (hit) => found.push(hit.kind),
      budget,
      clock.timers,
    );
    expect(found).toEqual([]);
    const form = document.createElement('form');
    form.innerHTML = ORDER_FORM;
    document.querySelector('main')?.append(form);
    await tick();
    clock.advance(100);
    expect(found).toEqual(['cash-on-delivery']);
    // Stopped: nothing scheduled, and a second form is not reported.
    const second = document.createElement('form');
    second.innerHTML = ORDER_FORM;
    document.body.append(second);
    await tick();
    expect(clock.pending).toBe(0);
    expect(found).toHaveLength(1);
  });

  it('finds fields added into a form that was empty at first', async () => {
    const { document } = parseHTML('<html><body><form id="f"></form></body></html>');
    const clock = manualTimers();
    const found: string[] = [];
    watchForCheckout(
      document,
      () => '/',
      (hit) => found.push(hit.kind),
      budget,
      clock.timers,
    );
    const form = document.getElementById('f');
    const wrapper = document.createElement('div');
    wrapper.innerHTML = ORDER_FORM;
    form?.append(wrapper);
    await tick();
    clock.advance(100);
    expect(found).toEqual(['cash-on-delivery']);
  });

  it('gives up after its scan budget on a page that keeps adding other forms', async () => {
    const { document } = parseHTML('<html><body></body></html>');
    const clock = manualTimers();
    const found: string[] = [];
    watchForCheckout(
      document,
      () => '/',
      (hit) => found.push(hit.kind),
      budget,
      clock.timers,
    );
    for (let i = 0; i < 5; i++) {
      const form = document.createElement('form');
      form.innerHTML = '<input type="search" name="q">';
      document.body.append(form);
      await tick();
      clock.advance(100);
    }
    // Three scans, then the watch stopped: an order form now is not seen.
    const late = document.createElement('form');
    late.innerHTML = ORDER_FORM;
    document.body.append(late);
    await tick();
    clock.advance(100);
    expect(found).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('sees a form present at start without watching', () => {
    const { document } = parseHTML(`<html><body><form>${ORDER_FORM}</form></body></html>`);
    const clock = manualTimers();
    const found: string[] = [];
    watchForCheckout(
      document,
      () => '/',
      (hit) => found.push(hit.kind),
      budget,
      clock.timers,
    );
    expect(found).toEqual(['cash-on-delivery']);
    expect(clock.pending).toBe(0);
  });
});

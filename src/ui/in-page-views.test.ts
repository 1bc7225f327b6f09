import { parseHTML } from 'linkedom';
import { describe, expect, it, vi } from 'vitest';
import type { PageBadge } from '../extension/messages.ts';
import { checkoutWarningElement } from './checkout-warning-view.ts';
import { pageBadgeElement } from './page-badge-view.ts';

// The two views the content script draws into a shop's page, built without a UI library.
// What a shopper reads and can press; and words from the background stay words.

const HOSTILE = '<img src=x onerror="alert(1)">';

function badge(overrides: Partial<PageBadge> = {}): PageBadge {
  return {
    show: true,
    level: 'danger',
    lang: 'fr',
    dir: 'ltr',
    brand: 'Thiqa',
    title: 'Boutique signalée',
    detail: 'Signalée pour non-livraison',
    dismissLabel: 'Masquer',
    certificateUrl: null,
    certificateLabel: 'Voir le certificat',
    checkout: {
      warn: true,
      title: 'Avant de commander',
      detail: 'Personne n’a vérifié ce vendeur',
      checkHeading: 'Vérifiez :',
      tips: ['Ouvrez le colis avant de payer', 'Ne versez pas d’acompte', 'Ne donnez pas votre carte'],
      continueLabel: 'Continuer',
      reportUrl: 'https://thiqa.example/report?shop=https%3A%2F%2Fshop.test%2F',
      reportLabel: 'Signaler',
      regionLabel: 'Avertissement de Thiqa',
    },
    ...overrides,
  };
}

const { document, Event } = parseHTML('<!doctype html><html><body></body></html>');

describe('the in-page badge', () => {
  it('says the level, the title and why, with a dismiss button that works', () => {
    const dismissed = vi.fn();
    const view = pageBadgeElement(document, badge(), dismissed);
    expect(view.getAttribute('aria-label')).toBe('Thiqa: Boutique signalée');
    expect(view.getAttribute('data-level')).toBe('danger');
    expect(view.getAttribute('lang')).toBe('fr');
    expect(view.textContent).toContain('Thiqa · Boutique signalée');
    expect(view.textContent).toContain('Signalée pour non-livraison');
    expect(view.querySelector('a')).toBeNull();
    const button = view.querySelector('button');
    expect(button?.getAttribute('aria-label')).toBe('Masquer');
    button?.dispatchEvent(new Event('click'));
    expect(dismissed).toHaveBeenCalledTimes(1);
  });

  it('is a quiet pill on a verified merchant, linking its certificate in a new tab without referrer', () => {
    const view = pageBadgeElement(
      document,
      badge({ level: 'verified', title: 'Marchand vérifié', certificateUrl: 'https://thiqa.example/m/atlas' }),
      () => {},
    );
    expect(view.querySelector('.thiqa-badge__detail')).toBeNull();
    const link = view.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://thiqa.example/m/atlas');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.textContent).toBe('Voir le certificat');
  });

  it('keeps markup in its words as text', () => {
    const view = pageBadgeElement(document, badge({ title: HOSTILE, detail: HOSTILE }), () => {});
    expect(view.querySelector('img')).toBeNull();
    expect(view.textContent).toContain(HOSTILE);
  });
});

describe('the checkout warning', () => {
  it('is an alert above the form: what to check, continue, report', () => {
    const continued = vi.fn();
    const view = checkoutWarningElement(document, badge(), 'cash-on-delivery', continued);
    expect(view.getAttribute('role')).toBe('alert');
    expect(view.getAttribute('aria-label')).toBe('Avertissement de Thiqa');
    expect(view.getAttribute('data-kind')).toBe('cash-on-delivery');
    expect([...view.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Ouvrez le colis avant de payer',
      'Ne versez pas d’acompte',
      'Ne donnez pas votre carte',
    ]);
    expect(view.querySelector('a')?.getAttribute('href')).toBe(badge().checkout.reportUrl);
    view.querySelector('button')?.dispatchEvent(new Event('click'));
    expect(continued).toHaveBeenCalledTimes(1);
  });

  it('puts the card advice first on a card form, and keeps markup as text', () => {
    const hostile = badge();
    hostile.checkout = { ...hostile.checkout, title: HOSTILE, reportUrl: null };
    const view = checkoutWarningElement(document, hostile, 'card-payment', () => {});
    expect(view.querySelector('li')?.textContent).toBe('Ne donnez pas votre carte');
    expect(view.querySelector('img')).toBeNull();
    expect(view.querySelector('a')).toBeNull();
    expect(view.textContent).toContain(HOSTILE);
  });
});

import type { TestService } from './test-service.ts';

// A browser with JavaScript off, for the portal's forms: it loads a form page, keeps the
// cookies and hidden fields it was given, and posts the form back from the page's origin.
// Tests change one of those to play a hostile site or a broken client.

/** The origin of `app.request()` paths: what a page of ours sends as its `Origin`. */
export const OWN_ORIGIN = 'http://localhost';

/** A form as a browser holds it after loading the page. */
export interface OpenForm {
  status: number;
  html: string;
  headers: Headers;
  /** The cookies the page set, as a `Cookie` header. */
  cookie: string;
  token: string;
  idempotencyKey: string;
}

/** The value of the field `name` in the first element that has both, or ''. */
export const fieldValue = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

export async function openForm(service: TestService, path: string): Promise<OpenForm> {
  const response = await service.send('GET', path);
  const html = await response.text();
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return {
    status: response.status,
    html,
    headers: response.headers,
    cookie,
    token: fieldValue(html, 'form_token'),
    idempotencyKey: fieldValue(html, 'idempotencyKey'),
  };
}

export type Fields = Record<string, string | string[]>;

/** `application/x-www-form-urlencoded`, a repeated field once per value. */
export function formBody(fields: Fields): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  }
  return body.toString();
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** The peer address (the rate limit's client). */
  from?: string;
  /** A raw body instead of the form's fields. */
  body?: string;
}

/** Posts `fields` to `path` as the browser that loaded `form` would: its cookie, token and key, from our page. */
export function postForm(
  service: TestService,
  path: string,
  form: OpenForm,
  fields: Fields,
  options: PostOptions = {},
) {
  return service.send(
    'POST',
    path,
    options.body ?? formBody({ form_token: form.token, idempotencyKey: form.idempotencyKey, ...fields }),
    {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: form.cookie,
      Origin: OWN_ORIGIN,
      'Sec-Fetch-Site': 'same-origin',
      ...options.headers,
    },
    options.from,
  );
}

/** What a reader sees: the page's text without tags, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The fields the error summary at the top of a page links to, in order. */
export const errorSummaryLinks = (html: string) =>
  [...(/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/href="#([^"]+)"/g)].map(
    (match) => match[1],
  );

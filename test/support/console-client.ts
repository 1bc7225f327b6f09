import type { StaffMember, StaffRole } from '../../server/staff/staff-roles.ts';
import { StaffSessions } from '../../server/staff/staff-sessions.ts';
import { type Fields, fieldValue, formBody, OWN_ORIGIN } from './portal-form-client.ts';
import type { TestService } from './test-service.ts';

// A staff member's browser with JavaScript off, for the console: it keeps the cookies the
// service sets (the session, the forms' token cookie, the language) and the hidden form
// token of the last page it opened, and posts forms back from the console's own origin.

export interface ConsolePage {
  status: number;
  html: string;
  headers: Headers;
  /** Where a redirect leads, if the answer is one. */
  location: string | null;
}

export interface ConsoleBrowser {
  /** The `Cookie` header it sends. */
  cookies(): string;
  /** Sets or replaces one cookie (a test playing an old or stolen session). */
  setCookie(name: string, value: string): void;
  open(path: string): Promise<ConsolePage>;
  /** Posts `fields` with the form token of the last page opened; `headers` override the browser's. */
  post(path: string, fields: Fields, headers?: Record<string, string>, from?: string): Promise<ConsolePage>;
}

export function consoleBrowser(service: TestService): ConsoleBrowser {
  const jar = new Map<string, string>();
  let token = '';
  const cookies = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const page = async (response: Response): Promise<ConsolePage> => {
    keep(response);
    const html = await response.text();
    const found = fieldValue(html, 'form_token');
    if (found) token = found;
    return { status: response.status, html, headers: response.headers, location: response.headers.get('Location') };
  };
  return {
    cookies,
    setCookie: (name, value) => jar.set(name, value),
    open: async (path) => page(await service.send('GET', path, undefined, { Cookie: cookies() })),
    post: async (path, fields, headers = {}, from) =>
      page(
        await service.send(
          'POST',
          path,
          formBody({ form_token: token, ...fields }),
          {
            'Content-Type': 'application/x-www-form-urlencoded',
            Cookie: cookies(),
            Origin: OWN_ORIGIN,
            'Sec-Fetch-Site': 'same-origin',
            ...headers,
          },
          from,
        ),
      ),
  };
}

/** Adds a staff member straight to the database (no password: the tests of signing in set one). */
export async function addStaffRow(
  service: TestService,
  role: StaffRole,
  email = `${role}@thiqa.test`,
  name = `Test ${role}`,
): Promise<StaffMember> {
  const row = await service.registry.db
    .insertInto('staff')
    .values({ email, name, role, created_at: new Date(), created_by: 'test' })
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirstOrThrow();
  return row;
}

/** A browser signed in as a new staff member of `role`, through a session opened in the database. */
export async function signedInStaff(
  service: TestService,
  role: StaffRole,
  email?: string,
): Promise<ConsoleBrowser & { member: StaffMember }> {
  const member = await addStaffRow(service, role, email);
  const sessions = new StaffSessions(service.registry.db, () => service.now());
  const browser = consoleBrowser(service);
  browser.setCookie('thiqa_staff', await sessions.open(member.id));
  return { ...browser, member };
}

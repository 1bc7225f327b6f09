/** @jsxImportSource hono/jsx */
import { portalHref } from '../portal/portal-layout.tsx';
import { may } from '../staff/staff-roles.ts';
import { type ConsoleApp, type ConsoleDeps, sendConsole } from './console-app.tsx';

// `/admin`: what waits for the signed-in member, by role.

export function registerConsoleHome(app: ConsoleApp, deps: ConsoleDeps) {
  app.get('/', async (c) => {
    const words = c.get('words');
    const staff = c.get('staff');
    const db = deps.context.db;
    const newReports = may(staff.role, 'moderate')
      ? Number(
          (
            await db
              .selectFrom('reports')
              .select((eb) => eb.fn.countAll().as('count'))
              .where('status', 'in', ['received', 'under-review'])
              .executeTakeFirstOrThrow()
          ).count,
        )
      : null;
    const openApplications = may(staff.role, 'verify')
      ? Number(
          (
            await db
              .selectFrom('applications')
              .select((eb) => eb.fn.countAll().as('count'))
              .where('status', 'in', ['received', 'in-review'])
              .executeTakeFirstOrThrow()
          ).count,
        )
      : null;
    return sendConsole(
      c,
      { title: words.c('console_home'), section: 'home' },
      <>
        <h1>{words.c('console_home')}</h1>
        <p>{words.c('console_homeIntro')}</p>
        <ul class="overview">
          {newReports !== null ? (
            <li>
              <a href={portalHref(words.lang, '/admin/queue')}>{words.c('console_navQueue')}</a>{' '}
              <span data-count="reports">{newReports}</span>
            </li>
          ) : null}
          {openApplications !== null ? (
            <li>
              <a href={portalHref(words.lang, '/admin/applications')}>{words.c('console_navApplications')}</a>{' '}
              <span data-count="applications">{openApplications}</span>
            </li>
          ) : null}
        </ul>
      </>,
    );
  });
}

import { createApp } from '../app.ts';
import type { ServiceContext } from '../http/service-context.ts';
import { serviceAppOptions } from '../http/service-runner.ts';
import { withRegistry } from './registry-session.ts';

/**
 * For commands that act as the service does, not on the database alone: accepting a
 * report sends the complaint to its merchant, the deadlines remind merchants by mail.
 * The context is `thiqa serve`'s, built from the same environment.
 */
export function withServiceContext<T>(work: (context: ServiceContext) => Promise<T>): Promise<T> {
  return withRegistry(async (registry, config) => {
    const app = await createApp(serviceAppOptions(registry, config, () => new Date()));
    return work(app.context);
  });
}

import { readdirSync, readFileSync } from 'node:fs';

/**
 * The nice value of each thread of this process, by thread id (Linux: /proc/self/task).
 * Synchronous, so that a test can poll it from a timer while a short-lived worker runs.
 */
export function niceByThread(): Map<string, number> {
  const nice = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the command's closing parenthesis; nice is the 19th field of the line.
    nice.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return nice;
}

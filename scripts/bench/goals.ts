// The goals table `npm run bench` ends with (issue 15): each bench records the figures it
// measured against its goal, and the table prints them together, so one run shows what is
// met. A figure is measured, never assumed: a bench that could not run records nothing.

export interface GoalRow {
  /** What is measured, e.g. "publish 100k merchants". */
  figure: string;
  /** The baseline measured in the same run, in words with its number ("healthz p99 3.1 ms"), or "—". */
  baseline: string;
  /** The figure itself, with its unit ("8.2 s, 410 MB RSS"). */
  measured: string;
  /** The goal in words ("≤ 10 s, ≤ 500 MB"). */
  goal: string;
  met: boolean;
}

const rows: GoalRow[] = [];

export function recordGoal(row: GoalRow): void {
  rows.push(row);
}

export function recordedGoals(): readonly GoalRow[] {
  return rows;
}

/** Prints the table (markdown, so it can be pasted into docs/performance.md as it is). */
export function printGoals(): void {
  if (rows.length === 0) return;
  const cell = (text: string) => text.replaceAll('|', '\\|');
  console.log('\nGoals');
  console.log('| figure | baseline, same run | measured | goal | met |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${cell(row.figure)} | ${cell(row.baseline)} | ${cell(row.measured)} | ${cell(row.goal)} | ${row.met ? 'yes' : 'NO'} |`,
    );
  }
}

/** @jsxImportSource hono/jsx */

// The console's data tables: a table in a region that scrolls sideways on a narrow screen,
// focusable (so a keyboard can scroll it) and named by the table's caption.

/** A table's own data-* attributes (what tests and scripts find it by). */
type DataAttributes = Record<`data-${string}`, string | number | boolean | undefined>;

export function ScrollingTable(props: {
  caption: string;
  /** The caption is for screen readers only: a heading above already says it. */
  hiddenCaption?: boolean;
  /** Classes after `data-table`, e.g. `flags-table`. */
  class?: string;
  data?: DataAttributes;
  /** The column headings, left to right; null for a column not shown. */
  columns: ReadonlyArray<string | null>;
  /** The body's rows. */
  children?: unknown;
}) {
  return (
    <section class="table-scroll" tabindex={0} aria-label={props.caption}>
      <table class={props.class ? `data-table ${props.class}` : 'data-table'} {...props.data}>
        <caption class={props.hiddenCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <ColumnHeads columns={props.columns} />
        <tbody>{props.children}</tbody>
      </table>
    </section>
  );
}

/** A table's head: one row of column headings. */
export function ColumnHeads(props: { columns: ReadonlyArray<string | null> }) {
  return (
    <thead>
      <tr>{props.columns.map((column) => (column === null ? null : <th scope="col">{column}</th>))}</tr>
    </thead>
  );
}

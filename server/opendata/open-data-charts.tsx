/** @jsxImportSource hono/jsx */

// Bar charts drawn on the server as SVG: readable with scripts off, named for screen
// readers (role="img", <title>, <desc>), and always shown beside a table of the same
// numbers. Colours come from classes in portal.css (the CSP forbids inline styles). The
// bars run horizontally so that a dozen rows stay legible on a 360 px phone; in Arabic the
// labels sit on the right and the bars grow leftwards. The drawing itself is fixed
// left-to-right (direction="ltr"); each text says its own direction.

export interface ChartBar {
  /** The row's name (a month, a share range). */
  label: string;
  /** Null draws no bar: a suppressed or unmeasured value. */
  value: number | null;
  /** What is written at the bar's end (the number, or why there is none). */
  text: string;
}

const WIDTH = 400;
const LABEL_WIDTH = 104;
const VALUE_WIDTH = 92;
const ROW = 30;
const BAR = 20;
const PAD = 8;

export function BarChart(props: { id: string; title: string; desc: string; bars: readonly ChartBar[]; rtl: boolean }) {
  const { id, title, desc, bars, rtl } = props;
  const max = Math.max(1, ...bars.map((bar) => bar.value ?? 0));
  const room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PAD;
  const height = PAD * 2 + bars.length * ROW;
  // A text's own direction orders its words ("نونبر 2026"); its start is then its right end.
  const dir = rtl ? 'rtl' : 'ltr';
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      direction="ltr"
      font-size="15"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      {bars.map((bar, index) => {
        const top = PAD + index * ROW;
        const middle = top + ROW / 2 + 4.5;
        const length = bar.value === null ? 0 : Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * room);
        // Left to right: label | bar → value. Right to left: value ← bar | label.
        const barStart = rtl ? WIDTH - PAD - LABEL_WIDTH - length : PAD + LABEL_WIDTH;
        const labelX = rtl ? WIDTH - PAD : PAD + LABEL_WIDTH - 6;
        const valueX = rtl ? barStart - 6 : barStart + length + 6;
        return (
          <g>
            <text class="chart__label" x={labelX} y={middle} text-anchor={rtl ? 'start' : 'end'} direction={dir}>
              {bar.label}
            </text>
            {length > 0 ? (
              <rect class="chart__bar" x={barStart} y={top + (ROW - BAR) / 2} width={length} height={BAR} />
            ) : null}
            <text class="chart__value" x={valueX} y={middle} text-anchor="start" direction={dir}>
              {bar.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

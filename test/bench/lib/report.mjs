// Formats the figures (one line each) and writes docs/PERFORMANCE.md from a run.
import { writeFileSync } from 'node:fs';

const number = (value, digits) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** 1,234 for large values, 12.3 / 1.23 for small ones. */
export function fmt(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return number(value, 0);
  if (abs >= 10) return number(value, 1);
  return number(value, 2);
}

export function passes(figure) {
  const { op, value } = figure.target;
  const measured = figure.ratioForTarget ?? figure.ratio;
  return op === '>=' ? measured >= value : op === '<=' ? measured <= value : measured === value;
}

/** The one line a figure prints. */
export function line(figure) {
  const verdict = figure.target.none ? 'info' : passes(figure) ? 'PASS' : 'MISS';
  const base =
    figure.baseline === undefined
      ? ''
      : ` vs ${figure.baselineLabel} ${fmt(figure.baseline)}${figure.baselineUnit ? ` ${figure.baselineUnit}` : ''}`;
  const ratio = figure.ratioText ?? `ratio ${fmt(figure.ratio)}`;
  return `${figure.title}: ${fmt(figure.value)} ${figure.unit}${base} → ${ratio} (target ${figure.target.text}) ${verdict}`;
}

export function writeReport(
  path,
  {
    machine,
    figures,
    setup,
    started,
    finished,
    reproduce,
    notes,
    changes = { columns: [], rows: [] },
  },
) {
  const minutes = ((finished - started) / 60_000).toFixed(1);
  const missed = figures.filter((f) => !f.target.none && !passes(f));
  const rows = figures.map((f) => {
    const verdict = f.target.none ? '—' : passes(f) ? 'pass' : '**miss**';
    const base =
      f.baseline === undefined
        ? '—'
        : `${fmt(f.baseline)} ${f.baselineUnit ?? ''} (${f.baselineLabel})`
            .replace(' (', ' — ')
            .replace(/\)$/, '');
    return `| ${f.title} | ${fmt(f.value)} ${f.unit} | ${base} | ${f.ratioText ?? fmt(f.ratio)} | ${f.target.text} | ${verdict} |`;
  });
  const now = (id) => {
    const f = figures.find((x) => x.id === id);
    if (!f) return 'not run';
    return `${f.ratioText ?? fmt(f.ratio)}${f.target.none ? '' : passes(f) ? ' (pass)' : ' (**miss**)'}`;
  };
  const changeRows = changes.rows.map(
    (c) => `| ${c.title} | ${c.values.join(' | ')} | ${now(c.id)} | ${c.change} |`,
  );
  const changeHead = `| figure | ${changes.columns.join(' | ')} | now | what changed this round |`;
  const changeRule = `| --- | ${changes.columns.map(() => '---').join(' | ')} | --- | --- |`;
  const text = `# Performance

Written by \`npm run bench\` (test/bench/run.mjs) from the run of ${new Date(started).toISOString()}; do not
edit by hand — run the benchmark again. Every figure is a **ratio against a baseline measured in
the same run** on the same machine, so it holds on a noisy, shared machine; the absolute numbers
beside them only say what this machine did at that moment.

## The machine

| | |
| --- | --- |
| CPU | ${machine.cpu} |
| cores | ${machine.cores} |
| memory | ${machine.memory} |
| OS | ${machine.os} |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} (embedded, fsync off, pg_stat_statements loaded) |
| run took | ${minutes} minutes${machine.mode === 'smoke' ? ' (smoke sizes: NOT the real figures)' : ''} |

## Figures

| figure | measured | baseline (same run) | ratio | target | |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

The benchmark's own output, one line per figure:

\`\`\`
${figures.map(line).join('\n')}
\`\`\`

Details:

${figures.map((f) => `- **${f.title}**: ${f.detail}`).join('\n')}

${
  changeRows.length
    ? `## Before and after this round of changes

The earlier columns are the figures as earlier reports printed them; "now" is this run. Each change
was also measured on its own in A/B runs while it was made (the notes under each figure and in the
code say how).

${changeHead}
${changeRule}
${changeRows.join('\n')}

`
    : ''
}## How it was measured

${setup.map((s) => `- ${s}`).join('\n')}

## Figures that miss their target

${missed.length ? missed.map((f) => `### ${f.title}\n\n${f.whyMissed ?? 'No explanation recorded.'}\n`).join('\n') : 'None: every figure met its target in this run.\n'}
${notes ? `\n## Notes\n\n${notes}\n` : ''}
## How to reproduce

${reproduce}
`;
  writeFileSync(path, text);
}

import type { RunResult } from './result-schema.js'

/** report.md: header with provenance, the experiment's own tables, claim verdicts and inline figures. */
export function renderReport(result: RunResult, body: string): string {
  const verdicts = result.claims.map((c) => `| ${c.holds ? '✅ holds' : '❌ fails'} | ${c.description} | ${c.expected} | ${c.measured} |`)
  return [
    `# ${result.title}`,
    '',
    `Paper: ${result.paperRef}. Preset \`${result.preset}\`, seeds ${result.seeds.join(', ')}, backend \`${result.backend.name}\` (${result.backend.detail}), ` +
      `${result.timings.wallSeconds.toFixed(1)} s, tfjs ${result.versions.tfjs}, ${result.versions.node !== undefined ? `Node ${result.versions.node}` : `browser ${result.versions.browser}`}.`,
    ...(result.dgp !== undefined ? ['', `DGP: \`${result.dgp.module}\` (${result.dgp.sha256 === null ? 'inline factory' : `sha256 \`${result.dgp.sha256}\``}), not the paper's.`] : []),
    '',
    body.trim(),
    '',
    '## Claims',
    '',
    '| verdict | claim | expected | measured |',
    '|---|---|---|---|',
    ...verdicts,
    '',
    ...result.figures.flatMap((f) => [`![${f.caption}](${f.file})`, '', `*${f.caption}*`, '']),
  ].join('\n')
}

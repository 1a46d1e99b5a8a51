import { writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, parseConfig } from '@cl/core'
import type { BackendName } from '../backend/candidates.js'
import { selectBackend, type BackendSelection } from '../backend/select.js'
import type { Experiment, PresetName } from '../experiments/experiment.js'
import { mergeConfig } from './overrides.js'
import { resultSchema, type RunResult } from './result-schema.js'
import { RESULT_FILE, createRunDir, writeFileAtomic, writeStatus } from './run-dir.js'

export interface RunOptions {
  readonly preset: PresetName
  readonly seed: number
  readonly seeds: number
  readonly backend: BackendName | 'auto'
  readonly out?: string
  readonly overrides: Record<string, unknown>
  readonly log: (line: string) => void
  /** Injected selection (tests); defaults to {@link selectBackend}. */
  readonly select?: typeof selectBackend
  readonly appVersion: string
}

/** Resolve an experiment's config: its preset merged with `--set` overrides, validated by its schema. */
export function resolveConfig<C>(experiment: Experiment<C>, preset: PresetName, overrides: Record<string, unknown>): C {
  const base = experiment.presets[preset]
  return parseConfig(experiment.configSchema, mergeConfig(base, overrides), 'config') as C
}

/** One finished run: where it was written and what it measured. */
export interface FinishedRun {
  readonly dir: string
  readonly result: RunResult
}

/**
 * Run experiments end to end: validate every config first, choose the backend once (skipping backends that lack a
 * kernel any of them needs), then for each create a fresh run directory, run, and write figures, report.md and finally
 * result.json (validated). A failed run is marked failed, never complete, and stops the sequence.
 */
export async function runExperiments(
  experiments: readonly Experiment<any>[],
  options: RunOptions & { readonly onFinished?: (experiment: Experiment<any>, run: FinishedRun) => void },
): Promise<FinishedRun[]> {
  if (!Number.isInteger(options.seeds) || options.seeds < 1) throw new InvalidConfigError('--seeds', 'an integer >= 1', options.seeds)
  const configs = experiments.map((e) => resolveConfig(e, options.preset, options.overrides))
  const requiredKernels = [...new Set(experiments.flatMap((e) => e.requiredKernels))]
  const selection = await (options.select ?? selectBackend)({ requested: options.backend, requiredKernels })
  for (const a of selection.attempts) {
    options.log(a.outcome === 'selected' ? `backend: ${a.backend} (${a.reason})` : `backend ${a.backend} skipped: ${a.reason}`)
  }
  const runs: FinishedRun[] = []
  for (const [i, experiment] of experiments.entries()) {
    const out = options.out === undefined ? undefined : experiments.length > 1 ? path.join(options.out, experiment.id) : options.out
    options.log(`== ${experiment.id}: ${experiment.title} (preset ${options.preset})`)
    const run = await runOne(experiment, configs[i], selection, { ...options, ...(out !== undefined ? { out } : {}) })
    options.onFinished?.(experiment, run)
    runs.push(run)
  }
  return runs
}

async function runOne<C>(experiment: Experiment<C>, config: C, selection: BackendSelection, options: RunOptions): Promise<FinishedRun> {
  const seeds = Array.from({ length: options.seeds }, (_, i) => options.seed + i)
  const dir = createRunDir({ ...(options.out !== undefined ? { out: options.out } : {}), experiment: experiment.id, preset: options.preset, seed: options.seed })
  options.log(`run directory: ${dir}`)
  const started = new Date()
  try {
    const output = await experiment.run({ config, preset: options.preset, seeds, backend: selection, runDir: dir, log: options.log })
    const figures = output.figures.map((f) => {
      const file = `${f.name}.svg`
      writeFileSync(path.join(dir, file), f.svg)
      return { name: f.name, caption: f.caption, file }
    })
    const finished = new Date()
    const result = resultSchema.parse({
      schemaVersion: 1,
      experiment: experiment.id,
      title: experiment.title,
      paperRef: experiment.paperRef,
      preset: options.preset,
      seeds,
      backend: { name: selection.backend, detail: selection.detail, forced: selection.forced, attempts: selection.attempts },
      config,
      versions: { node: process.version, tfjs: tf.version.tfjs, app: options.appVersion },
      timings: { startedAt: started.toISOString(), finishedAt: finished.toISOString(), wallSeconds: (finished.getTime() - started.getTime()) / 1000 },
      metrics: output.metrics,
      paper: output.paper,
      claims: output.claims,
      figures,
    })
    writeFileAtomic(path.join(dir, 'report.md'), renderReport(result, output.reportMarkdown))
    writeFileAtomic(path.join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`)
    writeStatus(dir, { state: 'complete', startedAt: started.toISOString(), finishedAt: finished.toISOString() })
    return { dir, result }
  } catch (error) {
    writeStatus(dir, { state: 'failed', startedAt: started.toISOString(), failedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) })
    throw error
  }
}

/** report.md: header with provenance, the experiment's own tables, claim verdicts and inline figures. */
export function renderReport(result: RunResult, body: string): string {
  const verdicts = result.claims.map((c) => `| ${c.holds ? '✅ holds' : '❌ fails'} | ${c.description} | ${c.expected} | ${c.measured} |`)
  return [
    `# ${result.title}`,
    '',
    `Paper: ${result.paperRef}. Preset \`${result.preset}\`, seeds ${result.seeds.join(', ')}, backend \`${result.backend.name}\` (${result.backend.detail}), ` +
      `${result.timings.wallSeconds.toFixed(1)} s, tfjs ${result.versions.tfjs}, Node ${result.versions.node}.`,
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

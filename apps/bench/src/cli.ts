#!/usr/bin/env node
import { realpathSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { BENCH_BACKENDS } from './backend.js'
import { runBench } from './bench.js'
import { childMain } from './child.js'
import { parseBackend, parseCount, parseList, parseWorkload, SWEEP_N, type BenchRequest } from './plan.js'
import { formatMarkdown, formatTable, jsonRow } from './table.js'
import { DEFAULT_PYTHON } from './torch.js'
import { WORKLOADS } from './workloads/index.js'
import { DEFAULT_WORKLOADS, WORKLOAD_NAMES } from './workloads/workload.js'

/** Where the CLI writes: stdout for results, stderr for progress and errors. Injectable for tests. */
export interface CliIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

/** Commander argument parser from one of ours: its typed error becomes commander's usage error. */
function arg<T>(parse: (text: string) => T) {
  return (text: string): T => {
    try {
      return parse(text)
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error))
    }
  }
}

interface CliOptions {
  workload?: string[]
  backend?: string[]
  n?: number[]
  sweep?: boolean
  runs?: number
  minsec?: number
  threads?: number[]
  quick?: boolean
  json?: boolean
  md?: string
  compareTorch?: boolean
  python: string
  isolate: boolean
  seed: number
}

const workloadHelp = WORKLOAD_NAMES.map((w) => `  ${w.padEnd(11)} N=${String(WORKLOADS[w].defaultN).padEnd(5)} ${WORKLOADS[w].description}`).join('\n')

function createProgram(io: CliIo, entry: string | undefined, result: { exitCode: number }): Command {
  const program = new Command('cl-bench')
  program
    .description('Training-step throughput of @cl/* (steps/s, peak memory) on every available TensorFlow.js backend')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .option('-w, --workload <list>', `workloads, comma-separated, or all (default: ${DEFAULT_WORKLOADS.join(',')})`, arg((s) => (s === 'all' ? [...WORKLOAD_NAMES] : parseList('workload', s, parseWorkload))))
    .option('-b, --backend <list>', `backends, comma-separated (${BENCH_BACKENDS.join(', ')}; default: every available one)`, arg((s) => (s === 'all' ? [...BENCH_BACKENDS] : parseList('backend', s, parseBackend))))
    .option('-n, --n <list>', 'batch sizes N, comma-separated (default: each workload\'s own)', arg((s) => parseList('n', s, parseCount('n', 2, 1 << 20))))
    .option('--sweep', `loss-only over N = ${SWEEP_N.join(', ')} (the workload defaults to loss-only)`)
    .option('--runs <k>', 'timed runs per row; the median is reported (>= 3)', arg(parseCount('runs', 3, 1000)), 3)
    .option('--minsec <seconds>', 'seconds per timed run (default 5; 0.05 with --quick)', arg((s) => {
      const v = Number(s)
      if (!(v > 0 && Number.isFinite(v))) throw new InvalidArgumentError('expected a number of seconds > 0')
      return v
    }))
    .option('--threads <list>', "threads per row, comma-separated, in [1, 8]: the fused InfoNCE kernel's workers and (wasm) XNNPACK's pool (default 1,2 on 2+ cores)", arg((s) => parseList('threads', s, parseCount('threads', 1, 8))))
    .option('--quick', 'tiny N, short runs and a cheap generator: a smoke test of every path in seconds')
    .option('--json', 'print one JSON row per measurement on stdout (the table goes to stderr)')
    .option('--md <file>', 'also write the results table as markdown to FILE')
    .option('--compare-torch', 'run the PyTorch reference (torch/torch_reference.py) at 1 and 2 threads and print ours / torch')
    .option('--python <path>', 'python with PyTorch, for --compare-torch', DEFAULT_PYTHON)
    .option('--no-isolate', 'measure in this process instead of one fresh process per row (peak RSS then accumulates)')
    .addOption(new Option('--seed <k>', 'seed of inits, generator and batches').argParser(arg(parseCount('seed', 0))).default(0))
    .addOption(new Option('--child <spec>', 'internal: measure one row and print it').hideHelp())
    .addHelpText('after', `\nWorkloads (PyTorch reference: torch/torch_reference.py, same names):\n${workloadHelp}`)
    .action(async (opts: CliOptions & { child?: string }) => {
      if (opts.child !== undefined) {
        await childMain(opts.child)
        return
      }
      const request: BenchRequest = {
        ...(opts.workload !== undefined ? { workloads: opts.workload as BenchRequest['workloads'] & {} } : {}),
        ...(opts.backend !== undefined ? { backends: opts.backend as BenchRequest['backends'] & {} } : {}),
        ...(opts.n !== undefined ? { n: opts.n } : {}),
        ...(opts.sweep === true ? { sweep: true } : {}),
        ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
        ...(opts.minsec !== undefined ? { minSeconds: opts.minsec } : {}),
        ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
        ...(opts.quick === true ? { quick: true } : {}),
        seed: opts.seed,
      }
      const report = await runBench(request, {
        ...(opts.isolate && entry !== undefined ? { entry } : {}),
        compareTorch: opts.compareTorch === true,
        python: opts.python,
        log: io.err,
      })
      const table = formatTable(report)
      if (opts.json === true) {
        for (const row of report.rows) io.out(JSON.stringify(jsonRow(row, report)))
        io.err(table)
      } else {
        io.out(table)
      }
      if (opts.md !== undefined) {
        writeFileSync(opts.md, formatMarkdown(report))
        io.err(`markdown table written to ${opts.md}`)
      }
      if (report.skipped.length > 0) result.exitCode = 1
    })
  return program
}

/**
 * Run the CLI; returns the exit code: 0 (every row measured), 1 (a row was refused by the memory guard or failed, or an
 * error), 2 (usage). `entry` is the script children are started from (default: this file when run as the CLI).
 */
export async function main(argv: readonly string[], io?: CliIo, entry = entryPoint()): Promise<number> {
  const cliIo = io ?? { out: (l: string) => process.stdout.write(`${l}\n`), err: (l: string) => process.stderr.write(`${l}\n`) }
  tf.env().set('PROD', true)
  const result = { exitCode: 0 }
  try {
    // `pnpm bench -- --flag` style wrappers may forward a leading `--`.
    const args = argv[0] === '--' ? argv.slice(1) : argv
    await createProgram(cliIo, entry, result).parseAsync(args as string[], { from: 'user' })
    return result.exitCode
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    cliIo.err(`cl-bench: ${error instanceof Error ? error.message : String(error)}`)
    return isClError(error, 'CL_INVALID_CONFIG') ? 2 : 1
  }
}

function entryPoint(): string | undefined {
  const entry = process.argv[1]
  if (entry === undefined) return undefined
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url)) ? entry : undefined
  } catch {
    return undefined
  }
}

if (entryPoint() !== undefined) {
  process.exitCode = await main(process.argv.slice(2))
}

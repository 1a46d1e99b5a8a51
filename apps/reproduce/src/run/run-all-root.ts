import { existsSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { PRESET_NAMES } from '../experiments/experiment.js'
import { RunDirectoryError, RunFileError, readRunJson, writeFileAtomic, type RunWriter } from './run-dir.js'

/** The file that makes a directory a `run all` root and records the invocation's settings. */
export const ROOT_FILE = 'run-all.json'

const rootSettingsSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES),
  seed: z.number().int().nonnegative(),
  seeds: z.number().int().positive(),
  backend: z.string().min(1),
  /** The parsed `--set` overrides every experiment started from this root gets. */
  overrides: z.record(z.string(), z.unknown()),
  /** Experiment ids, in run order. */
  experiments: z.array(z.string().min(1)),
  /** The user DGP (`--dgp`) every experiment of the root uses; experiments a resume starts reload it (hash-checked). */
  dgp: z.strictObject({ module: z.string().min(1), sha256: z.string().nullable() }).optional(),
})

/** What `run all` was asked to do; `--resume` starts missing experiments with these, not its own flags. */
export type RootSettings = z.infer<typeof rootSettingsSchema>

export function writeRootSettings(root: string, settings: RootSettings, writer?: RunWriter): void {
  writeFileAtomic(path.join(root, ROOT_FILE), `${JSON.stringify(settings, null, 2)}\n`, writer)
}

/** Read a root's settings; refuses a directory that is not a `run all` root, names a truncated file. */
export function readRootSettings(root: string): RootSettings {
  const file = path.join(root, ROOT_FILE)
  if (!existsSync(root)) throw new RunDirectoryError(root, 'does not exist: nothing to resume', '--resume')
  if (!existsSync(file)) {
    const hint = existsSync(path.join(root, 'run.json')) ? `; it is a single run: resume it with 'cl-reproduce run <experiment> --resume ${root}'` : ''
    throw new RunDirectoryError(root, `is not a 'run all' directory (no ${ROOT_FILE})${hint}`, '--resume')
  }
  const howTo = `the 'run all' settings are lost; start a fresh 'cl-reproduce run all' elsewhere (finished experiments in ${root} stay readable)`
  const parsed = rootSettingsSchema.safeParse(readRunJson(file, howTo))
  if (!parsed.success) throw new RunFileError(file, `${file} does not hold 'run all' settings (${parsed.error.issues[0]?.message ?? 'invalid'}); ${howTo}`)
  return parsed.data
}

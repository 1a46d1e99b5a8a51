/**
 * `@cl/reproduce/browser`: the synthetic experiments of §4.1 (Fig. 1, Table 1) and the pure half of the runner, for a
 * browser bundle (apps/lab). The very `Experiment` objects `cl-reproduce run` runs; nothing here (transitively)
 * imports Node built-ins, resvg, the file checkpoint store, datasets or the CLI's terminal libraries
 * (browser-imports.test.ts). The caller selects the tfjs backend and then calls {@link useReproduceKernels} (the CLI's
 * kernels, so the numbers match), passes a `MemoryCheckpointStore` as the context's `store`, installs a figure renderer
 * ({@link setFigureRenderer}) and builds result.json with {@link assembleResult}.
 */
import type { Experiment } from './experiments/experiment.js'
import { fig1R2Box, fig1R2Sphere } from './experiments/fig1-r2/index.js'
import { fig1Spectrum } from './experiments/fig1-spectrum/index.js'
import { table1 } from './experiments/table1/index.js'

/** The experiments the lab offers, in menu order: Fig. 1 left, middle, right, and Table 1 (§4.1). */
export const LAB_EXPERIMENTS: readonly Experiment<any>[] = [fig1Spectrum, fig1R2Box, fig1R2Sphere, table1]

export { fig1Spectrum, fig1R2Box, fig1R2Sphere, table1 }
export type { Fig1SpectrumConfig } from './experiments/fig1-spectrum/index.js'
export type { Fig1R2Config } from './experiments/fig1-r2/index.js'
export type { Table1Config } from './experiments/table1/index.js'
export {
  PRESET_NAMES,
  type Claim,
  type Experiment,
  type ExperimentContext,
  type ExperimentOutput,
  type Figure,
  type PresetName,
  type RunBackend,
  type TrainStepInfo,
} from './experiments/experiment.js'
export { resultSchema, type RunResult } from './run/result-schema.js'
export { assembleResult, type AssembleResultInput } from './run/assemble-result.js'
export { renderReport } from './run/render-report.js'
export { resolveConfig } from './run/resolve-config.js'
export { mergeConfig, parseOverrides } from './run/overrides.js'
export { configKeys, type ConfigKey } from './run/config-keys.js'
export { setFigureRenderer, type FigureRenderer } from './report/figure-renderer.js'
export { MemoryCheckpointStore, type CheckpointStore } from '@cl/train'
export { useReproduceKernels } from './backend/reproduce-kernels.js'
export { APP_VERSION } from './version.js'

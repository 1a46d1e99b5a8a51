import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { BackendUnavailableError, MissingKernelsError } from '../errors.js'
import { BACKEND_NAMES, defaultCandidates, type BackendCandidate, type BackendName } from './candidates.js'
import type { BackendGuards } from './guards.js'
import { convTrainingSupport, missingKernels } from './kernels.js'
import { useReproduceKernels } from './reproduce-kernels.js'

/** What happened to one backend during selection. */
export interface SelectionAttempt {
  readonly backend: BackendName
  readonly outcome: 'selected' | 'skipped'
  /** Why it was skipped, or what was selected (adapter, library). */
  readonly reason: string
}

/** The backend in use and the story of how it was chosen. */
export interface BackendSelection {
  readonly backend: BackendName
  readonly detail: string
  readonly forced: boolean
  readonly attempts: readonly SelectionAttempt[]
  /**
   * Size and device-error checks of the selected backend (WebGPU: buffer limits and GPU error scopes); absent means
   * none are needed. Read them through `guardsOf(selection)`, which supplies no-ops.
   */
  readonly guards?: BackendGuards
}

export interface SelectBackendOptions {
  /** `auto` (default) tries tensorflow, webgpu, wasm, cpu in order; a name forces that backend. */
  readonly requested?: BackendName | 'auto'
  /** Kernels the experiment needs (forward and backward); a backend lacking any is skipped or refused. */
  readonly requiredKernels?: readonly string[]
  /** Injectable candidate list (tests). */
  readonly candidates?: readonly BackendCandidate[]
  /**
   * CPU threads of this process (default 1): XNNPACK's pool on wasm (`enableWasmThreads`) and the fused InfoNCE
   * kernel's workers on wasm and cpu (`setPairwiseLseThreads`).
   */
  readonly threads?: number
}

/** True when `name` is a backend name `--backend` accepts. */
export function isBackendRequest(name: string): name is BackendName | 'auto' {
  return name === 'auto' || (BACKEND_NAMES as readonly string[]).includes(name)
}

/**
 * Choose and activate a tfjs backend. Forced: the named one or a {@link BackendUnavailableError} /
 * {@link MissingKernelsError} with the one-line reason. Auto: the first usable one, recording why each earlier one
 * was skipped. Libraries never call this; the application does, once, before any tensor is created.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  const requested = options.requested ?? 'auto'
  const threads = options.threads ?? 1
  const candidates = options.candidates ?? defaultCandidates({ wasmThreads: threads })
  const needed = options.requiredKernels ?? []
  const forced = requested !== 'auto'
  const pool = forced ? candidates.filter((c) => c.name === requested) : candidates
  if (forced && pool.length === 0) {
    throw new BackendUnavailableError(requested, `unknown backend (choose one of auto, ${BACKEND_NAMES.join(', ')})`)
  }
  const attempts: SelectionAttempt[] = []
  for (const candidate of pool) {
    const skip = (reason: string) => attempts.push({ backend: candidate.name, outcome: 'skipped', reason })
    const availability = await candidate.register()
    if (!availability.ok) {
      if (forced) throw new BackendUnavailableError(candidate.name, availability.reason)
      skip(availability.reason)
      continue
    }
    if (availability.emulatedGpu && !forced) {
      skip(`only a software adapter (${availability.detail}); auto uses hardware GPUs only, force it with --backend webgpu`)
      continue
    }
    const fail = (error: unknown): string => {
      if (forced && isClError(error, 'CL_BACKEND_UNAVAILABLE')) throw error
      const failure = `initialisation failed: ${error instanceof Error ? error.message : String(error)}`
      if (forced) throw new BackendUnavailableError(candidate.name, failure, { cause: error })
      return failure
    }
    // Activation registers the backend's kernels (the WebGPU backend only exists once imported): check after it.
    try {
      await availability.activate?.()
    } catch (error) {
      skip(fail(error))
      continue
    }
    const missing = missingKernels(candidate.name, needed)
    if (missing.length > 0) {
      if (forced) throw new MissingKernelsError(candidate.name, missing)
      skip(`lacks kernels this experiment needs: ${missing.join(', ')}`)
      continue
    }
    let activated = false
    let failure = 'tf.setBackend returned false (initialisation failed)'
    try {
      activated = await tf.setBackend(candidate.name)
      if (activated) await tf.ready()
    } catch (error) {
      activated = false
      failure = fail(error)
    }
    if (!activated) {
      // tf.setBackend resolves false (it does not throw) when a backend fails to initialise.
      if (forced) throw new BackendUnavailableError(candidate.name, failure)
      skip(failure)
      continue
    }
    // @cl/core's fast wasm kernels; the InfoNCE logits in @cl/infonce's own kernel on wasm and cpu, with its worker pool.
    const hostKernel = useReproduceKernels(candidate.name, threads).fusedInfoNce
    const detail = hostKernel ? `${availability.detail}; fused InfoNCE kernel: ${threads} thread${threads === 1 ? '' : 's'}` : availability.detail
    attempts.push({ backend: candidate.name, outcome: 'selected', reason: detail })
    return {
      backend: candidate.name,
      detail,
      forced,
      attempts,
      ...(availability.guards !== undefined ? { guards: availability.guards } : {}),
    }
  }
  const tried = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')
  throw new BackendUnavailableError('auto', `no usable backend (${tried})`)
}

/** One backend as `cl-reproduce backends` shows it. */
export interface BackendProbe {
  readonly backend: BackendName
  readonly available: boolean
  readonly autoEligible: boolean
  readonly detail: string
  /**
   * Available backends: whether its registered kernels include `CONV_TRAINING_KERNELS` (able null: its kernels register
   * only when it is selected, WebGPU).
   */
  readonly convTraining?: { readonly able: boolean | null; readonly missing: readonly string[] }
}

/** Probe every backend without selecting one (for `cl-reproduce backends`). */
export async function probeBackends(candidates: readonly BackendCandidate[] = defaultCandidates()): Promise<BackendProbe[]> {
  const rows: BackendProbe[] = []
  for (const c of candidates) {
    const a = await c.register()
    rows.push(
      a.ok
        ? { backend: c.name, available: true, autoEligible: !a.emulatedGpu, detail: a.detail, convTraining: convTrainingSupport(c.name) }
        : { backend: c.name, available: false, autoEligible: false, detail: a.reason },
    )
  }
  return rows
}

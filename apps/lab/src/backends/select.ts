import * as tf from '@tensorflow/tfjs'
import { ClError } from '@cl/core'
import type { LabBackendAttempt, LabBackendInfo } from '../protocol.js'
import type { LabBackendRequest } from '../settings.js'
import { firstLine, type Availability } from './availability.js'
import { registerWasm } from './wasm.js'
import { registerWebGl } from './webgl.js'
import { registerWebGpu } from './webgpu.js'

export type LabBackendName = LabBackendInfo['name']

/** The order `auto` tries: WebGPU, then WebGL, then wasm (the issue's fallback chain). */
export const LAB_BACKEND_CHAIN: readonly LabBackendName[] = ['webgpu', 'webgl', 'wasm']

const REGISTER: Record<LabBackendName, () => Promise<Availability>> = { webgpu: registerWebGpu, webgl: registerWebGl, wasm: registerWasm }

/** The backend asked for (`?backend=`) cannot run, or no backend of the chain can: the reason of each, in one line. */
export class LabBackendError extends ClError {
  readonly field = 'backend'
  constructor(message: string) {
    super('CL_BACKEND_UNAVAILABLE', message)
    this.name = 'LabBackendError'
  }
}

/**
 * Choose and activate a tfjs backend in the worker, once, before any tensor exists. `auto` takes the first of
 * {@link LAB_BACKEND_CHAIN} that registers, runs on hardware (a software WebGPU adapter is skipped), initialises and has
 * every kernel the experiment needs, and records why each earlier one was skipped; a named backend is that one or a
 * {@link LabBackendError}.
 */
export async function selectLabBackend(requested: LabBackendRequest, requiredKernels: readonly string[], register = REGISTER): Promise<LabBackendInfo> {
  const forced = requested !== 'auto'
  const pool = forced ? [requested] : LAB_BACKEND_CHAIN
  const attempts: LabBackendAttempt[] = []
  for (const name of pool) {
    const reason = await tryBackend(name, forced, requiredKernels, register[name])
    if (typeof reason === 'string') {
      if (forced) throw new LabBackendError(`${name} unavailable: ${reason}`)
      attempts.push({ backend: name, outcome: 'skipped', reason })
      continue
    }
    attempts.push({ backend: name, outcome: 'selected', reason: reason.detail })
    return { name, detail: reason.detail, forced, attempts }
  }
  throw new LabBackendError(`no usable backend (${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')})`)
}

/** Register, set and check one backend: its detail, or why it cannot be used. */
async function tryBackend(name: LabBackendName, forced: boolean, requiredKernels: readonly string[], register: () => Promise<Availability>): Promise<{ detail: string } | string> {
  const availability = await register()
  if (!availability.ok) return availability.reason
  if (availability.emulated === true && !forced) return `only a software adapter (${availability.detail}); auto uses hardware GPUs only, as cl-reproduce does: force it with ?backend=${name}`
  let activated = false
  try {
    activated = await tf.setBackend(name)
    if (activated) await tf.ready()
  } catch (error) {
    return `initialisation failed: ${firstLine(error)}`
  }
  // tf.setBackend resolves false (it does not throw) when a backend fails to initialise.
  if (!activated) return 'tf.setBackend returned false (initialisation failed)'
  const refused = availability.check?.()
  if (refused !== undefined) return refused
  await availability.afterSelect?.()
  const have = new Set(tf.getKernelsForBackend(name).map((k) => k.kernelName))
  const missing = requiredKernels.filter((k) => !have.has(k))
  if (missing.length > 0) return `lacks kernels this experiment needs: ${missing.join(', ')}`
  return { detail: availability.detail }
}

import type { LabBackendInfo } from '../protocol.js'

const LABEL: Record<LabBackendInfo['name'], string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'wasm' }

/**
 * The `#backend` line: the backend in use, then why each earlier one was skipped, e.g.
 * "wasm — WebGPU unavailable: navigator.gpu missing …; WebGL unavailable: no WebGL2 context …".
 */
export function describeBackend(info: LabBackendInfo): string {
  const skipped = info.attempts.filter((a) => a.outcome === 'skipped').map((a) => `${LABEL[a.backend]} unavailable: ${a.reason}`)
  const how = info.forced ? ` (forced by ?backend=${info.name})` : ''
  return skipped.length > 0 ? `${info.name}${how} — ${skipped.join('; ')}` : `${info.name}${how} — ${info.detail}`
}

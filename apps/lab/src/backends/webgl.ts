import * as tf from '@tensorflow/tfjs'
import type { Availability } from './availability.js'

/** The GPU (or software renderer) behind a WebGL2 context, where the browser tells it. */
function rendererOf(gl: WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null
  const name = ext !== null ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)
  return typeof name === 'string' && name !== '' ? name : 'unknown renderer'
}

/**
 * WebGL2 through an OffscreenCanvas (the worker has no DOM). Refused after selection when the context cannot render
 * float32 (tfjs would silently compute in float16, and nothing would match the CLI).
 */
export async function registerWebGl(): Promise<Availability> {
  if (typeof OffscreenCanvas === 'undefined') return { ok: false, reason: 'OffscreenCanvas missing (tfjs-webgl needs it in a worker)' }
  let gl: WebGL2RenderingContext | null = null
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2')
  } catch {
    gl = null
  }
  if (gl === null) return { ok: false, reason: 'no WebGL2 context (getContext("webgl2") returned null)' }
  const renderer = rendererOf(gl)
  ;(gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext()
  if (tf.findBackendFactory('webgl') == null) return { ok: false, reason: 'tfjs registered no webgl backend' }
  return {
    ok: true,
    detail: `WebGL2: ${renderer}`,
    check: () => (tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE') ? undefined : 'renders no float32 textures (tfjs would compute in float16)'),
  }
}

import { mergeConfig } from 'vitest/config'
import { packageProject } from '../../vitest.shared.js'

// A `--dgp` module may live outside the app (examples/, a temp dir): the built CLI re-resolves its `@cl/*` and
// `@tensorflow/*` imports with Node resolve hooks (src/dgp/resolve-hooks.ts). Tests run from source through vitest's
// own resolver, where `dedupe` does the same: these packages always resolve from the app, one tfjs engine.
const SHARED_PACKAGES = ['@cl/core', '@cl/dgp', '@cl/infonce', '@cl/metrics', '@cl/models', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']

export default mergeConfig(packageProject('@cl/reproduce', { testTimeout: 120_000 }), { resolve: { dedupe: SHARED_PACKAGES } })

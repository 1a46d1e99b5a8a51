import { defineConfig, type Options } from 'tsup'

/** The one build shape every library shares: ESM-only, declarations, tfjs kept external. */
export function libraryBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    // tfjs must stay a single, external instance owned by the application (two copies share one engine).
    external: [/^@tensorflow\//, /^@cl\//],
    ...overrides,
  })
}

import { defineProject } from 'vitest/config'

/** Per-package vitest project: node tests read workspace dependencies from source via the `@cl/source` condition. */
export function packageProject(name: string, extra: { testTimeout?: number } = {}) {
  return defineProject({
    // Node-environment tests resolve through the SSR environment: top-level resolve.conditions alone is not enough.
    ssr: { resolve: { conditions: ['@cl/source', 'module', 'node', 'development|production'] } },
    test: {
      name,
      include: ['src/**/*.test.ts'],
      environment: 'node',
      testTimeout: extra.testTimeout ?? 30_000,
    },
  })
}

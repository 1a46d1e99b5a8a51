import type { z } from 'zod'
import { InvalidConfigError } from './errors.js'

/**
 * Validate `input` against a zod schema at a package boundary. On failure throws an
 * {@link InvalidConfigError} naming the first offending field (dotted path under `root`).
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, root = 'config'): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const path = issue?.path.map(String) ?? []
  const field = [root, ...path].join('.')
  let received: unknown = input
  for (const key of path) {
    received = typeof received === 'object' && received !== null ? (received as Record<string, unknown>)[key] : undefined
  }
  throw new InvalidConfigError(field, allowedFrom(issue?.message), received, { cause: parsed.error })
}

/** Turn a zod issue message ("Too small: expected number to be >0") into the allowed-range phrase. */
function allowedFrom(message: string | undefined): string {
  if (!message) return 'a valid value'
  return message.replace(/^(Invalid input|Too small|Too big|Invalid option|Invalid value)\s*:\s*/i, '').replace(/^expected\s+/i, '')
}

import { isClError } from '@cl/core'

/**
 * Exit codes of `cl-reproduce` (one convention for every command):
 * 0 done; 1 a run failed (its status.json says why); 2 the command was refused before anything was written
 * (usage, config, seeds, run directory, backend, lock); 130 stopped by SIGINT; 143 stopped by SIGTERM.
 */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const

/** 128 + signal number, the shell convention. */
export function signalExitCode(signal: string): number {
  return signal === 'SIGTERM' ? EXIT_CODES.sigterm : EXIT_CODES.sigint
}

/** The exit code for an error that ended a run (after its directory was created): 1, or 130 / 143 when stopped. */
export function runExitCode(error: unknown): number {
  if (isClError(error, 'CL_INTERRUPTED')) return signalExitCode(String((error as { signal?: unknown }).signal))
  return EXIT_CODES.failed
}

/** The help text that documents the codes. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0    done',
  '  1    a run failed (status.json in its directory says why; continue with --resume)',
  '  2    refused before anything was written: bad arguments or config, seed range, run directory, backend, or a locked run',
  '  130  stopped by SIGINT (Ctrl-C); the run is marked interrupted, continue with --resume',
  '  143  stopped by SIGTERM; likewise',
].join('\n')

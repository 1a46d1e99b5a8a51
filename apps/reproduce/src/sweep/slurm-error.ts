import { ClError } from '@cl/core'

/** A Slurm command (`sbatch`, `squeue`, `scancel`) failed or is missing; names the command and what it printed. */
export class SlurmError extends ClError {
  readonly command: string
  constructor(command: string, message: string, options?: { cause?: unknown }) {
    super('CL_SLURM', `${command}: ${message}`, options)
    this.name = 'SlurmError'
    this.command = command
  }
}

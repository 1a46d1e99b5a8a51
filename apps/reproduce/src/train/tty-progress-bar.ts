import cliProgress from 'cli-progress'
import { setTtyProgressBar, type TtyProgressBar } from './progress.js'

/** The CLI's terminal progress bar on stderr (`cli-progress`); Node only. */
export function cliProgressBar(format: string): TtyProgressBar {
  return new cliProgress.SingleBar({ format, hideCursor: true, stream: process.stderr, etaBuffer: 50 }, cliProgress.Presets.shades_classic)
}

/** Show training progress as a terminal bar on a TTY (cli.ts, api.ts); the browser lab never imports this module. */
export function installTtyProgressBar(): void {
  setTtyProgressBar(cliProgressBar)
}

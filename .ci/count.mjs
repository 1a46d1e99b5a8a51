// Print the plain 'N passed, N failed' line from vitest's JSON report; exit non-zero on failures or no tests.
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2]
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed')
  console.error(`no vitest report at ${file}: the test run crashed before reporting`)
  process.exit(1)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const passed = report.numPassedTests ?? 0
// Suites that fail to load count as failures even though they contain no executed test.
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0)
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
// The last line is exactly 'N passed, N failed' (what CI reads); skipped tests are reported on the line before.
if (skipped > 0) console.log(`(${skipped} skipped)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 || report.success === false ? 1 : 0)

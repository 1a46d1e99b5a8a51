// Vitest setup (vitest.config.ts): tests make figures as the CLI does, text measured and PNGs rendered by resvg
// (cli.ts and api.ts install the same renderer; tests that import experiments directly would otherwise get none).
import { installNodeFigureRenderer } from './report/node-figures.js'

installNodeFigureRenderer()

// Builds the dispatcher console into console/dist, served by the web process at /console/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One small app: a single chunk loads faster than a waterfall of tiny ones.
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  logLevel: 'warn',
});

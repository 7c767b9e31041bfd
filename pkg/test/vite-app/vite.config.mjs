// Vite config of the test app: `chartpack` is the package in this repository (pkg/index.js).
import { fileURLToPath } from 'node:url';

export default {
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  resolve: { alias: { chartpack: fileURLToPath(new URL('../../index.js', import.meta.url)) } },
  build: { target: 'es2022', emptyOutDir: true, assetsInlineLimit: 0 },
};

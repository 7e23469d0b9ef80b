/**
 * Vite config for the web client (console + dashboard client). The hub serves the output at `/`
 * and the desktop app from its own scheme, so asset URLs are relative and nothing is inlined:
 * the CSP allows scripts and styles only from files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('../renderer/', import.meta.url));
const outDir = fileURLToPath(new URL('../renderer-dist/', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // Inlined assets become data: URLs for scripts and fonts, which the CSP refuses.
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: { strictPort: false },
});

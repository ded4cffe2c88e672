// @ts-nocheck
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Builds the web client into web/dist, which the local gateway serves at `/` (and CDK uploads to
 * S3 behind CloudFront). `static/` holds files copied as they are, such as the runtime config;
 * `public/` stays the gateway's placeholder for a tree where the client was never built.
 */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'static',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev:web` proxies the API to a running `npm start`.
    proxy: Object.fromEntries(['/v1', '/ops', '/local-auth', '/health', '/openapi.json'].map((p) => [p, 'http://127.0.0.1:3000'])),
    fs: { allow: ['..'] },
  },
});

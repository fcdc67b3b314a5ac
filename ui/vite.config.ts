import { defineConfig } from "vite";

// The app loads ui/dist through Tauri's asset protocol under a strict CSP: everything
// must be an external file ('self'), nothing inline.
export default defineConfig({
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  preview: { port: 4173, strictPort: false },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});

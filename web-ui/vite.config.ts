import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The build lands in target/classes/META-INF/resources, which the web-ui jar carries and Quarkus
// serves at /. `npm run dev` proxies the API of a market started with bin/market.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "target/classes/META-INF/resources",
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  // The RKME Web Worker is its own module file under /assets/ (the CSP allows scripts from self only).
  worker: { format: "es" },
  server: {
    port: Number(process.env.UI_DEV_PORT ?? 5173),
    proxy: { "/api": process.env.MARKET_URL ?? "http://localhost:8080" },
    fs: { allow: [".."] },
  },
  test: { include: ["src/**/*.test.ts"] },
});

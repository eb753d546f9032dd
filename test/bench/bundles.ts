import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";

const run = promisify(execFile);

/**
 * Each Lambda function bundled the way SST bundles it by default: esbuild, one ESM file, target
 * node24, minified, platform node, with the createRequire banner SST adds for CommonJS
 * dependencies, every package bundled (the AWS SDK included). Reports the size and the median
 * cold import time of the bundle in a fresh Node process (the module's top level, what a cold
 * start runs before the handler).
 */
export async function measureBundles(root: string, outDir: string, imports = 5): Promise<{ name: string; bytes: number; importMs: number }[]> {
  const names = (await readdir(join(root, "functions"))).filter((f) => f.endsWith(".ts")).sort();
  const results = [];
  for (const file of names) {
    const name = file.replace(/\.ts$/, "");
    const outfile = join(outDir, `${name}.mjs`);
    await build({
      entryPoints: [join(root, "functions", file)],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node24",
      minify: true,
      mainFields: ["module", "main"],
      banner: { js: 'import { createRequire as topLevelCreateRequire } from "module"; const require = topLevelCreateRequire(import.meta.url);' },
      logLevel: "error",
    });
    const bytes = (await stat(outfile)).size;
    const times: number[] = [];
    for (let i = 0; i < imports; i++) {
      const { stdout } = await run(process.execPath, [
        "--input-type=module",
        "-e",
        `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`,
      ]);
      times.push(Number(stdout.trim()));
    }
    times.sort((a, b) => a - b);
    results.push({ name, bytes, importMs: times[Math.floor(times.length / 2)]! });
  }
  return results;
}

/**
 * The import graph of core/, read from the source text. Small on purpose: the two rules it
 * serves (no folder cycle; another module is reached only through its index.ts) need the
 * relative import specifiers and nothing else, so a regex over the files does what
 * dependency-cruiser would, without a dependency tree of its own to pin and audit.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** One relative import: the importing file and the file it names (both relative to the root, no extension). */
export interface ImportEdge {
  from: string;
  to: string;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** Relative specifiers in one file's text (static imports, re-exports, dynamic import()). */
export function relativeSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1]!);
}

/** Every relative import between the .ts files under `dir` (e.g. "core"). */
export function readImports(root: string, dir: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(join(root, d), { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        const from = path.replace(/\.tsx?$/, "");
        for (const spec of relativeSpecifiers(readFileSync(join(root, path), "utf8"))) {
          edges.push({ from, to: normalize(join(dirname(path), spec)).replace(/\.(js|ts)$/, "") });
        }
      }
    }
  };
  walk(dir);
  return edges;
}

/** The folder right under core/ that a path belongs to ("core/sync/jobs" -> "sync"). */
export const moduleOf = (path: string): string | undefined => (path.startsWith("core/") ? path.split("/")[1] : undefined);

/**
 * Imports that reach past another module's face: the target's folder has an index.ts and the
 * import names some other file in it. Folders without an index.ts (shared, store) are toolkits
 * of single-purpose files and are imported file by file.
 */
export function importsPastFace(edges: ImportEdge[], hasIndex: (module: string) => boolean): ImportEdge[] {
  return edges.filter((e) => {
    const own = moduleOf(e.from);
    const target = moduleOf(e.to);
    return target !== undefined && target !== own && hasIndex(target) && e.to !== `core/${target}/index`;
  });
}

/** Folder cycles, each as the list of folders around it (first folder repeated at the end). */
export function folderCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = moduleOf(e.from);
    const b = moduleOf(e.to);
    if (a && b && a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const found = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const cycle = [...path.slice(at), node];
      const key = [...cycle.slice(0, -1)].sort().join(">");
      if (!found.has(key)) {
        found.add(key);
        cycles.push(cycle);
      }
      return;
    }
    if (seen.has(node)) return;
    for (const n of next.get(node) ?? []) visit(n, [...path, node]);
    seen.add(node);
  };
  for (const node of [...next.keys()].sort()) visit(node, []);
  return cycles;
}

/** Whether core/<module>/index.ts exists under `root`. */
export const indexExists = (root: string) => (module: string) => existsSync(join(root, "core", module, "index.ts"));

/** A path relative to the root, for messages. */
export const shown = (root: string, path: string) => relative(root, join(root, path));

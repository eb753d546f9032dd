import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { folderCycles, importsPastFace, indexExists, readImports, relativeSpecifiers } from "../support/module-graph";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the module graph of core/", () => {
  it("has no folder that imports, directly or through others, a folder that imports it", () => {
    // Prepare / Act
    const cycles = folderCycles(readImports(root, "core"));
    // Assess
    expect(cycles.map((c) => c.join(" -> "))).toEqual([]);
  });

  it("reaches another module only through its index.ts", () => {
    const past = importsPastFace(readImports(root, "core"), indexExists(root));
    expect(past.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});

describe("the graph checks themselves", () => {
  it("find static, re-export and dynamic relative imports, and ignore packages", () => {
    const source = `import { a } from "./a";\nexport { b } from "../b/index";\nconst c = await import("./c");\nimport "./side";\nimport z from "zod";`;
    expect(relativeSpecifiers(source)).toEqual(["./a", "../b/index", "./c", "./side"]);
  });

  it("report a cycle through a third folder once", () => {
    const edges = [
      { from: "core/accounts/index", to: "core/sending/index" },
      { from: "core/sending/smtp", to: "core/sync/index" },
      { from: "core/sync/run", to: "core/accounts/index" },
      { from: "core/sync/run", to: "core/store/db" },
    ];
    expect(folderCycles(edges)).toEqual([["accounts", "sending", "sync", "accounts"]]);
  });

  it("report an import of another module's inner file, but not of a folder without index.ts", () => {
    const edges = [
      { from: "core/sending/test-mail", to: "core/accounts/diagnosis" },
      { from: "core/sending/test-mail", to: "core/accounts/index" },
      { from: "core/sending/test-mail", to: "core/shared/log" },
      { from: "core/sending/test-mail", to: "core/sending/smtp" },
    ];
    const past = importsPastFace(edges, (m) => m !== "shared");
    expect(past).toEqual([{ from: "core/sending/test-mail", to: "core/accounts/diagnosis" }]);
  });
});

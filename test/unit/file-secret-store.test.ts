import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileSecretStore } from "../../core/secrets/file-secret-store";

describe("FileSecretStore", () => {
  it("keeps values encrypted on disk, in 0600 files, and reads them back after a restart", async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), "secrets-"));
    const store = new FileSecretStore(dir);
    // Act
    await store.put("account/a1", "p@ss-日本語-secret");
    const reopened = new FileSecretStore(dir);
    // Assess
    expect(await reopened.get("account/a1")).toBe("p@ss-日本語-secret");
    const raw = await readFile(join(dir, "secrets.json"), "utf8");
    expect(raw).not.toContain("p@ss");
    expect((await stat(join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "secrets.key"))).mode & 0o777).toBe(0o600);
  });
  it("replaces on put, forgets on delete, and deleting twice is fine", async () => {
    const store = new FileSecretStore(await mkdtemp(join(tmpdir(), "secrets-")));
    await store.put("n", "one");
    await store.put("n", "two");
    expect(await store.get("n")).toBe("two");
    await store.delete("n");
    await store.delete("n");
    expect(await store.get("n")).toBeUndefined();
  });
  it("creates a value only when there is none by that name", async () => {
    const store = new FileSecretStore(await mkdtemp(join(tmpdir(), "secrets-")));
    const [first, second] = await Promise.all([store.create("n", "one"), store.create("n", "two")]);
    expect([first, second]).toEqual([true, false]);
    expect(await store.get("n")).toBe("one");
  });
  it("detects a value moved to another name (bound by GCM additional data)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secrets-"));
    const store = new FileSecretStore(dir);
    await store.put("a", "alpha");
    const all = JSON.parse(await readFile(join(dir, "secrets.json"), "utf8"));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "secrets.json"), JSON.stringify({ b: all.a }));
    await expect(new FileSecretStore(dir).get("b")).rejects.toThrow();
  });
  it("serialises concurrent writes without losing any", async () => {
    const store = new FileSecretStore(await mkdtemp(join(tmpdir(), "secrets-")));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`k${i}`, `v${i}`)));
    for (let i = 0; i < 20; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
  });
});

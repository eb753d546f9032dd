import { describe, expect, it } from "vitest";
import { SecretCache } from "../../core/sync/secret-cache";
import type { SecretStore } from "../../core/secrets/index";

/** An in-memory SecretStore that counts reads (the real stores have their own tests). */
function countingStore(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const store: SecretStore & { reads: number } = {
    reads: 0,
    async get(name) {
      store.reads++;
      return values.get(name);
    },
    async put(name, value) {
      values.set(name, value);
    },
    async create(name, value) {
      if (values.has(name)) return false;
      values.set(name, value);
      return true;
    },
    async delete(name) {
      values.delete(name);
    },
  };
  return store;
}

describe("SecretCache", () => {
  it("reads a password once per version, and again at once when the version changes", async () => {
    const store = countingStore({ "account/a": "old" });
    const cache = new SecretCache();
    const first = await cache.confirm(store, "account/a", await cache.read(store, "account/a"), "v1");
    const second = await cache.confirm(store, "account/a", await cache.read(store, "account/a"), "v1");
    expect([first, second, store.reads]).toEqual(["old", "old", 1]);
    await store.put("account/a", "new");
    const changed = await cache.confirm(store, "account/a", await cache.read(store, "account/a"), "v2");
    expect([changed, store.reads]).toEqual(["new", 2]);
  });

  it("reads again after its time to live", async () => {
    const store = countingStore({ n: "x" });
    const cache = new SecretCache(0);
    await cache.confirm(store, "n", await cache.read(store, "n"), "v");
    await cache.confirm(store, "n", await cache.read(store, "n"), "v");
    expect(store.reads).toBe(2);
  });

  it("keeps nothing for a missing secret", async () => {
    const store = countingStore({});
    const cache = new SecretCache();
    expect(await cache.confirm(store, "gone", await cache.read(store, "gone"), "v")).toBeUndefined();
    await store.put("gone", "back");
    expect(await cache.confirm(store, "gone", await cache.read(store, "gone"), "v")).toBe("back");
  });
});

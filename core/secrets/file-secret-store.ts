import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretStore } from "./index";

/**
 * The local runtime's secret store: one JSON file of AES-256-GCM encrypted values, under a
 * 256-bit key made on first start. Both files are mode 0600 in a 0700 directory. Each value
 * has its own random IV and is bound to its name (as GCM additional data), so values cannot
 * be swapped between names unnoticed. Writes go through a temporary file and a rename.
 */
export class FileSecretStore implements SecretStore {
  private key?: Buffer;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param dir directory holding `secrets.key` and `secrets.json` (created 0700). */
  constructor(private readonly dir: string) {}

  async put(name: string, value: string): Promise<void> {
    await this.exclusive(async () => {
      const all = await this.readAll();
      all[name] = await this.encrypt(name, value);
      await this.writeAll(all);
    });
  }

  async create(name: string, value: string): Promise<boolean> {
    return this.exclusive(async () => {
      const all = await this.readAll();
      if (name in all) return false;
      all[name] = await this.encrypt(name, value);
      await this.writeAll(all);
      return true;
    });
  }

  async get(name: string): Promise<string | undefined> {
    const all = await this.readAll();
    const entry = all[name];
    return entry ? this.decrypt(name, entry) : undefined;
  }

  async delete(name: string): Promise<void> {
    await this.exclusive(async () => {
      const all = await this.readAll();
      if (!(name in all)) return;
      delete all[name];
      await this.writeAll(all);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadKey(): Promise<Buffer> {
    if (this.key) return this.key;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, "secrets.key");
    try {
      this.key = Buffer.from((await readFile(path, "utf8")).trim(), "base64");
      if (this.key.length !== 32) throw new Error(`${path} does not hold a 256-bit key`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      const fresh = randomBytes(32);
      // "wx": never overwrite a key another process made meanwhile
      await writeFile(path, fresh.toString("base64"), { mode: 0o600, flag: "wx" }).catch(async (e) => {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      });
      this.key = Buffer.from((await readFile(path, "utf8")).trim(), "base64");
    }
    return this.key;
  }

  private async encrypt(name: string, value: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", await this.loadKey(), iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64")).join(".");
  }

  private async decrypt(name: string, entry: string): Promise<string> {
    const [iv, tag, body] = entry.split(".").map((p) => Buffer.from(p, "base64"));
    const decipher = createDecipheriv("aes-256-gcm", await this.loadKey(), iv!);
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8");
  }

  private async readAll(): Promise<Record<string, string>> {
    await this.loadKey();
    try {
      return JSON.parse(await readFile(join(this.dir, "secrets.json"), "utf8"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw err;
    }
  }

  private async writeAll(all: Record<string, string>): Promise<void> {
    const path = join(this.dir, "secrets.json");
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(all), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }
}

import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../../core/local/gateway";

/**
 * `npm start`'s gateway in front of the API: a body over 1 MB gets a prompt 413 naming the limit
 * in the user's language, whether the client declares its length or streams it chunked, and the
 * client reads that answer instead of a reset connection (it used to reset about half of such
 * uploads after ~6 s).
 */
const LIMIT = 1024 * 1024;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let calls = 0;

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    staticDir: "web/dist",
    apiHandler: async (event) => {
      calls++;
      return {
        statusCode: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ bytes: Buffer.byteLength(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8") }),
      };
    },
  });
});
afterAll(async () => gateway?.close());

/** Uploads `size` bytes (declared or chunked) with backpressure, and resolves with the answer and when it came. */
function upload(size: number, chunked: boolean, lang = "en"): Promise<{ status: number; body: any; answeredMs: number; error?: string }> {
  const url = new URL("/api/contacts/import", gateway.url);
  const started = Date.now();
  return new Promise((resolve) => {
    let answered: { status: number; body: any; answeredMs: number } | undefined;
    const req = request(
      url,
      { method: "POST", headers: { "content-type": "text/csv", "accept-language": lang, ...(chunked ? {} : { "content-length": String(size) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        const answeredMs = Date.now() - started;
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          answered = { status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, answeredMs };
          resolve(answered);
        });
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      // an error after the whole answer was read is the server closing a refused upload: fine
      if (!answered) resolve({ status: 0, body: null, answeredMs: Date.now() - started, error: err.code ?? err.message });
    });
    const piece = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(piece.length, size - sent);
        sent += n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("the local gateway's body limit", () => {
  it("passes a body of exactly 1 MB to the API", async () => {
    const before = calls;
    const reply = await upload(LIMIT, false);
    expect(reply.status).toBe(200);
    expect(reply.body.bytes).toBe(LIMIT);
    expect(calls).toBe(before + 1);
  });

  for (const size of [LIMIT + 1, 10 * LIMIT, 100 * LIMIT]) {
    for (const chunked of [false, true]) {
      it(`answers 413 with the limit at once to ${size} bytes ${chunked ? "sent chunked" : "with Content-Length"}, and never calls the API`, async () => {
        const before = calls;
        const reply = await upload(size, chunked);
        expect(reply.error).toBeUndefined();
        expect(reply.status).toBe(413);
        expect(reply.body.error).toMatchObject({ code: "body_too_large", maximumBytes: LIMIT, message: "The request is larger than 1 MB, the most this server accepts." });
        expect(reply.answeredMs).toBeLessThan(3000);
        expect(calls).toBe(before);
      });
    }
  }

  it("answers every one of 20 uploads just over the limit, none with a reset", async () => {
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await upload(LIMIT + 1 + 64 * 1024 * (i % 4), i % 2 === 1));
    expect(replies.map((r) => r.error ?? r.status)).toEqual(Array(20).fill(413));
  });

  it("says it in Japanese to a Japanese browser", async () => {
    const reply = await upload(2 * LIMIT, true, "ja,en;q=0.5");
    expect(reply.status).toBe(413);
    expect(reply.body.error.message).toBe("リクエストが1MBを超えています（このサーバーが受け付ける上限です）。");
  });
});

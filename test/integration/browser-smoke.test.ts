/**
 * Proves the browser harness: Debian's Chromium starts headless under playwright-core and
 * renders Japanese text (fonts-noto-cjk installed).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser } from "../harness/chromium";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

test("opens a data: URL with Japanese text and reads it back", async () => {
  const html = `<!doctype html><meta charset="utf-8"><title>連絡先</title><h1 id="name">山田 太郎様</h1><p>送信済みメール</p>`;
  const page = await browser.newPage();
  try {
    await page.goto(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);

    expect(await page.title()).toBe("連絡先");
    expect(await page.locator("#name").textContent()).toBe("山田 太郎様");
    // Which font actually drew the kanji: without fonts-noto-cjk Chromium falls back to boxes
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "#name" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    expect(fonts.map((f) => f.familyName).join(", ")).toMatch(/CJK/);
  } finally {
    await page.close();
  }
});

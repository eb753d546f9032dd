/**
 * Chromium for browser tests: Debian's package driven by playwright-core. Playwright's own
 * browser downloads are never used (no internet in CI, and `npx playwright install` would fetch
 * a build the distribution does not patch).
 */
import { chromium, type Browser, type LaunchOptions } from "playwright-core";
import { ensureDebianPackages } from "./mail-servers";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Flags for a quiet, deterministic headless run:
 * --no-sandbox: we run as root in CI and Chromium refuses root with its sandbox on
 *   ("Running as root without --no-sandbox is not supported").
 * --disable-quic / -background-networking / -component-update / -sync: no network traffic of
 *   its own (there is no internet here, and a stalled fetch only slows the start).
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Returns the Chromium executable, installing Debian's `chromium` and `fonts-noto-cjk` (without
 * it Japanese renders as boxes) when they are missing and we are root; otherwise it throws with
 * the apt-get command to run.
 */
export async function ensureChromium(): Promise<string> {
  await ensureDebianPackages(
    [
      { name: "chromium", provides: CHROMIUM_PATH },
      { name: "fonts-noto-cjk", provides: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" },
    ],
    "browser tests (Chromium)",
  );
  return CHROMIUM_PATH;
}

/**
 * Launches headless Chromium. Playwright gives every launch() a fresh temporary profile
 * (user-data-dir) and deletes it on close(), so runs never share state. Close the browser in an
 * afterAll/finally.
 */
export async function launchBrowser(options: Omit<LaunchOptions, "executablePath"> = {}): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    ...options,
    executablePath,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

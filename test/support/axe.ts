/**
 * axe-core in a playwright-core page: its own axe.min.js is injected as a script (no bundler, no
 * network) and run with the WCAG 2.0/2.1 A and AA rules, the level issue 14 promises, and axe's
 * best practices.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
let source: Promise<string> | undefined;
const axeSource = () => (source ??= readFile(require.resolve("axe-core/axe.min.js"), "utf8"));

/** Browser-context options a page checked by axe needs (see axeViolations). */
export const AXE_CONTEXT = { bypassCSP: true } as const;

/**
 * WCAG 2.0/2.1 A and AA, plus axe's best practices: these add what the WCAG tags leave out and a
 * screen-reader user still trips on (one main landmark, all content in landmarks, a level-one
 * heading, heading levels in order).
 */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** One entry per failing element: its selector and axe's account of why it fails. */
  nodes: { target: string; summary: string }[];
}

export interface AxeOptions {
  /**
   * Rules switched off for this check. Only for a rule that is a false positive on this page,
   * and only with the reason written next to the call.
   */
  disable?: string[];
}

/**
 * The page's WCAG 2.1 A/AA and best-practice violations, as axe-core finds them in the page as it is now. The
 * console's Content-Security-Policy (rightly) refuses inline scripts: open the page in a context
 * made with `bypassCSP: true` (AXE_CONTEXT), or the injection fails with the browser's CSP error.
 */
export async function axeViolations(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!hasAxe) await page.addScriptTag({ content: await axeSource() });
  const rules = Object.fromEntries((options.disable ?? []).map((id) => [id, { enabled: false }]));
  return page.evaluate(
    async ({ tags, rules }) => {
      const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: RawViolation[] }> } }).axe;
      interface RawViolation {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }
      const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, rules, resultTypes: ["violations"] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), summary: (n.failureSummary ?? "").replace(/\s+/g, " ").trim() })),
      }));
    },
    { tags: AXE_TAGS, rules },
  );
}

/** One line per failing element: "rule (impact): help - selector: why". Empty when none fail. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? "?"}): ${v.help} - ${n.target}: ${n.summary}`)).join("\n");
}

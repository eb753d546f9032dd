import type { Page } from "playwright-core";

/**
 * ASCII words a Japanese reader may see in the console, each with why. Product, provider and
 * protocol names are written in Latin letters in Japanese too (Gmail's own Japanese pages say
 * "Gmail", "IMAP"); everything else must be Japanese. Kept short on purpose: a word that shows up
 * is fixed in the text, not added here.
 */
export const ALLOWED_ASCII_WORDS: ReadonlySet<string> = new Set([
  // providers and products, as they name themselves in Japanese
  "Gmail",
  "Google",
  "Workspace",
  "Microsoft",
  "Outlook",
  "Yahoo",
  "iCloud",
  "Zoho",
  "CRM",
  // protocols and formats, written so in Japanese technical writing
  "IMAP",
  "SMTP",
  "TLS",
  "STARTTLS",
  "OAuth",
  "DNS",
  "API",
  "CSV",
  "PDF",
  "HTTP",
  "HTTPS",
  "URL",
  "SSL", // Japanese mail clients label the choice "SSL/TLS"
  "BCC", // as Gmail's and Outlook's Japanese versions write it
  // products named in hints and file-type labels
  "Amazon",
  "SES",
  "Excel",
  "Word",
  "PowerPoint",
  // character encodings, as Excel's and editors' Japanese save dialogs name them
  "UTF-8",
  "Shift_JIS",
  // unit symbols of sizes, written so in Japanese file managers (Windows, macOS)
  "KB",
  "MB",
  "GB",
  // the language switcher names each language in itself
  "English",
]);

/**
 * The ASCII words in the page's visible text, in document order without repeats, that are not
 * in `allowed`. Left out, as not text for translation: the inside of <details> disclosures (their
 * <summary> still counts), <code>, <kbd>, <pre>, <script>, <style>, <template>, form values
 * (input, textarea; a select's chosen option counts as it is read), hidden elements, elements
 * marked translate="no" (data: names, subjects, folder names as the mail server has them), and
 * email addresses, URLs and host names inside the text.
 */
export async function strayAsciiWords(page: Page, allowed: ReadonlySet<string> = ALLOWED_ASCII_WORDS): Promise<string[]> {
  return [...new Set((await strayAsciiText(page, allowed)).map((s) => s.word))];
}

/** strayAsciiWords with where each word was read: the text around it, for a failure that says what to fix. */
export async function strayAsciiText(page: Page, allowed: ReadonlySet<string> = ALLOWED_ASCII_WORDS): Promise<{ word: string; text: string }[]> {
  const texts = await page.evaluate(() => {
    const SKIP = new Set(["CODE", "KBD", "PRE", "SCRIPT", "STYLE", "TEMPLATE", "TEXTAREA", "INPUT", "NOSCRIPT", "SVG"]);
    const skipped = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        if (SKIP.has(e.tagName.toUpperCase())) return true;
        if (e.getAttribute("translate") === "no") return true;
        // a disclosure's contents, but not its summary
        if (e.tagName === "DETAILS" && !(el && el.closest("summary")?.parentElement === e)) return true;
        if (e.tagName === "OPTION" && !(e as HTMLOptionElement).selected) return true;
      }
      return false;
    };
    // display:none and visibility:hidden are not read; visually-hidden text (clipped) is read out by screen readers and counts
    const visible = (el: Element): boolean => el.checkVisibility({ visibilityProperty: true });
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || skipped(parent) || !visible(parent)) continue;
      texts.push(node.textContent ?? "");
    }
    // titles and labels read out or shown as tooltips count too
    for (const el of Array.from(document.body.querySelectorAll("[aria-label], [title], [placeholder]"))) {
      if (skipped(el) || !visible(el)) continue;
      for (const name of ["aria-label", "title", "placeholder"]) {
        const v = el.getAttribute(name);
        if (v) texts.push(v);
      }
    }
    return texts;
  });
  const found: { word: string; text: string }[] = [];
  for (const text of texts) {
    for (const word of asciiWordsIn(text)) if (!allowed.has(word) && !found.some((f) => f.word === word)) found.push({ word, text: text.trim().slice(0, 120) });
  }
  return found;
}

/** The ASCII words of a text once email addresses, URLs and host names are taken out. */
export function asciiWordsIn(text: string): string[] {
  const cleaned = text
    .replace(/[\w.+'-]+@[\w.-]+/g, " ") // email addresses
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, " ") // URLs
    .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?\b/gi, " ") // host names, file names, versions (imap.example.com:993, 1.3)
    .replace(/(?<=[^\s.])\.[a-z0-9]{1,5}\b/gi, " "); // a file name's extension after a Japanese name (見積書.pdf)
  return cleaned.match(/[A-Za-z][A-Za-z0-9_]*(?:['’-][A-Za-z0-9_]+)*/g) ?? [];
}

// Saving text the API built (the import template, the rejected rows) as a file.

/**
 * Hands `text` to the browser as a download named `filename`. The CSV text already starts with
 * a BOM, which the Blob keeps as the bytes EF BB BF: Excel then reads it as UTF-8.
 */
export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // revoked after the click has been handled, or the download would find no file
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "contacts.csv" -> "contacts-rejected.csv": the file of the rows an import did not take. */
export const rejectedName = (filename: string): string => `${filename.replace(/\.(csv|tsv|txt)$/i, "") || "contacts"}-rejected.csv`;

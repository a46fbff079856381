// csv.js writes tables as CSV (RFC 4180) and hands them to the browser as a download: the audit log's and the
// users page's exports.
//
// A cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a carriage return) gets
// a leading apostrophe, so an exported name such as "=HYPERLINK(…)" stays text when the file is opened
// (OWASP's advice against CSV injection). Then a cell with a comma, a double quote or a line break is quoted,
// its double quotes doubled. Rows end with CRLF, and the file starts with a byte order mark so that
// spreadsheets read it as UTF-8.

// formulaStart is what a spreadsheet may take for the start of a formula.
const formulaStart = /^[=+\-@\t\r]/;

// csvCell is one value as a CSV field: null and undefined are empty, everything else its text.
export function csvCell(value) {
  let s = value == null ? "" : String(value);
  if (formulaStart.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

// csvText is the CSV of rows (arrays of values), the first usually the headers; every row ends with CRLF.
export function csvText(rows) {
  return rows.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

// downloadCSV saves rows as a CSV file named filename through a Blob and a temporary <a download>.
export function downloadCSV(filename, rows) {
  const blob = new Blob(["\ufeff", csvText(rows)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL is released once the browser is done with this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// collectPages walks a paged list from its first page to its last: page(cursor) resolves to { items, next }.
// onProgress hears the count after each page; cancelled() is asked before each page and stops the walk, which
// then resolves to null. Pages that come back short or empty with a next cursor (a filtered audit log) are
// followed like any other.
export async function collectPages(page, { onProgress = () => {}, cancelled = () => false } = {}) {
  const all = [];
  let cursor = null;
  do {
    if (cancelled()) return null;
    const { items, next } = await page(cursor);
    all.push(...items);
    onProgress(all.length);
    cursor = next || null;
  } while (cursor);
  return cancelled() ? null : all;
}

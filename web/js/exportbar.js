// exportbar.js runs a page's CSV export bar (#export, #export-cancel, #export-progress), which the users list and
// the audit log share: Export walks every page of what the list shows (csv.js collectPages), saying how far it
// got, and downloads it as CSV; "Cancel the export" stops it between pages.

import { collectPages, downloadCSV } from "./csv.js";
import { $, plural } from "./ui.js";
import { leaving } from "./session.js";

// wireExport wires the bar. noun names a row ("user", "event"); fetchPage(cursor) answers {items, next};
// rows(items) are the file's rows under header; file() is the file name's start (e.g. "users-contoso").
export function wireExport({ noun, fetchPage, header, rows, file }) {
  let job = null; // { cancelled } while an export runs
  $("export").addEventListener("click", run);
  $("export-cancel").addEventListener("click", () => {
    if (job) job.cancelled = true;
  });

  async function run() {
    if (job) return;
    const mine = { cancelled: false };
    job = mine;
    const button = $("export");
    const cancel = $("export-cancel");
    const progress = $("export-progress");
    button.disabled = true;
    cancel.hidden = false;
    progress.textContent = `Exporting the ${noun}s…`;
    let items;
    try {
      items = await collectPages(fetchPage, {
        onProgress: (n) => { progress.textContent = `Exporting: ${plural(n, noun)} so far…`; },
        cancelled: () => mine.cancelled,
      });
    } catch (err) {
      items = undefined;
      if (leaving(err)) return;
      progress.textContent = `The export failed: ${err.message}`;
    }
    job = null;
    button.disabled = false;
    cancel.hidden = true;
    if (items === undefined) return;
    if (!items) {
      progress.textContent = "Export cancelled. Nothing was downloaded.";
      button.focus();
      return;
    }
    const day = new Date().toISOString().slice(0, 10);
    const filename = `${file()}-${day}.csv`;
    downloadCSV(filename, [header, ...rows(items)]);
    progress.textContent = `Exported ${plural(items.length, noun)} to ${filename}.`;
    button.focus();
  }
}

// slug makes a name safe in a file name.
export function slug(s) {
  return String(s || "account").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "account";
}

// userimport.js is the users page's "Import users" dialog: the administrator chooses a CSV file, which is read in
// the browser (FileReader) and sent as it is to POST /v1/accounts/{id}/user-imports, where it is parsed and
// checked. A dry run (?dryRun=true) comes first and changes nothing: the dialog shows every row with what would
// happen and what is wrong; "Invite N users" then runs the same file and shows the result per row.

import { upload } from "./api.js";
import { $, announce, busy, el, plural, showAlert } from "./ui.js";
import { leaving } from "./session.js";

// Row outcomes (member.Import*) in words.
const outcomes = {
  ready: "Ready to invite",
  created: "Invited: activation email sent",
  invited: "Has a login: invitation to join sent",
  exists: "Already a user of this account: nothing sent",
  error: "Not imported",
  skipped: "Not reached: import the same file again to finish",
};

// createImport wires the dialog for the account; onDone is called after a real run, to read the list again.
export function createImport({ account, onDone }) {
  const dialog = $("import-dialog");
  const form = $("import-form");
  const file = $("import-file");
  const run = $("import-run");
  let text = ""; // the file checked by the last dry run
  let from = null; // what had the focus before the dialog opened
  let ran = false;

  function reset() {
    text = "";
    ran = false;
    form.reset();
    showAlert($("import-alert"), "");
    $("import-file-error").hidden = true;
    file.removeAttribute("aria-invalid");
    $("import-report").hidden = true;
    $("import-rows").replaceChildren();
    $("import-file-field").hidden = false;
    $("import-check").hidden = false;
    run.hidden = true;
    $("import-cancel").textContent = "Cancel";
  }

  function open(opener) {
    from = opener || null;
    reset();
    dialog.showModal();
    file.focus();
  }

  function close() {
    dialog.close();
    if (ran) onDone();
    from?.focus();
  }

  function fileProblem(message) {
    const box = $("import-file-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) {
      file.setAttribute("aria-invalid", "true");
      file.setAttribute("aria-describedby", "import-file-error");
      file.focus();
    } else {
      file.removeAttribute("aria-invalid");
      file.removeAttribute("aria-describedby");
    }
  }

  // read reads the chosen file as text.
  function read(f) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result || ""));
      reader.onerror = () => reject(reader.error);
      reader.readAsText(f);
    });
  }

  async function send(dryRun) {
    const path = `/v1/accounts/${encodeURIComponent(account.id)}/user-imports?dryRun=${dryRun}`;
    return (await upload("POST", path, text, "text/csv")).data;
  }

  function render(result) {
    const rows = Array.isArray(result?.rows) ? result.rows : [];
    const c = result?.counts || {};
    $("import-rows").replaceChildren(...rows.map((r) => el("tr", { dataset: { status: r.status, line: String(r.line) } },
      el("td", {}, String(r.line)),
      el("td", {}, r.email || ""),
      el("td", {}, r.name || ""),
      el("td", {}, outcomes[r.status] || r.status,
        ...(r.errors || []).map((e) => el("span", { className: "field-error row-problem" }, ` ${e.field ? `${e.field}: ` : ""}${e.detail}`))))));
    const parts = result?.dryRun
      ? [`${plural(c.ready || 0, "user")} ready to invite`, `${c.exists || 0} already in the account`, `${plural(c.errors || 0, "row")} with errors`]
      : [`${c.created || 0} invited`, `${c.invited || 0} asked to join`, `${c.exists || 0} already in the account`, `${plural(c.errors || 0, "row")} with errors`];
    if (c.skipped) parts.push(`${c.skipped} not reached`);
    $("import-summary").textContent = `${result?.dryRun ? "Check" : "Done"}: ${parts.join(", ")}.`;
    $("import-report").hidden = false;
    return c;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    showAlert($("import-alert"), "");
    fileProblem("");
    const f = file.files?.[0];
    if (!f) {
      fileProblem("Choose a CSV file.");
      return;
    }
    const button = $("import-check");
    busy(button, true, "Checking…");
    try {
      text = await read(f);
      const c = render(await send(true));
      const ready = c.ready || 0;
      run.hidden = ready === 0;
      run.textContent = `Invite ${plural(ready, "user")}`;
      $("import-summary").focus();
      announce($("import-summary").textContent);
    } catch (err) {
      if (leaving(err)) return;
      $("import-report").hidden = true;
      run.hidden = true;
      if (err.fields?.body) fileProblem(err.fields.body.detail);
      else showAlert($("import-alert"), `The file could not be checked: ${err.message}`);
    } finally {
      busy(button, false);
    }
  });

  run.addEventListener("click", async () => {
    showAlert($("import-alert"), "");
    busy(run, true, "Inviting…");
    try {
      render(await send(false));
      ran = true;
      run.hidden = true;
      $("import-check").hidden = true;
      $("import-file-field").hidden = true;
      $("import-cancel").textContent = "Close";
      $("import-summary").focus();
      announce($("import-summary").textContent);
    } catch (err) {
      if (leaving(err)) return;
      showAlert($("import-alert"), `The users were not invited: ${err.message}`);
    } finally {
      busy(run, false);
    }
  });

  $("import-cancel").addEventListener("click", close);
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    close();
  });

  return { open };
}

package e2e_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestAdministratorFiltersPagesAndExportsTheAuditLog walks a super administrator through the audit log: the
// navigation offers it; filtered by an action and a range of days (the days of 40 events seeded three days ago,
// none of today's) it shows a page of 25 and loads the other 15; the filters are in the address, and Back brings
// the earlier ones back; "Export CSV" downloads every matching event, walking the pages; then on the users page
// "Export CSV" downloads the users that match the status filter, with a comma, double quotes and a formula in a
// name written as RFC 4180 text that no spreadsheet runs.
func TestAdministratorFiltersPagesAndExportsTheAuditLog(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Fabrikam Platform")
	accountID := currentAccount(t, admin)
	var me struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	admin.call("GET", "/v1/me", nil, http.StatusOK, &me)

	// Three days ago: 40 invitations, a minute apart (seeded straight into the table), and one other event.
	first := s.app.Clock.Now().Add(-72 * time.Hour).Truncate(time.Minute)
	var items []map[string]types.AttributeValue
	for i := range 41 {
		e := audit.Event{ID: secret.NewID(), AccountID: accountID, At: first.Add(time.Duration(i) * time.Minute), ActorID: me.User.ID,
			Action: audit.UserInvited, TargetType: audit.TargetUser, TargetID: secret.NewID(), Details: map[string]string{"roles": "read-only"}}
		if i == 40 {
			e.Action, e.Details = audit.UserUpdated, map[string]string{"changed": "name"}
		}
		item, err := dynamo.AuditItem(e)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, item)
	}
	platformtest.TableOf(t, s.env, s.table).BatchPut(items)
	// Today: two invitations through the API, of people whose names a spreadsheet would misread.
	formula := `=HYPERLINK("http://x.test")`
	comma := `Dana "D" Doyle, Jr.`
	for _, name := range []string{formula, comma} {
		inviteByAPI(t, admin, accountID, name, testenv.UniqueEmail(t, "csv"))
	}

	p := s.signedInPage(t, admin)
	downloads := p.downloadsTo()
	// Home's recent activity leads to the audit log narrowed to what an event was about.
	p.open("/", "welcome")
	p.visibleCSS(`#att-audit-list li a`)
	p.clickCSS(`#att-audit-list li a`)
	p.visible("audit-rows")
	target := eval[string](p, "read the target", `new URLSearchParams(location.search).get("target") || ""`)
	if target == "" || p.value("f-target") != target {
		t.Fatalf("home's audit link opened %s with the target filter %q", eval[string](p, "read the address", `location.href`), p.value("f-target"))
	}
	if !p.poll(fmt.Sprintf(`document.querySelectorAll("#audit-rows tr").length > 0 &&
		[...document.querySelectorAll("#audit-rows tr")].every((tr) => tr.dataset.target === %q)`, target)) {
		t.Errorf("the events shown are not all about %s", target)
	}
	p.visibleCSS(`nav [data-nav="audit"]`)
	p.clickCSS(`nav [data-nav="audit"]`)
	p.visible("audit-rows")
	if got := p.attrCSS(`nav [data-nav="audit"]`, "aria-current"); got != "page" {
		t.Errorf("the nav's audit link has aria-current %q, want page", got)
	}

	// The days of the seeded events, in the browser's time zone.
	day := func(at time.Time) string {
		return eval[string](p, "the local day", fmt.Sprintf(`(() => { const d = new Date(%q);
			return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0"); })()`,
			at.Format(time.RFC3339)))
	}
	from, to := day(first), day(first.Add(40*time.Minute))
	p.chooseOption("f-action", "user.invited")
	p.chooseOption("f-from", from)
	p.chooseOption("f-to", to)
	p.click("apply")
	wantAuditRows(t, p, "the first page of the seeded invitations", 25, "user.invited")
	p.visible("load-more")
	p.click("load-more")
	wantAuditRows(t, p, "all the seeded invitations", 40, "user.invited")
	if !p.poll(`document.getElementById("load-more").hidden`) {
		t.Error("Load more is still offered after the last page")
	}
	if got := p.text("audit-summary"); !strings.HasPrefix(got, "40 events") {
		t.Errorf("the summary reads %q", got)
	}
	if got := p.textCSS(`#audit-rows tr .cell-who`); !strings.HasPrefix(got, "Ada Lovelace") {
		t.Errorf("who reads %q, want the administrator's name", got)
	}
	address := eval[string](p, "read the address", `location.search`)
	for _, want := range []string{"action=user.invited", "from=" + from, "to=" + to} {
		if !strings.Contains(address, want) {
			t.Errorf("the address %q lacks %s", address, want)
		}
	}
	p.snap("audit-filtered")

	// Export: every matching event, the same 40, walked page by page.
	p.click("export")
	rows := downloads.next(t, "audit-log-")
	if len(rows) != 41 || rows[0][0] != "When (UTC)" {
		t.Fatalf("the audit export has %d rows, want a header and 40: %v", len(rows), rows[:min(len(rows), 2)])
	}
	for _, r := range rows[1:] {
		if r[1] != "Ada Lovelace" || r[4] != "user.invited" || r[3] != "User invited" {
			t.Fatalf("an exported event reads %q", r)
		}
	}
	p.until("the export says it is done", `document.getElementById("export-progress").textContent.startsWith("Exported 40 events")`)

	// Today only: the two invitations made through the API.
	p.clear("f-to")
	p.chooseOption("f-from", day(s.app.Clock.Now()))
	p.click("apply")
	wantAuditRows(t, p, "today's invitations", 2, "user.invited")

	// Back restores the earlier filters and their events.
	p.do("go back", chromedp.NavigateBack())
	wantAuditRows(t, p, "the seeded invitations again", 25, "user.invited")
	if got := p.value("f-from") + " " + p.value("f-to"); got != from+" "+to {
		t.Errorf("after Back the form's dates are %q, want %s %s", got, from, to)
	}

	// Someone who did nothing here: the empty state.
	p.typeInto("f-actor", "nobody@example.com")
	p.click("apply")
	p.visible("audit-empty")
	if got := p.text("audit-empty-text"); got != "No events match these filters." {
		t.Errorf("the empty state reads %q", got)
	}

	// The users export: the unregistered users, a name with a comma and quotes, and one that looks like a formula.
	p.open("/users?status=unregistered", "user-rows")
	wantRows(t, p, "the unregistered users", formula, comma)
	p.click("export")
	users := downloads.next(t, "users-")
	if len(users) != 3 || users[0][0] != "Name" {
		t.Fatalf("the users export is %q", users)
	}
	if users[1][0] != "'"+formula || users[2][0] != comma {
		t.Errorf("the exported names are %q and %q, want %q and %q", users[1][0], users[2][0], "'"+formula, comma)
	}
	p.until("the users export says it is done", `document.getElementById("export-progress").textContent.startsWith("Exported 2 users")`)
}

// TestCSVQuotesAndDisarmsCells runs csv.js in the portal's page: RFC 4180 quoting, and the apostrophe before a
// cell a spreadsheet would take for a formula.
func TestCSVQuotesAndDisarmsCells(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	p := newPage(t, s.URL)
	p.open("/signin", "email")
	eval[bool](p, "run csv.js", `(import("/js/csv.js").then((m) => { window.csvOut = m.csvText([
		["plain", "a,b", 'say "hi"', "two\nlines", "", null, 42],
		["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b"],
	]); }), true)`)
	p.until("csv.js answered", `typeof window.csvOut === "string"`)
	got := eval[string](p, "read the CSV", `window.csvOut`)
	want := "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,42\r\n" +
		"'=1+2,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",a=b\r\n"
	if got != want {
		t.Errorf("csvText gave\n%q\nwant\n%q", got, want)
	}
}

// TestAuditActionsNameTheCatalog holds the portal's action titles (web/js/auditactions.js) to the audit catalog:
// every action has a title, and no title names an action the catalog lacks.
func TestAuditActionsNameTheCatalog(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "..", "web", "js", "auditactions.js"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range regexp.MustCompile(`\["([a-z_.-]+)", "[^"]+"\]`).FindAllSubmatch(src, -1) {
		listed = append(listed, string(m[1]))
	}
	var catalog []string
	for _, a := range audit.Actions() {
		catalog = append(catalog, string(a))
	}
	slices.Sort(listed)
	slices.Sort(catalog)
	if !slices.Equal(listed, catalog) {
		t.Errorf("auditactions.js names %v\nthe catalog is %v", listed, catalog)
	}
}

// wantAuditRows waits until the audit page shows n events, all of one action.
func wantAuditRows(t *testing.T, p *page, what string, n int, action string) {
	t.Helper()
	expr := fmt.Sprintf(`document.getElementById("audit-table").getAttribute("aria-busy") === "false" &&
		document.getElementById("audit-busy").hasAttribute("data-idle") &&
		document.querySelectorAll("#audit-rows tr").length === %d &&
		[...document.querySelectorAll("#audit-rows tr")].every((tr) => tr.dataset.action === %q)`, n, action)
	if !p.poll(expr) {
		got := eval[string](p, "read the rows", `[...document.querySelectorAll("#audit-rows tr")].map((tr) => tr.dataset.action).join(" ")`)
		t.Fatalf("%s: the page shows %q, want %d × %s (%s)", what, got, n, action, p.text("audit-summary"))
	}
}

// downloadDir is a folder the tab's downloads land in, and the files already taken from it.
type downloadDir struct {
	dir  string
	seen map[string]bool
}

// downloadsTo makes the tab save what it downloads, under the names the page gives, in a temporary folder.
func (p *page) downloadsTo() *downloadDir {
	p.t.Helper()
	d := &downloadDir{dir: p.t.TempDir(), seen: map[string]bool{}}
	id := chromedp.FromContext(p.ctx).BrowserContextID
	p.do("save downloads in a folder", chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		_, err := cdp.Call(ctx, tab, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: id, DownloadPath: d.dir,
		})
		return err
	}))
	return d
}

// next waits for a new finished download whose name starts with prefix and ends in .csv, and reads it as CSV
// (RFC 4180, after its byte order mark). Chromium may create the file under its name before it has written it,
// so a download counts as finished once it has a size that held for one tick.
func (d *downloadDir) next(t *testing.T, prefix string) [][]string {
	t.Helper()
	sizes := map[string]int64{}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(stepWait)
	for {
		entries, err := os.ReadDir(d.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if d.seen[name] || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".csv") {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue // gone meanwhile: Chromium renames as it finishes
			}
			if was, ok := sizes[name]; !ok || info.Size() == 0 || info.Size() != was {
				sizes[name] = info.Size()
				continue
			}
			d.seen[name] = true
			raw, err := os.ReadFile(filepath.Join(d.dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(raw, []byte("\ufeff")) || !bytes.HasSuffix(raw, []byte("\r\n")) {
				t.Errorf("%s does not start with a byte order mark and end with CRLF", name)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatalf("%s is no CSV: %v\n%s", name, err, raw)
			}
			return rows
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("no download %s*.csv within %s (folder: %v)", prefix, stepWait, entries)
		}
	}
}

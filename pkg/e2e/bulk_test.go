package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestAdministratorImportsUsersFromACSVFile: on the users page, the administrator imports a CSV file of three
// people, one with a bad address. The dry run shows that row's problem and offers to invite the other two; the
// run invites them, shows the result per row, their activation emails arrive, and the list shows them.
func TestAdministratorImportsUsersFromACSVFile(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	_, admin := s.adminSession(t, "Northwind Platform")
	grace, alan := testenv.UniqueEmail(t, "grace"), testenv.UniqueEmail(t, "alan")
	file := filepath.Join(t.TempDir(), "people.csv")
	csv := "\uFEFFEmail,First name,Last name,Roles\r\n" +
		grace + ",Grace,Hopper,read-only\r\n" +
		"not an address,Bad,Row,read-only\r\n" +
		alan + ",Alan,Turing,Read-only\r\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	p := s.signedInPage(t, admin)
	p.open("/users", "user-rows")
	wantRows(t, p, "the list before", "Ada Lovelace")
	p.click("import-users")
	p.visible("import-form")
	p.uploadFile("import-file", file)
	p.click("import-check")
	p.visible("import-report")
	p.until("the dry run lists three rows", `document.querySelectorAll("#import-rows tr").length === 3`)
	if got := p.attrCSS(`#import-rows tr[data-line="3"]`, "data-status"); got != "error" {
		t.Errorf("the bad row is %q, want error", got)
	}
	if got := p.textCSS(`#import-rows tr[data-line="3"]`); !strings.Contains(got, "email") {
		t.Errorf("the bad row reads %q, want its email problem", got)
	}
	if got := p.text("import-run"); got != "Invite 2 users" {
		t.Errorf("the run button reads %q", got)
	}
	focusIs(p, "import-summary")
	p.snap("import-dry-run")
	if n := s.mailCount(t, grace); n != 0 {
		t.Fatalf("the dry run sent %d emails", n)
	}

	p.click("import-run")
	p.until("two rows are invited", `document.querySelectorAll('#import-rows tr[data-status="created"]').length === 2`)
	if got := p.text("import-summary"); !strings.HasPrefix(got, "Done: 2 invited") {
		t.Errorf("the summary reads %q", got)
	}
	p.snap("import-done")
	for _, email := range []string{grace, alan} {
		s.activationLinkIn(t, s.waitMail(t, email, 0))
	}
	p.click("import-cancel")
	wantRows(t, p, "the list after", "Ada Lovelace", "Alan Turing", "Grace Hopper")
}

// TestAdministratorResendsToEveryMatchingUser: 60 invited users (seeded through the store), more than a page of
// the list and more than a page of the server's bulk resend. The administrator selects the 25 shown, takes the
// offer to select every user who matches, and resends: the page loops over the server's pages, saying how far
// it got, and ends with a summary per outcome; the emails arrive.
func TestAdministratorResendsToEveryMatchingUser(t *testing.T) {
	t.Parallel()
	clock := &aheadClock{}
	s := newStack(t, withClock(clock))
	_, admin := s.adminSession(t, "Northwind Platform")
	tb := platformtest.TableOf(t, s.env, s.table)
	acc := tb.Account(currentAccount(t, admin))
	tag := fmt.Sprintf("bulk%d", time.Now().UnixNano()%1e9) // the mailbox is shared by every test
	tb.SeedInvited(acc, 60, tag, clock.Now())

	p := s.signedInPage(t, admin)
	p.open("/users?status=unregistered", "user-rows")
	p.until("a page of 25 is shown", `document.querySelectorAll("#user-rows tr").length === 25 && !document.getElementById("load-more").hidden`)
	p.click("select-all")
	p.visible("bulk-all")
	if got := p.text("bulk-all-text"); !strings.Contains(got, "All 25 users shown") {
		t.Errorf("the offer reads %q", got)
	}
	p.click("bulk-all-select")
	if got := p.text("bulk-count"); !strings.Contains(got, "Every user who matches") {
		t.Errorf("the selection reads %q", got)
	}
	// Every text the progress line shows is kept, however fast the pages go.
	p.until("watch the progress line", `(() => {
		const line = document.getElementById("bulk-progress-text");
		window.progressSeen = [];
		new MutationObserver(() => window.progressSeen.push(line.textContent)).observe(line, {childList: true, characterData: true, subtree: true});
		return true;
	})()`)
	p.click("bulk-resend")
	p.visible("bulk-results")
	focusIs(p, "bulk-results")
	if got := p.text("bulk-results-title"); !strings.Contains(got, "Done. 60 of 60 users sent") {
		t.Errorf("the summary is titled %q", got)
	}
	if got := p.textCSS(`#bulk-totals li[data-result="sent"]`); !strings.HasPrefix(got, "60 sent") {
		t.Errorf("the sent line reads %q", got)
	}
	seen := eval[[]string](p, "read the progress", `window.progressSeen`)
	// A page is at most 50 users (fewer when the server runs short of time: onboarding.pageReserve).
	between := slices.ContainsFunc(seen, func(s string) bool {
		var sent, of int
		_, err := fmt.Sscanf(s, "Sent %d of %d users so far…", &sent, &of)
		return err == nil && sent == of && sent < 60
	})
	if !between || !slices.Contains(seen, "Sent 60 of 60 users so far.") {
		t.Errorf("the progress line showed %q", seen)
	}
	p.snap("resent-all")
	for _, i := range []int{0, 59} {
		s.activationLinkIn(t, s.waitMail(t, fmt.Sprintf("user%05d.%s@example.com", i, tag), 0))
	}
}

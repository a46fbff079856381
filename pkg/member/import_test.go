package member_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// csvHeaders are an import's headers: the portal's origin and the CSV media type.
var csvHeaders = map[string]string{"origin": platformtest.Origin, "content-type": "text/csv"}

// importCSV is POST /v1/accounts/{id}/user-imports with a CSV file.
func (h *harness) importCSV(token, accountID, csv string, dryRun bool) platformtest.Reply {
	h.t.Helper()
	return h.do(h.users, call{route: member.RouteImport, params: map[string]string{"id": accountID}, token: token, body: csv,
		query: url.Values{"dryRun": {fmt.Sprint(dryRun)}}, headers: csvHeaders})
}

// importRows maps each row's email (or "line N" when it has none) to "status" or "status field:code,...".
func importRows(t *testing.T, r platformtest.Reply) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, _ := r.JSON["rows"].([]any)
	for _, x := range rows {
		m := x.(map[string]any)
		s := m["status"].(string)
		var codes []string
		errs, _ := m["errors"].([]any)
		for _, e := range errs {
			fe := e.(map[string]any)
			codes = append(codes, fmt.Sprintf("%s:%s", fe["field"], fe["code"]))
		}
		if len(codes) > 0 {
			s += " " + strings.Join(codes, ",")
		}
		key, _ := m["email"].(string)
		if key == "" {
			key = fmt.Sprintf("line %v", m["line"])
		}
		if _, dup := out[key]; dup {
			key += fmt.Sprintf(" (line %v)", m["line"])
		}
		out[key] = s
	}
	return out
}

// importWorld is an MSP with an administrator and one user already in it.
func importWorld(t *testing.T) (h *harness, msp account.Account, tok string, existing user.User) {
	h = newHarness(t)
	msp = h.account(account.MSP, &h.provider, "Import MSP")
	admin := h.person(msp, "Ada Admin", user.Active, role.AccountAdmin)
	existing = h.person(msp, "Eve Existing", user.Active, role.ReadOnly)
	return h, msp, h.session(admin, msp), existing
}

// importFile has a good row, a bad one (address and role), a repeat of the first, a user already in the account,
// and a good row with two roles given by title and name in any case.
func importFile(tag string, existing user.User) string {
	return "\uFEFFEmail,First Name,Last Name,Roles,Phone\r\n" +
		"grace." + tag + "@example.com,Grace,Hopper,read-only,+1 206 555 0100\r\n" +
		"not-an-address,Bad,Row,wizard,\r\n" +
		"GRACE." + tag + "@example.com,Grace,Again,read-only,\r\n" +
		existing.Email + ",Eve,Existing,read-only,\r\n" +
		"\"alan." + tag + "@example.com\",Alan,\"Turing, Jr\",accounts; READ-ONLY,\r\n"
}

func TestImportDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	h, msp, tok, existing := importWorld(t)
	before := h.Snapshot()
	r := h.importCSV(tok, msp.ID, importFile("dry", existing), true)
	platformtest.WantStatus(t, r, 200)
	got := importRows(t, r)
	want := map[string]string{
		"grace.dry@example.com": member.ImportReady,
		"not-an-address":        member.ImportError + " email:invalid_email,roles:unknown_role",
		"GRACE.dry@example.com": member.ImportError + " email:duplicate",
		existing.Email:          member.ImportExists,
		"alan.dry@example.com":  member.ImportReady,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %v\nwant %v", got, want)
	}
	counts := r.JSON["counts"].(map[string]any)
	if counts["rows"] != 5.0 || counts["ready"] != 2.0 || counts["errors"] != 2.0 || counts["exists"] != 1.0 || r.JSON["dryRun"] != true {
		t.Errorf("answer %s", r.Body)
	}
	rows := r.JSON["rows"].([]any)
	if first := rows[0].(map[string]any); first["line"] != 2.0 || first["name"] != "Grace Hopper" || first["invitation"] != member.ByActivation {
		t.Errorf("first row %v", first)
	}
	h.Unchanged(before, "a dry run")
}

func TestImportInvitesEachRowOnceAndRerunsSafely(t *testing.T) {
	t.Parallel()
	h, msp, tok, existing := importWorld(t)
	other := h.account(account.MSP, &h.provider, "Other MSP")
	elsewhere := h.person(other, "Lin Elsewhere", user.Active, role.ReadOnly)
	file := importFile("run", existing) + elsewhere.Email + ",Lin,Elsewhere,read-only,\r\n"
	usersBefore := len(h.ItemsOf(table.TypeUser))

	r := h.importCSV(tok, msp.ID, file, false)
	platformtest.WantStatus(t, r, 201)
	got := importRows(t, r)
	want := map[string]string{
		"grace.run@example.com": member.ImportCreated,
		"not-an-address":        member.ImportError + " email:invalid_email,roles:unknown_role",
		"GRACE.run@example.com": member.ImportError + " email:duplicate",
		existing.Email:          member.ImportExists,
		"alan.run@example.com":  member.ImportCreated,
		elsewhere.Email:         member.ImportInvited,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows %v\nwant %v", got, want)
	}
	if n := len(h.ItemsOf(table.TypeUser)); n != usersBefore+2 {
		t.Errorf("%d users, want %d", n, usersBefore+2)
	}
	// Each created row is an invited user with its membership, roles and activation email, like a single invite.
	for _, x := range r.JSON["rows"].([]any) {
		row := x.(map[string]any)
		if row["status"] != member.ImportCreated {
			continue
		}
		u := h.User(row["userId"].(string))
		m, found := h.membership(u.ID, msp.ID)
		if u.Status != user.Invited || !found || u.ActivationMessageID == "" || h.message(u.ActivationMessageID).Template != "activation" {
			t.Errorf("row %v: user %+v, membership %v", row, u, found)
		}
		if u.Email == "alan.run@example.com" && (u.Name != "Alan Turing, Jr" || !slices.Equal(m.Roles, []role.Name{role.MSPAccounts, role.ReadOnly})) {
			t.Errorf("alan: %q %v", u.Name, m.Roles)
		}
	}
	audits := h.audits(msp.ID)
	if n := count(audits, string(audit.UserInvited)); n != 2 || count(audits, string(audit.MembershipInvited)) != 1 || count(audits, string(audit.UsersImported)) != 1 {
		t.Errorf("audit %v", audits)
	}

	t.Run("case=rerun", func(t *testing.T) {
		h.clock.Advance(2 * time.Minute) // past every resend interval: a rerun would be free to send again
		r := h.importCSV(tok, msp.ID, file, false)
		platformtest.WantStatus(t, r, 201)
		got := importRows(t, r)
		for _, email := range []string{"grace.run@example.com", "alan.run@example.com", existing.Email, elsewhere.Email} {
			if got[email] != member.ImportExists {
				t.Errorf("%s: %q, want exists", email, got[email])
			}
		}
		if n := len(h.ItemsOf(table.TypeUser)); n != usersBefore+2 {
			t.Errorf("%d users after the rerun, want %d", n, usersBefore+2)
		}
		if n := count(h.audits(msp.ID), string(audit.UserInvited)); n != 2 {
			t.Errorf("%d user.invited after the rerun", n)
		}
	})
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func TestImportRefusesAFileWhole(t *testing.T) {
	t.Parallel()
	h, msp, tok, _ := importWorld(t)
	header := "email,first name,last name,roles\n"
	var many strings.Builder
	many.WriteString(header)
	for i := range member.MaxImportRows + 1 {
		fmt.Fprintf(&many, "u%d@example.com,U,%d,read-only\n", i, i)
	}
	big := header + strings.Repeat("a@example.com,"+strings.Repeat("x", 1000)+",y,read-only\n", member.MaxImportBytes/1000+1)
	for _, c := range []struct {
		name, file string
		field      string
	}{
		{"too many rows", many.String(), "body:too_many_rows"},
		{"too large", big, "body:too_large"},
		{"no roles column", "email,first name,last name\na@example.com,A,B\n", "body:missing_column"},
		{"header only", header, "body:required"},
		{"bad quotes", header + "\"a@example.com,A,B,read-only\nx\"y,1,2,3\n", "body:invalid_csv"},
	} {
		t.Run("case="+c.name, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				before := h.Snapshot()
				r := h.importCSV(tok, msp.ID, c.file, dry)
				platformtest.WantProblem(t, r, 400, "validation")
				if f := r.Fields(); !slices.Equal(f, []string{c.field}) {
					t.Errorf("dry run %v: fields %v, want %s", dry, f, c.field)
				}
				h.Unchanged(before, "a refused import")
			}
		})
	}
	t.Run("case=not csv", func(t *testing.T) {
		ev, _ := platformtest.Event(platformtest.Request{Route: member.RouteImport, Params: map[string]string{"id": msp.ID}, Cookie: tok, Body: map[string]any{"csv": header}})
		r, err := platformtest.Invoke(h.users, ev)
		if err != nil {
			t.Fatal(err)
		}
		platformtest.WantProblem(t, r, 415, "unsupported-media-type")
	})
}

func TestImportNeedsUsersManage(t *testing.T) {
	t.Parallel()
	h, msp, _, existing := importWorld(t)
	reader := h.session(h.person(msp, "Rita Reader", user.Active, role.ReadOnly), msp)
	other := h.account(account.MSP, &h.provider, "Someone Else's MSP")
	stranger := h.session(h.person(other, "Olga Other", user.Active, role.AccountAdmin), other)
	before := h.Snapshot()
	platformtest.WantProblem(t, h.importCSV(reader, msp.ID, importFile("perm", existing), false), 403, "forbidden")
	platformtest.WantProblem(t, h.importCSV(stranger, msp.ID, importFile("perm", existing), true), 404, "account-not-found")
	platformtest.WantProblem(t, h.importCSV(stranger, msp.ID, importFile("perm", existing), false), 404, "account-not-found")
	h.Unchanged(before, "refused imports")
}

package account_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
)

func TestDisableAndEnable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		from          account.Status
		contactActive bool
		want          account.Status
	}{
		{"case=active comes back active", account.Active, true, account.Active},
		{"case=active stays active even without its contact", account.Active, false, account.Active},
		{"case=pending stays pending", account.Pending, false, account.Pending},
		{"case=pending whose contact activated meanwhile", account.Pending, true, account.Active},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			off := account.Account{ID: "a", Status: c.from}.Disable()
			if off.Status != account.Disabled || off.StatusBeforeDisable != c.from {
				t.Fatalf("disabled %+v", off)
			}
			if again := off.Disable(); again.StatusBeforeDisable != c.from {
				t.Fatalf("disabling twice lost the status: %+v", again)
			}
			on := off.Enable(c.contactActive)
			if on.Status != c.want || on.StatusBeforeDisable != "" {
				t.Fatalf("enabled %+v, want %s", on, c.want)
			}
		})
	}
	t.Run("case=enabling an enabled account changes nothing", func(t *testing.T) {
		t.Parallel()
		a := account.Account{ID: "a", Status: account.Pending}
		if got := a.Enable(true); got.Status != account.Pending {
			t.Fatalf("%+v", got)
		}
	})
}

func TestUsable(t *testing.T) {
	t.Parallel()
	on := func(id string) account.Account { return account.Account{ID: id, Status: account.Active} }
	off := func(id string) account.Account { return account.Account{ID: id, Status: account.Disabled} }
	cases := []struct {
		name    string
		a       account.Account
		above   []account.Account
		usable  bool
		blocked string
	}{
		{"case=all enabled", on("c"), []account.Account{on("root"), on("msp")}, true, ""},
		{"case=itself disabled", off("c"), []account.Account{on("root")}, false, ""},
		{"case=parent disabled", on("c"), []account.Account{on("root"), off("msp")}, false, "msp"},
		{"case=the highest disabled account is named", on("c"), []account.Account{on("root"), off("msp"), off("partner")}, false, "msp"},
		{"case=pending is usable", account.Account{ID: "c", Status: account.Pending}, nil, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := account.Usable(c.a, c.above); got != c.usable {
				t.Fatalf("usable %v", got)
			}
			b, ok := account.BlockedBy(c.above)
			if ok != (c.blocked != "") || b.ID != c.blocked {
				t.Fatalf("blocked by %q %v", b.ID, ok)
			}
		})
	}
}

// TestBlockersLeaveOutTheRoot: the accounts whose being disabled blocks an account are its ancestors but the
// root, which nothing is above and nothing can disable.
func TestBlockersLeaveOutTheRoot(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ancestors []string
		want      []string
	}{
		{nil, nil},
		{[]string{"root"}, nil},
		{[]string{"root", "msp"}, []string{"msp"}},
		{[]string{"root", "msp", "partner"}, []string{"msp", "partner"}},
	} {
		got := account.Account{ID: "a", Ancestors: c.ancestors}.Blockers()
		if !slices.Equal(got, c.want) {
			t.Errorf("Blockers of an account below %v = %v, want %v", c.ancestors, got, c.want)
		}
	}
}

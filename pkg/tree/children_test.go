package tree_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// children lists one page of an account's children.
func (f *fixture) children(cookie, id string, query map[string]string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.accounts, request{route: tree.RouteChildren, id: id, cookie: cookie, query: query})
}

// names lists the names of a children page.
func names(r platformtest.Reply) []string {
	var out []string
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["name"].(string))
	}
	return out
}

func TestChildrenArePagedByName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Paging MSP")
	want := []string{"alpha Partner", "Bravo Partner", "charlie Partner", "Delta Partner", "echo Partner", "Foxtrot Partner", "golf Partner"}
	shuffled := []int{4, 0, 6, 2, 5, 1, 3}
	ids := map[string]string{}
	for _, i := range shuffled {
		ids[want[i]] = f.create(account.Partner, m, want[i])
	}
	// Grandchildren count on their parent, and are not listed one level up.
	f.create(account.Customer, ids["Bravo Partner"], "Bravo Customer One")
	f.create(account.Customer, ids["Bravo Partner"], "Bravo Customer Two")
	cookie := f.adminOf(m)

	t.Run("case=pages of three", func(t *testing.T) {
		var got []string
		cursor := ""
		for page := 1; ; page++ {
			q := map[string]string{"limit": "3"}
			if cursor != "" {
				q["cursor"] = cursor
			}
			r := f.children(cookie, m, q)
			platformtest.WantStatus(t, r, 200)
			got = append(got, names(r)...)
			next, _ := r.JSON["next"].(string)
			if page == 3 {
				if len(names(r)) != 1 || r.JSON["next"] != nil {
					t.Fatalf("last page %s", r.Body)
				}
				break
			}
			if len(names(r)) != 3 || next == "" {
				t.Fatalf("page %d: %s", page, r.Body)
			}
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("names %v, want %v (case-insensitive order)", got, want)
		}
	})
	t.Run("case=a full last page says it is the last", func(t *testing.T) {
		r := f.children(cookie, m, map[string]string{"limit": "7"})
		if len(names(r)) != 7 || r.JSON["next"] != nil {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("case=default page", func(t *testing.T) {
		r := f.children(cookie, m, nil)
		platformtest.WantStatus(t, r, 200)
		if len(names(r)) != 7 {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("case=each child with its own counts", func(t *testing.T) {
		r := f.children(cookie, m, map[string]string{"limit": "2"})
		items := r.JSON["items"].([]any)
		bravo := items[1].(map[string]any)
		counts := bravo["counts"].(map[string]any)
		perms := bravo["permissions"].(map[string]any)
		if bravo["id"] != ids["Bravo Partner"] || bravo["kind"] != "partner" || bravo["status"] != "pending" || bravo["blocked"] != false ||
			counts["customers"] != 2.0 || perms["edit"] != true || perms["disable"] != true {
			t.Fatalf("child %v", bravo)
		}
	})
	t.Run("case=empty", func(t *testing.T) {
		r := f.children(f.super, ids["alpha Partner"], nil)
		platformtest.WantStatus(t, r, 200)
		if items, ok := r.JSON["items"].([]any); !ok || len(items) != 0 || r.JSON["next"] != nil {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("case=outside the caller's tree", func(t *testing.T) {
		platformtest.WantProblem(t, f.children(f.adminOf(ids["alpha Partner"]), m, nil), 404, "account-not-found")
	})
}

func TestChildrenRefuseBadPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Cursor MSP")
	other := f.create(account.MSP, f.providerID, "Other Cursor MSP")
	for _, n := range []string{"One", "Two", "Three"} {
		f.create(account.Partner, m, "Cursor "+n)
		f.create(account.Partner, other, "Other "+n)
	}
	first := f.children(f.super, m, map[string]string{"limit": "1"})
	good, _ := first.JSON["next"].(string)
	foreign, _ := f.children(f.super, other, map[string]string{"limit": "1"}).JSON["next"].(string)
	if good == "" || foreign == "" {
		t.Fatal("no cursors to tamper with")
	}
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	tampered := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"sk":"ACCOUNT"`, `"sk":"USER"`, 1)))
	extra := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `{`, `{"x":"y",`, 1)))
	cases := []struct {
		name   string
		query  map[string]string
		fields []string
	}{
		{"case=garbage cursor", map[string]string{"cursor": "!!not-base64!!"}, []string{"cursor:invalid"}},
		{"case=not json", map[string]string{"cursor": base64.RawURLEncoding.EncodeToString([]byte("nope"))}, []string{"cursor:invalid"}},
		{"case=another list's cursor", map[string]string{"cursor": foreign}, []string{"cursor:invalid"}},
		{"case=tampered key", map[string]string{"cursor": tampered}, []string{"cursor:invalid"}},
		{"case=extra attribute", map[string]string{"cursor": extra}, []string{"cursor:invalid"}},
		{"case=huge cursor", map[string]string{"cursor": strings.Repeat("A", 5000)}, []string{"cursor:invalid"}},
		{"case=limit zero", map[string]string{"limit": "0"}, []string{"limit:invalid"}},
		{"case=limit too large", map[string]string{"limit": "101"}, []string{"limit:invalid"}},
		{"case=limit not a number", map[string]string{"limit": "ten"}, []string{"limit:invalid"}},
		{"case=both", map[string]string{"limit": "-1", "cursor": "x"}, []string{"cursor:invalid", "limit:invalid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.children(f.super, m, c.query)
			platformtest.WantProblem(t, r, 400, "validation")
			if got := r.Fields(); !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
	t.Run("case=the good cursor works", func(t *testing.T) {
		r := f.children(f.super, m, map[string]string{"limit": "1", "cursor": good})
		if fmt.Sprint(names(r)) != "[Cursor Three]" {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("case=limit 100", func(t *testing.T) {
		platformtest.WantStatus(t, f.children(f.super, m, map[string]string{"limit": "100"}), 200)
	})
}

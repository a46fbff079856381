package onboarding_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// goodActivation is a valid activation body.
var goodActivation = mustJSON(map[string]string{
	"password":         "violet kettle marching north",
	"securityQuestion": "What was the name of your first pet?",
	"securityAnswer":   "  Captain   Whiskers ",
})

func (f *fixture) open(token string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.activation, onboarding.RouteGetActivation, map[string]string{"token": token}, "", "")
}

func (f *fixture) activate(token, body string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.activation, onboarding.RouteActivate, map[string]string{"token": token}, "", body)
}

func TestActivationLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Customer, f.providerID, "Linked Co")
	tok := f.linkToken(c.ContactUserID)
	u := f.User(c.ContactUserID)

	r := f.open(tok)
	if r.StatusCode != 200 {
		t.Fatalf("open: %d %s", r.StatusCode, r.Body)
	}
	for k, want := range map[string]string{"purpose": "activation", "email": u.Email, "name": u.Name, "accountName": "Linked Co",
		"accountKind": "customer", "expiresAt": "2026-03-05T09:00:00Z"} {
		if got := r.Str(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if rules := r.JSON["passwordRules"].(map[string]any); rules["minLength"] != 8.0 || rules["maxLength"] != 128.0 {
		t.Errorf("passwordRules %v", rules)
	}
	if qs := r.JSON["securityQuestions"].([]any); len(qs) < 3 {
		t.Errorf("securityQuestions %v", qs)
	}
	b := r.JSON["branding"].(map[string]any)
	if b["name"] != "PartnerHub" || b["color"] != "#1f5fbf" || b["logoUrl"] != nil || b["supportEmail"] != nil {
		t.Errorf("branding %v", b)
	}

	t.Run("case=invalid", func(t *testing.T) {
		other, _ := secret.NewKeyring([]byte(strings.Repeat("k", 32)))
		for _, bad := range []string{"nonsense", tok + "x", other.LinkToken(secret.PurposeActivation, u.ActivationTokenID),
			f.keys.LinkToken(secret.PurposeReset, u.ActivationTokenID), f.keys.LinkToken(secret.PurposeActivation, secret.NewID())} {
			if r := f.open(bad); r.StatusCode != 404 || r.Problem() != "link-invalid" {
				t.Fatalf("open %q: %d %s", bad, r.StatusCode, r.Body)
			}
			if r := f.activate(bad, goodActivation); r.StatusCode != 404 || r.Problem() != "link-invalid" {
				t.Fatalf("activate %q: %d %s", bad, r.StatusCode, r.Body)
			}
		}
	})
}

func TestActivate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.MSP, f.providerID, "Activating MSP")
	tok := f.linkToken(c.ContactUserID)
	f.clock.Advance(time.Hour)

	r := f.activate(tok, goodActivation)
	if r.StatusCode != 200 || r.Str("status") != "active" || r.Str("email") != f.User(c.ContactUserID).Email {
		t.Fatalf("activate: %d %s", r.StatusCode, r.Body)
	}
	u := f.User(c.ContactUserID)
	if u.Status != user.Active || !u.ActivatedAt.Equal(start.Add(time.Hour)) || u.Version != 2 ||
		!passhash.Check(u.PasswordHash, "violet kettle marching north") ||
		!passhash.CheckAnswer(u.SecurityAnswerHash, "captain whiskers") || u.SecurityQuestion != "What was the name of your first pet?" {
		t.Fatalf("user %+v", u)
	}
	if acc := f.Account(c.ID); acc.Status != account.Active || acc.Version != 2 {
		t.Fatalf("account %+v", acc)
	}
	item := f.item(table.TokenKey(u.ActivationTokenID))
	if platformtest.Str(item["status"]) != token.Used || item[table.AttrXPK] != nil || item[table.AttrXSK] != nil {
		t.Fatal("the used token is not marked used or is still on the expiry index")
	}
	var actions []string
	for _, e := range f.ItemsOf(table.TypeAudit) {
		if platformtest.Str(e["accountId"]) == c.ID {
			actions = append(actions, platformtest.Str(e["action"]))
		}
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"account.activated", "account.created", "user.activated"}) {
		t.Fatalf("audit on the account: %v", actions)
	}

	t.Run("case=reused", func(t *testing.T) {
		before := f.Snapshot()
		for _, r := range []platformtest.Reply{f.open(tok), f.activate(tok, goodActivation)} {
			if r.StatusCode != 410 || r.Problem() != "link-used" {
				t.Fatalf("reuse: %d %s", r.StatusCode, r.Body)
			}
			contact, _ := r.JSON["contact"].(map[string]any)
			if contact["name"] != onboarding.DefaultAdminName || contact["email"] != onboarding.DefaultAdminEmail ||
				!strings.Contains(r.Str("detail"), onboarding.DefaultAdminEmail) {
				t.Fatalf("the answer does not say whom to ask: %s", r.Body)
			}
		}
		f.Unchanged(before, "a reused link")
	})
}

func TestActivationExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Partner, f.providerID, "Late Partner")
	tok := f.linkToken(c.ContactUserID)

	f.clock.Advance(72*time.Hour - time.Second)
	if r := f.open(tok); r.StatusCode != 200 {
		t.Fatalf("a second before the deadline: %d %s", r.StatusCode, r.Body)
	}
	f.clock.Advance(2 * time.Second)
	before := f.Snapshot()
	// The sweep has not run: every read checks the deadline itself.
	for _, r := range []platformtest.Reply{f.open(tok), f.activate(tok, goodActivation)} {
		if r.StatusCode != 410 || r.Problem() != "link-expired" || !strings.Contains(r.Str("detail"), "expired on 5 March 2026") {
			t.Fatalf("after the deadline: %d %s", r.StatusCode, r.Body)
		}
	}
	f.Unchanged(before, "an expired link")
	if u := f.User(c.ContactUserID); u.Status != user.Invited {
		t.Fatalf("user %s", u.Status)
	}
}

// TestActivationIsSingleUse uses one token twenty times at once: exactly one request registers the user.
func TestActivationIsSingleUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Customer, f.providerID, "Racing Co")
	tok := f.linkToken(c.ContactUserID)

	const n = 20
	replies := make([]platformtest.Reply, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			replies[i] = f.activate(tok, mustJSON(map[string]string{
				"password":         "violet kettle marching north " + strings.Repeat("!", i),
				"securityQuestion": "What was the name of your first pet?",
				"securityAnswer":   "whiskers",
			}))
		})
	}
	close(gate)
	wg.Wait()
	winner := -1
	for i, r := range replies {
		switch {
		case r.StatusCode == 200:
			if winner >= 0 {
				t.Fatalf("requests %d and %d both activated", winner, i)
			}
			winner = i
		case r.StatusCode == 410 && r.Problem() == "link-used":
		default:
			t.Fatalf("request %d: %d %s", i, r.StatusCode, r.Body)
		}
	}
	if winner < 0 {
		t.Fatal("no request activated")
	}
	u := f.User(c.ContactUserID)
	if !passhash.Check(u.PasswordHash, "violet kettle marching north "+strings.Repeat("!", winner)) || u.Version != 2 {
		t.Fatal("the stored password is not the winner's, or the user was written more than once")
	}
}

func TestActivationRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Customer, f.providerID, "Rules Co")
	tok := f.linkToken(c.ContactUserID)
	local, _, _ := strings.Cut(f.User(c.ContactUserID).Email, "@")
	body := func(pw, q, a string) string {
		return mustJSON(map[string]string{"password": pw, "securityQuestion": q, "securityAnswer": a})
	}
	const q, a = "Which street did you grow up on?", "Elm"
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"too short", body("zqx7wv", q, a), []string{"password:too_short"}},
		{"too long", body(strings.Repeat("violet kettle ", 10), q, a), []string{"password:too_long"}},
		{"common", body("password", q, a), []string{"password:common"}},
		{"digits", body("12345678", q, a), []string{"password:common"}},
		{"keyboard", body("qwertyui", q, a), []string{"password:common"}},
		{"decorated", body("P@ssw0rd2024!", q, a), []string{"password:common"}},
		{"service name", body("PartnerHub rocks", q, a), []string{"password:common"}},
		{"email", body("my "+local+" secret", q, a), []string{"password:contains_email"}},
		{"short and common", body("1234567", q, a), []string{"password:too_short", "password:common"}},
		{"missing", body("", "", ""), []string{"password:required", "securityQuestion:required", "securityAnswer:required"}},
		{"short question and answer", body("violet kettle marching", "Pet?", " x "), []string{"securityQuestion:too_short", "securityAnswer:too_short"}},
		{"question of 9 characters", body("violet kettle marching", "Pet name?", a), []string{"securityQuestion:too_short"}},
		{"answer of 2 characters", body("violet kettle marching", q, " Ab "), []string{"securityAnswer:too_short"}},
		{"only spaces", body("          ", q, a), []string{"password:blank"}},
		{"published list", body("pineapple", q, a), []string{"password:common"}},
		{"published list decorated", body("Blink182!!", q, a), []string{"password:common"}},
		{"question with a direction override", body("violet kettle marching", "Which street\u202e did you grow up on?", a),
			[]string{"securityQuestion:invisible_character"}},
		{"answer with a zero-width space", body("violet kettle marching", q, "El\u200bm"), []string{"securityAnswer:invisible_character"}},
		{"long answer", body("violet kettle marching", q, strings.Repeat("a", 201)), []string{"securityAnswer:too_long"}},
		{"wrong type and unknown field", `{"password": 12345678, "securityQuestion": "` + q + `", "securityAnswer": "Elm", "remember": true}`,
			[]string{"password:wrong_type", "remember:unknown_field"}},
		{"invalid JSON", `{"password":`, []string{"body:invalid_json"}},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			before := f.Snapshot()
			r := f.activate(tok, tc.body)
			got := r.Fields()
			if r.StatusCode != 400 || !sameSet(got, tc.want) {
				t.Fatalf("answer %d %s\nerrors %v, want %v", r.StatusCode, r.Body, got, tc.want)
			}
			f.Unchanged(before, "a rejected activation")
		})
	}

	t.Run("case=without two-factor the minimum is 15", func(t *testing.T) {
		body := accountBody(account.Customer, f.providerID, "No 2FA Rules Co", "no2fa@example.net")
		body["twoFactor"] = map[string]any{"enabled": false}
		r := f.call(f.signup, onboarding.RouteCreateAccount, nil, f.super, mustJSON(body))
		if r.StatusCode != 201 {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		tok := f.linkToken(r.Str("contactUserId"))
		if r := f.open(tok); r.JSON["passwordRules"].(map[string]any)["minLength"] != 15.0 {
			t.Fatalf("rules %s", r.Body)
		}
		if r := f.activate(tok, mustJSON(map[string]string{"password": "violet kettle", "securityQuestion": q, "securityAnswer": a})); r.StatusCode != 400 ||
			!sameSet(r.Fields(), []string{"password:too_short"}) {
			t.Fatalf("14 characters: %d %s", r.StatusCode, r.Body)
		}
		// The shortest question and answer allowed: 10 characters, and 3 once case and spaces fold.
		if r := f.activate(tok, mustJSON(map[string]string{"password": "violet kettle m", "securityQuestion": "Pets name?", "securityAnswer": " E  l M "})); r.StatusCode != 200 {
			t.Fatalf("15 characters: %d %s", r.StatusCode, r.Body)
		}
	})
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestActivatingTheSuperAdministrator(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.linkToken(f.adminID)
	r := f.open(tok)
	if r.StatusCode != 200 || r.Str("accountKind") != "provider" || r.Str("email") != onboarding.DefaultAdminEmail {
		t.Fatalf("open: %d %s", r.StatusCode, r.Body)
	}
	if r := f.activate(tok, goodActivation); r.StatusCode != 200 {
		t.Fatalf("activate: %d %s", r.StatusCode, r.Body)
	}
	if acc := f.Account(f.providerID); acc.Status != account.Active {
		t.Fatalf("provider %s", acc.Status)
	}
	// Nobody invited the first administrator: the operator is whom to ask.
	if r := f.open(tok); r.StatusCode != 410 || !strings.Contains(r.Str("detail"), "operator") || r.JSON["contact"] != nil {
		t.Fatalf("reuse: %d %s", r.StatusCode, r.Body)
	}
}

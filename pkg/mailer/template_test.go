package mailer_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

const portal = "https://portal.example.com"

func renderer(t *testing.T) *mailer.Renderer {
	t.Helper()
	r, err := mailer.Templates()
	if err != nil {
		t.Fatalf("embedded templates: %v", err)
	}
	return r
}

func TestEmbeddedTemplatesAreComplete(t *testing.T) {
	t.Parallel()
	got := renderer(t).Names()
	for _, want := range []string{"activation", "activation-resend", "membership", "otp", "password-reset"} {
		if !renderer(t).Has(want) {
			t.Errorf("template %q missing; have %v", want, got)
		}
	}
}

func TestNewRendererRejectsAnIncompleteTemplate(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fstest.MapFS{
		"case=no-html": {
			"x.subject.tmpl": {Data: []byte("hi")},
			"x.txt.tmpl":     {Data: []byte("hi")},
		},
		"case=no-text": {
			"x.subject.tmpl": {Data: []byte("hi")},
			"x.html.tmpl":    {Data: []byte("<p>hi</p>")},
		},
		"case=bad-syntax": {
			"x.subject.tmpl": {Data: []byte("{{.Data.name")},
			"x.html.tmpl":    {Data: []byte("<p>hi</p>")},
			"x.txt.tmpl":     {Data: []byte("hi")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := mailer.NewRenderer(fsys); err == nil {
				t.Fatal("NewRenderer accepted an incomplete template")
			}
		})
	}
}

// templateCase describes one template: a message that renders, the data keys it cannot do without, and text
// each part must show.
type templateCase struct {
	template  string
	secretRef string
	secret    string
	data      map[string]string
	required  []string
	subject   string
	body      []string // in both HTML and text
}

var linkToken = "tokid." + strings.Repeat("M", 43)

func templateCases() []templateCase {
	invite := map[string]string{
		"name": "Ada Lovelace", "accountName": "Analytical Engines Ltd", "roles": "Account administrator",
		"expiresAt": "2026-01-18T12:00:00Z", "inviter": "Charles Babbage",
	}
	return []templateCase{
		{
			template: "activation", secretRef: "activation:tokid", secret: linkToken, data: invite,
			required: []string{"name", "accountName", "roles", "expiresAt"},
			subject:  "Activate your PartnerHub account for Analytical Engines Ltd",
			body: []string{"Ada Lovelace", "Charles Babbage has invited you", "Account administrator",
				"Sunday 18 January 2026, 12:00 UTC", portal + "/activate#" + linkToken},
		},
		{
			template: "activation-resend", secretRef: "activation:tokid", secret: linkToken, data: invite,
			required: []string{"name", "accountName", "roles", "expiresAt"},
			subject:  "Activate your PartnerHub account for Analytical Engines Ltd",
			body:     []string{portal + "/activate#" + linkToken},
		},
		{
			template: "membership", secretRef: "membership:tokid", secret: linkToken, data: invite,
			required: []string{"name", "accountName", "roles", "expiresAt"},
			subject:  "You have been added to Analytical Engines Ltd on PartnerHub",
			body:     []string{"Charles Babbage has added you", portal + "/accept#" + linkToken},
		},
		{
			template: "password-reset", secretRef: "reset:tokid", secret: linkToken, data: map[string]string{"name": "Ada"},
			subject: "Reset your PartnerHub password",
			body:    []string{"Hello Ada", "valid for 1 hour", portal + "/reset#" + linkToken},
		},
		{
			template: "otp", secretRef: "otp:chal:1", secret: "042917", data: map[string]string{},
			subject: "Your PartnerHub sign-in code",
			body:    []string{"042917", "valid for 60 seconds"},
		},
	}
}

func TestTemplatesRender(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	for _, tc := range templateCases() {
		t.Run("template="+tc.template, func(t *testing.T) {
			t.Parallel()
			m := outbox.Message{Template: tc.template, Data: tc.data, SecretRef: tc.secretRef}
			c, err := r.Render(tc.template, mailer.NewView(m, outbox.DefaultBrand, portal, tc.secret))
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if c.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", c.Subject, tc.subject)
			}
			if strings.Contains(c.Subject, tc.secret) {
				t.Error("the secret is in the subject")
			}
			for _, want := range tc.body {
				if !strings.Contains(c.HTML, want) {
					t.Errorf("HTML does not contain %q", want)
				}
				if !strings.Contains(c.Text, want) {
					t.Errorf("text does not contain %q", want)
				}
			}
			if !strings.HasPrefix(c.HTML, "<!DOCTYPE html>") || !strings.Contains(c.HTML, `<html lang="en">`) {
				t.Error("HTML is not a whole document with a language")
			}
		})
	}
}

func TestTemplatesFailWithoutRequiredData(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	for _, tc := range templateCases() {
		for _, key := range tc.required {
			t.Run("template="+tc.template+"/missing="+key, func(t *testing.T) {
				t.Parallel()
				data := maps.Clone(tc.data)
				delete(data, key)
				m := outbox.Message{Template: tc.template, Data: data, SecretRef: tc.secretRef}
				_, err := r.Render(tc.template, mailer.NewView(m, outbox.DefaultBrand, portal, tc.secret))
				if !errors.Is(err, mailer.ErrRender) || !strings.Contains(err.Error(), key) {
					t.Fatalf("err = %v, want ErrRender naming %q", err, key)
				}
			})
		}
		t.Run("template="+tc.template+"/missing=secret", func(t *testing.T) {
			t.Parallel()
			m := outbox.Message{Template: tc.template, Data: tc.data}
			_, err := r.Render(tc.template, mailer.NewView(m, outbox.DefaultBrand, portal, ""))
			if !errors.Is(err, mailer.ErrRender) {
				t.Fatalf("err = %v, want ErrRender", err)
			}
		})
	}
}

func TestUnknownTemplate(t *testing.T) {
	t.Parallel()
	_, err := renderer(t).Render("nope", mailer.View{})
	if !errors.Is(err, mailer.ErrUnknownTemplate) {
		t.Fatalf("err = %v, want ErrUnknownTemplate", err)
	}
}

func TestTemplatesEscapeData(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	evil := `<script>alert("x")</script>`
	m := outbox.Message{Template: "activation", SecretRef: "activation:tokid", Data: map[string]string{
		"name": evil, "accountName": "Evil & Co\r\nBcc: victim@example.com", "roles": `<img src=x onerror=alert(1)>`,
		"expiresAt": "2026-01-18T12:00:00Z", "inviter": `"><a href="javascript:alert(1)">`,
	}}
	c, err := r.Render("activation", mailer.NewView(m, outbox.DefaultBrand, portal, linkToken))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<img src=x", `"><a href="javascript`} {
		if strings.Contains(c.HTML, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	if !strings.Contains(c.HTML, "&lt;script&gt;") {
		t.Error("HTML does not show the escaped name")
	}
	if strings.ContainsAny(c.Subject, "\r\n") || !strings.Contains(c.Subject, "Evil & Co Bcc: victim@example.com") {
		t.Errorf("subject = %q, want one line", c.Subject)
	}
	if !strings.Contains(c.Text, evil) {
		t.Error("the text part should show the name as written")
	}
}

func TestTemplatesCarryTheBrand(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	m := outbox.Message{Template: "activation", SecretRef: "activation:tokid", Data: map[string]string{
		"name": "Ada", "accountName": "Engines", "roles": "Read-only", "expiresAt": "2026-01-18T12:00:00Z",
	}}
	t.Run("case=partner-brand", func(t *testing.T) {
		t.Parallel()
		brand := outbox.Brand{Name: "Acme MSP", LogoURL: "https://cdn.acme.example/logo.png", Color: "#AA3300",
			SupportEmail: "help@acme.example", SupportURL: "https://acme.example/support"}
		c, err := r.Render("activation", mailer.NewView(m, brand, portal, linkToken))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`<img src="https://cdn.acme.example/logo.png" alt="Acme MSP"`,
			"background-color:#AA3300",
			`href="mailto:help@acme.example"`,
			`href="https://acme.example/support"`,
			"color:#ffffff", // white label on a dark brand colour
		} {
			if !strings.Contains(c.HTML, want) {
				t.Errorf("HTML does not contain %q", want)
			}
		}
		if c.Subject != "Activate your Acme MSP account for Engines" {
			t.Errorf("subject = %q", c.Subject)
		}
		for _, want := range []string{"Acme MSP", "help@acme.example", "https://acme.example/support"} {
			if !strings.Contains(c.Text, want) {
				t.Errorf("text does not contain %q", want)
			}
		}
	})
	t.Run("case=light-colour", func(t *testing.T) {
		t.Parallel()
		c, err := r.Render("activation", mailer.NewView(m, outbox.Brand{Name: "Sunny", Color: "#FFE066"}, portal, linkToken))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.HTML, "color:#1f2328;text-decoration:none") {
			t.Error("the button label is not dark on a light brand colour")
		}
	})
	t.Run("case=unsafe-brand", func(t *testing.T) {
		t.Parallel()
		brand := outbox.Brand{Name: "Bad", LogoURL: "javascript:alert(1)", Color: "red;background:url(https://x)",
			SupportEmail: "not an address", SupportURL: "javascript:alert(2)"}
		c, err := r.Render("activation", mailer.NewView(m, brand, portal, linkToken))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"javascript:", "<img", "url(", "not an address"} {
			if strings.Contains(c.HTML, bad) {
				t.Errorf("HTML contains %q", bad)
			}
		}
		if !strings.Contains(c.HTML, "background-color:"+outbox.DefaultBrand.Color) {
			t.Error("an invalid colour did not fall back to the default")
		}
	})
}

func TestLinkTokenTravelsInTheFragment(t *testing.T) {
	t.Parallel()
	keys, err := secret.NewKeyring([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	token, err := keys.Derive(context.Background(), secret.LinkRef(secret.PurposeActivation, "tokid"))
	if err != nil {
		t.Fatal(err)
	}
	v := mailer.NewView(outbox.Message{SecretRef: secret.LinkRef(secret.PurposeActivation, "tokid")}, outbox.DefaultBrand, portal+"/", token)
	link, err := v.Link()
	if err != nil {
		t.Fatal(err)
	}
	path, fragment, ok := strings.Cut(link, "#")
	if !ok || path != portal+"/activate" || strings.Contains(path, token) {
		t.Fatalf("link = %q, want the token after # on %s/activate", link, portal)
	}
	if id, ok := keys.ParseLinkToken(context.Background(), secret.PurposeActivation, fragment); !ok || id != "tokid" {
		t.Fatalf("fragment does not parse as the activation token")
	}
	if _, err := v.Code(); err == nil {
		t.Error("a link message has no code")
	}
}

package mailer

// Templates are embedded files, three per email: templates/<name>.subject.tmpl (text/template),
// templates/<name>.html.tmpl (html/template) and templates/<name>.txt.tmpl (text/template). Adding the three
// files registers the template <name>; files starting with "_" are partials shared by all templates.
//
// A template sees a View: .Data.<key> for the message's data, .Brand, .Link (the link with its token in the
// URL fragment) and .Code (a one-time code). A missing data key fails rendering, and so does .Link or .Code
// when the message carries no such secret: a template that needs a value cannot send an email without it.
// Optional data is read with `index .Data "key"`, which yields "" when the key is missing.

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

//go:embed templates/*.tmpl
var embedded embed.FS

// Errors of rendering. Both are final: sending the same message again cannot succeed.
var (
	ErrUnknownTemplate = errors.New("unknown template")
	ErrRender          = errors.New("render template")
)

// aliases are template names that reuse another template's files.
var aliases = map[string]string{
	"activation-resend": "activation",
}

// Content is a rendered email.
type Content struct {
	// From is the sender, with the brand's name (set by the mailer, not by templates).
	From    string
	Subject string
	HTML    string
	Text    string
}

// Renderer renders the templates of a file system. It is safe for concurrent use.
type Renderer struct {
	set map[string]templateFiles
}

type templateFiles struct {
	subject *texttemplate.Template
	html    *htmltemplate.Template
	text    *texttemplate.Template
}

// Templates returns the renderer of the embedded templates.
func Templates() (*Renderer, error) {
	sub, err := fs.Sub(embedded, "templates")
	if err != nil {
		return nil, err
	}
	return NewRenderer(sub)
}

// NewRenderer parses every template of fsys (files at its root, named as described in the package) and
// fails if any of them is incomplete or does not parse.
func NewRenderer(fsys fs.FS) (*Renderer, error) {
	subjects, err := fs.Glob(fsys, "*.subject.tmpl")
	if err != nil {
		return nil, err
	}
	funcs := map[string]any{"when": when, "button": button}
	r := &Renderer{set: map[string]templateFiles{}}
	for _, s := range subjects {
		name := strings.TrimSuffix(s, ".subject.tmpl")
		if strings.HasPrefix(name, "_") {
			continue
		}
		var t templateFiles
		if t.subject, err = texttemplate.New(s).Option("missingkey=error").Funcs(funcs).ParseFS(fsys, s); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		htmlFiles := []string{name + ".html.tmpl"}
		if partials, _ := fs.Glob(fsys, "_*.html.tmpl"); len(partials) > 0 {
			htmlFiles = append(htmlFiles, partials...)
		}
		if t.html, err = htmltemplate.New(htmlFiles[0]).Option("missingkey=error").Funcs(funcs).ParseFS(fsys, htmlFiles...); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		textFiles := []string{name + ".txt.tmpl"}
		if partials, _ := fs.Glob(fsys, "_*.txt.tmpl"); len(partials) > 0 {
			textFiles = append(textFiles, partials...)
		}
		if t.text, err = texttemplate.New(textFiles[0]).Option("missingkey=error").Funcs(funcs).ParseFS(fsys, textFiles...); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		r.set[name] = t
	}
	for alias, target := range aliases {
		if t, ok := r.set[target]; ok {
			r.set[alias] = t
		}
	}
	return r, nil
}

// Names lists the templates, sorted.
func (r *Renderer) Names() []string {
	names := make([]string, 0, len(r.set))
	for n := range r.set {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Has reports whether the template exists.
func (r *Renderer) Has(name string) bool {
	_, ok := r.set[name]
	return ok
}

// Render renders the template name for v. Errors wrap ErrUnknownTemplate or ErrRender.
func (r *Renderer) Render(name string, v View) (Content, error) {
	t, ok := r.set[name]
	if !ok {
		return Content{}, fmt.Errorf("%w %q", ErrUnknownTemplate, name)
	}
	var subject, html, text bytes.Buffer
	if err := t.subject.Execute(&subject, v); err != nil {
		return Content{}, fmt.Errorf("%w %s subject: %w", ErrRender, name, err)
	}
	if err := t.html.Execute(&html, v); err != nil {
		return Content{}, fmt.Errorf("%w %s html: %w", ErrRender, name, err)
	}
	if err := t.text.Execute(&text, v); err != nil {
		return Content{}, fmt.Errorf("%w %s text: %w", ErrRender, name, err)
	}
	// A subject is one line; a newline in data must not reach the header.
	c := Content{Subject: strings.Join(strings.Fields(subject.String()), " "), HTML: html.String(), Text: text.String()}
	if c.Subject == "" {
		return Content{}, fmt.Errorf("%w %s: empty subject", ErrRender, name)
	}
	return c, nil
}

// View is what a template sees.
type View struct {
	// Data is the message's data.
	Data map[string]string
	// Brand is the sanitized effective branding.
	Brand outbox.Brand
	link  string
	code  string
	// signIn is the portal's sign-in page, in the email's brand.
	signIn string
}

// brandQuery is the query that makes a portal page show brand b (?brand=<account id>), "" for PartnerHub's.
func brandQuery(b outbox.Brand) string {
	if b.AccountID == "" {
		return ""
	}
	return "?brand=" + url.QueryEscape(b.AccountID)
}

// SignIn is the address of the portal's sign-in page, showing the email's brand.
func (v View) SignIn() string { return v.signIn }

// linkPaths are the portal pages that take each kind of link token. The token travels in the URL fragment,
// which browsers never send to a server, so no access log ever holds it.
var linkPaths = map[string]string{
	secret.PurposeActivation: "/activate",
	secret.PurposeMembership: "/accept",
	secret.PurposeReset:      "/reset",
}

// NewView builds the view of a message. secretValue is what the keyring derived from m.SecretRef: a link token
// becomes .Link, a one-time code becomes .Code.
func NewView(m outbox.Message, brand outbox.Brand, portalURL, secretValue string) View {
	v := View{Data: m.Data, Brand: safe(brand)}
	if v.Data == nil {
		v.Data = map[string]string{}
	}
	v.signIn = strings.TrimRight(portalURL, "/") + "/signin" + brandQuery(v.Brand)
	if secretValue == "" {
		return v
	}
	kind, _, _ := strings.Cut(m.SecretRef, ":")
	if p, ok := linkPaths[kind]; ok {
		v.link = strings.TrimRight(portalURL, "/") + p + brandQuery(v.Brand) + "#" + secretValue
	} else if kind == "otp" {
		v.code = secretValue
	}
	return v
}

// Link is the link that carries the message's token; it is an error for a message without one.
func (v View) Link() (string, error) {
	if v.link == "" {
		return "", errors.New("the message has no link token")
	}
	return v.link, nil
}

// Code is the message's one-time code; it is an error for a message without one.
func (v View) Code() (string, error) {
	if v.code == "" {
		return "", errors.New("the message has no one-time code")
	}
	return v.code, nil
}

// Button is a call to action in an HTML email.
type Button struct {
	URL, Label, Color, TextColor string
}

// button makes a Button whose label stays readable on the brand colour.
func button(url, label, color string) Button {
	return Button{URL: url, Label: label, Color: color, TextColor: textOn(color)}
}

// textOn picks black or white text for a #RRGGBB background by its relative luminance (WCAG 2), so a light
// brand colour does not leave a white label unreadable.
func textOn(color string) string {
	// Contrast with white is 1.05/(l+0.05), with black (l+0.05)/0.05; they are equal at l ≈ 0.179.
	if l, ok := branding.Luminance(color); ok && l > 0.179 {
		return "#1f2328"
	}
	return "#ffffff"
}

// when formats an RFC 3339 time from the data for people; anything else is shown as it is.
func when(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("Monday 2 January 2006, 15:04 UTC")
}

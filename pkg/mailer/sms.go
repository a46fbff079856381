package mailer

// Text messages travel through the same outbox as emails: a message with Channel outbox.ChannelSMS is claimed,
// sent and recorded exactly like an email (sesMessageId then holds the SMS service's message id), only rendered
// from templates/<name>.sms.tmpl and handed to an outbox.SMSSender instead of SES. An SMS template sees the same
// View as an email: .Data, .Brand, .Code.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// maxSMS bounds a rendered text: ten GSM segments. Templates stay well inside one or two.
const maxSMS = 1530

var smsTemplates = sync.OnceValues(func() (map[string]*texttemplate.Template, error) {
	sub, err := fs.Sub(embedded, "templates")
	if err != nil {
		return nil, err
	}
	return parseSMS(sub)
})

// parseSMS parses every templates/<name>.sms.tmpl of fsys.
func parseSMS(fsys fs.FS) (map[string]*texttemplate.Template, error) {
	files, err := fs.Glob(fsys, "*.sms.tmpl")
	if err != nil {
		return nil, err
	}
	out := map[string]*texttemplate.Template{}
	for _, f := range files {
		t, err := texttemplate.New(f).Option("missingkey=error").ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("sms template %s: %w", f, err)
		}
		out[strings.TrimSuffix(f, ".sms.tmpl")] = t
	}
	return out, nil
}

// RenderSMS renders the SMS template name for v. Errors wrap ErrUnknownTemplate or ErrRender.
func RenderSMS(name string, v View) (string, error) {
	set, err := smsTemplates()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrRender, err)
	}
	t, ok := set[name]
	if !ok {
		return "", fmt.Errorf("%w %q (sms)", ErrUnknownTemplate, name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("%w %s sms: %w", ErrRender, name, err)
	}
	text := strings.TrimSpace(b.String())
	if text == "" || len(text) > maxSMS {
		return "", fmt.Errorf("%w %s sms: %d bytes", ErrRender, name, len(text))
	}
	return text, nil
}

// renderMessage renders a message for its channel: Content.Text is an SMS's body.
func (m *Mailer) renderMessage(ctx context.Context, msg outbox.Message) (Content, error) {
	if msg.Channel != outbox.ChannelSMS {
		return m.render(ctx, msg)
	}
	switch {
	case m.c.SMS == nil:
		return Content{}, &finalError{"no SMS sender is configured"}
	case !e164(msg.To):
		return Content{}, &finalError{"the recipient is not a mobile number in E.164"}
	}
	var value string
	if msg.SecretRef != "" {
		v, err := m.c.Keys.Derive(ctx, msg.SecretRef)
		if errors.Is(err, secret.ErrUnknownVersion) {
			return Content{}, fmt.Errorf("derive the code: %w", err) // retried, as in render
		}
		if err != nil {
			return Content{}, &finalError{"bad secret reference"}
		}
		value = v
	}
	account := msg.BrandAccountID
	if account == "" {
		account = msg.AccountID
	}
	brand, err := m.c.Brands.Branding(ctx, account)
	if err != nil {
		return Content{}, fmt.Errorf("branding of %s: %w", account, err)
	}
	text, err := RenderSMS(msg.Template, NewView(msg, brand, m.c.PortalURL, value))
	if err != nil {
		return Content{}, &finalError{truncate(err.Error(), 300)}
	}
	return Content{Text: text}, nil
}

// sendMessage sends a rendered message through its channel and returns the service's message id.
func (m *Mailer) sendMessage(ctx context.Context, msg outbox.Message, c Content) (string, error) {
	if msg.Channel != outbox.ChannelSMS {
		return m.send(ctx, msg, c)
	}
	return m.c.SMS.SendSMS(ctx, outbox.SMS{To: msg.To, Body: c.Text, Template: msg.Template, MessageID: msg.ID})
}

// permanent reports whether a failed send cannot succeed later.
func permanent(msg outbox.Message, err error) bool {
	if msg.Channel == outbox.ChannelSMS {
		return errors.Is(err, outbox.ErrSMSRejected)
	}
	return permanentSES(err)
}

// sendSummary is what the item's lastError keeps of a failed send. It never holds the message's text.
func sendSummary(msg outbox.Message, err error) string {
	if msg.Channel == outbox.ChannelSMS {
		return truncate("sms: "+err.Error(), 300)
	}
	return sesSummary(err)
}

// e164 reports whether s looks like an E.164 number: + and 8 to 15 digits.
func e164(s string) bool {
	d, ok := strings.CutPrefix(s, "+")
	return ok && len(d) >= 8 && len(d) <= 15 && strings.Trim(d, "0123456789") == "" && d[0] != '0'
}

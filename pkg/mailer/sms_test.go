package mailer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// fakeSMS records texts, or fails with err.
type fakeSMS struct {
	mu    sync.Mutex
	texts []outbox.SMS
	err   error
}

func (f *fakeSMS) SendSMS(_ context.Context, m outbox.SMS) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	f.texts = append(f.texts, m)
	return fmt.Sprintf("sms-%d", len(f.texts)), nil
}

func (w *world) smsMailer(t *testing.T, sms outbox.SMSSender) *mailer.Mailer {
	t.Helper()
	m, err := mailer.NewMailer(mailer.Config{
		DB: w.env.Dynamo, SES: w.env.SES, SMS: sms, Table: w.table, Clock: w.clock, Keys: w.keys,
		PortalURL: "http://localhost:3000", From: "PartnerHub <no-reply@partnerhub.test>",
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func smsCode(to string) outbox.Message {
	return outbox.Message{
		ID: secret.NewID(), Template: "otp", Channel: outbox.ChannelSMS, To: to, UserID: "u1", AccountID: "a1",
		Data: map[string]string{"expiresInSeconds": "60"}, SecretRef: secret.CodeRef(1, "chal", 1), CreatedAt: t0,
	}
}

// TestSMSMessagesGoToTheSMSSender: a message of the sms channel is rendered from its .sms.tmpl with the code
// the keyring derives, handed to the SMS sender (not SES), and recorded sent like an email.
func TestSMSMessagesGoToTheSMSSender(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sms := &fakeSMS{}
	msg := smsCode("+447700900123")
	w.write(t, msg)

	if out := w.smsMailer(t, sms).Deliver(context.Background(), table.OutboxKey(msg.ID)); out != mailer.Sent {
		t.Fatalf("Deliver = %v, want sent", out)
	}
	if len(sms.texts) != 1 {
		t.Fatalf("%d texts, want 1", len(sms.texts))
	}
	got := sms.texts[0]
	code := w.keys.Code("chal", 1)
	if got.To != msg.To || got.Template != "otp" || got.MessageID != msg.ID || !strings.HasPrefix(got.Body, code+" is your PartnerHub sign-in code") {
		t.Fatalf("text = %+v, want the code %s to %s", got, code, msg.To)
	}
	if !strings.Contains(got.Body, "60 seconds") {
		t.Errorf("body %q does not say how long the code works", got.Body)
	}
	if mails := w.env.Emails(t, msg.To); len(mails) != 0 {
		t.Fatalf("%d emails for a text", len(mails))
	}
	stored := w.message(t, msg.ID)
	if stored.Status != outbox.StatusSent || stored.SESMessageID != "sms-1" || stored.Attempts != 1 {
		t.Fatalf("item = %+v", stored)
	}
}

func TestSMSFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sender outbox.SMSSender
		to     string
		want   mailer.Outcome
		status string
	}{
		{"case=no sender", nil, "+447700900123", mailer.Failed, outbox.StatusFailed},
		{"case=not a mobile number", &fakeSMS{}, "ada@example.com", mailer.Failed, outbox.StatusFailed},
		{"case=rejected", &fakeSMS{err: fmt.Errorf("%w: opted out", outbox.ErrSMSRejected)}, "+447700900123", mailer.Failed, outbox.StatusFailed},
		{"case=transient", &fakeSMS{err: errors.New("throttled")}, "+447700900123", mailer.Retry, outbox.StatusPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			msg := smsCode(tc.to)
			w.write(t, msg)
			var sender outbox.SMSSender
			if tc.sender != nil {
				sender = tc.sender
			}
			if out := w.smsMailer(t, sender).Deliver(context.Background(), table.OutboxKey(msg.ID)); out != tc.want {
				t.Fatalf("Deliver = %v, want %v", out, tc.want)
			}
			got := w.message(t, msg.ID)
			if got.Status != tc.status || got.LastError == "" {
				t.Fatalf("item = status %q lastError %q, want %q with a reason", got.Status, got.LastError, tc.status)
			}
			if strings.Contains(got.LastError, w.keys.Code("chal", 1)) {
				t.Fatal("the code is in lastError")
			}
		})
	}
}

func TestSMSTemplatesRender(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		template string
		ref      string
		data     map[string]string
		want     []string
	}{
		{"otp", "otp:chal:1", map[string]string{}, []string{"042917 is your Acme sign-in code", "60 seconds"}},
		{"mobile-verification", "otp:verif:1", nil, []string{"042917 is your Acme code to verify this mobile number", "10 minutes"}},
	} {
		t.Run("template="+tc.template, func(t *testing.T) {
			t.Parallel()
			m := outbox.Message{Template: tc.template, Channel: outbox.ChannelSMS, SecretRef: tc.ref, Data: tc.data}
			text, err := mailer.RenderSMS(tc.template, mailer.NewView(m, outbox.Brand{Name: "Acme"}, portal, "042917"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text %q does not contain %q", text, w)
				}
			}
			if len(text) > 160 {
				t.Errorf("text is %d bytes: more than one SMS segment", len(text))
			}
			if _, err := mailer.RenderSMS(tc.template, mailer.NewView(m, outbox.DefaultBrand, portal, "")); !errors.Is(err, mailer.ErrRender) {
				t.Fatalf("without a code: err = %v, want ErrRender", err)
			}
		})
	}
	if _, err := mailer.RenderSMS("activation", mailer.View{}); !errors.Is(err, mailer.ErrUnknownTemplate) {
		t.Fatalf("an email template rendered as a text: %v", err)
	}
}

// TestTwoFactorAndPasswordEmailsRender covers the emails of two-factor changes and password resets.
func TestTwoFactorAndPasswordEmailsRender(t *testing.T) {
	t.Parallel()
	r := renderer(t)
	for _, tc := range []struct {
		name, template, subject string
		data                    map[string]string
		body                    []string
	}{
		{"enabled", "twofactor-changed", "Two-factor sign-in is now on for your PartnerHub account",
			map[string]string{"name": "Ada", "change": "enabled", "method": "a code we email to you", "by": "Grace Hopper"},
			[]string{"Hello Ada", "Grace Hopper turned on two-factor sign-in", "a code we email to you"}},
		{"disabled", "twofactor-changed", "Two-factor sign-in is now off for your PartnerHub account",
			map[string]string{"change": "disabled", "method": "a code we email to you"},
			[]string{"Your administrator turned off two-factor sign-in", "at least 15 characters"}},
		{"method", "twofactor-changed", "Your PartnerHub sign-in method has changed",
			map[string]string{"change": "method", "method": "a code from your authenticator app"},
			[]string{"you will enter a code from your authenticator app"}},
		{"totp removed", "twofactor-changed", "The authenticator app was removed from your PartnerHub account",
			map[string]string{"change": "totp-removed", "method": "a code we email to you"},
			[]string{"recovery codes no longer work", "you will enter a code we email to you"}},
		{"mobile removed", "twofactor-changed", "Your mobile number was removed from your PartnerHub account",
			map[string]string{"change": "mobile-removed", "method": "a code we email to you"},
			[]string{"no longer texted", "you will enter a code we email to you"}},
		{"recovery codes", "twofactor-changed", "New recovery codes for your PartnerHub account",
			map[string]string{"change": "recovery-codes", "method": "a code from your authenticator app"},
			[]string{"earlier ones no longer work"}},
		{"password", "password-changed", "Your PartnerHub password was changed",
			map[string]string{"name": "Ada"}, []string{"Hello Ada", "signed out"}},
	} {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := r.Render(tc.template, mailer.NewView(outbox.Message{Template: tc.template, Data: tc.data}, outbox.DefaultBrand, portal, ""))
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", c.Subject, tc.subject)
			}
			for _, want := range tc.body {
				if !strings.Contains(c.HTML, want) || !strings.Contains(c.Text, want) {
					t.Errorf("body does not contain %q:\n%s", want, c.Text)
				}
			}
		})
	}
	t.Run("case=missing change", func(t *testing.T) {
		t.Parallel()
		_, err := r.Render("twofactor-changed", mailer.NewView(outbox.Message{Data: map[string]string{"method": "x"}}, outbox.DefaultBrand, portal, ""))
		if !errors.Is(err, mailer.ErrRender) {
			t.Fatalf("err = %v, want ErrRender", err)
		}
	})
}

package all_test

import (
	"context"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// feedbackWorld is a platform whose metrics and logs are captured, with the mail-feedback function's handler.
type feedbackWorld struct {
	*platformtest.Platform
	metrics, logs *capture
	feed          app.EventHandler
}

func newFeedbackWorld(t *testing.T) *feedbackWorld {
	t.Helper()
	w := &feedbackWorld{metrics: &capture{}, logs: &capture{}}
	w.Platform = platformtest.New(t, app.WithMetrics(w.metrics), app.WithLogger(app.NewLoggerTo(w.logs, "info")))
	var err error
	if w.feed, err = w.App.MailFeedback(); err != nil {
		t.Fatal(err)
	}
	return w
}

// invite creates a partner account whose point of contact has the address, and sends their activation email
// through the real mailer and the SES emulator (locally, the mailer's SES plays the email service's feedback).
func (w *feedbackWorld) invite(t *testing.T, email string) platformtest.Created {
	t.Helper()
	c := w.Create(w.Super, map[string]any{
		"kind": account.Partner, "parentId": w.ProviderID, "profile": "later",
		"company":   map[string]any{"name": "Feedback Partner " + testenv.UniqueEmail(t, "co")},
		"contact":   map[string]any{"email": email},
		"twoFactor": map[string]any{"enabled": false},
	})
	m, err := w.App.OutboxMailer()
	if err != nil {
		t.Fatal(err)
	}
	if out := m.Deliver(t.Context(), table.OutboxKey(w.User(c.ContactUserID).ActivationMessageID)); out != mailer.Sent {
		t.Fatalf("deliver the activation email: %v", out)
	}
	return c
}

// event is the EventBridge event SES would publish about one recipient of an email tagged with userID ("" for an
// email without tags), reported at at.
func (w *feedbackWorld) event(t *testing.T, eventType, to, userID string, at time.Time) {
	t.Helper()
	in := &sesv2.SendEmailInput{Destination: &sestypes.Destination{ToAddresses: []string{to}}, ConfigurationSetName: aws.String("PartnerHub-MailConfig")}
	if userID != "" {
		in.EmailTags = []sestypes.MessageTag{{Name: aws.String(feedback.TagUser), Value: aws.String(userID)}}
	}
	if err := w.feed(t.Context(), local.FeedbackEvent(eventType, to, in, "ses-"+testenv.UniqueEmail(t, "m"), at, "us-east-1", "123456789012")); err != nil {
		t.Fatalf("feed %s: %v", eventType, err)
	}
}

func (w *feedbackWorld) status(t *testing.T, userID string) map[string]any {
	t.Helper()
	r := w.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/users/{id}/status", Params: map[string]string{"id": userID}, Cookie: w.Super})
	platformtest.WantStatus(t, r, 200)
	s, _ := r.JSON["emailStatus"].(map[string]any)
	return s
}

// row is the user's row in their account's user list.
func (w *feedbackWorld) row(t *testing.T, accountID, userID string) map[string]any {
	t.Helper()
	r := w.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/accounts/{id}/users", Params: map[string]string{"id": accountID}, Cookie: w.Super})
	platformtest.WantStatus(t, r, 200)
	rows, _ := r.JSON["users"].([]any)
	for _, x := range rows {
		if row := x.(map[string]any); row["id"] == userID {
			return row
		}
	}
	t.Fatalf("user %s is not in the list of %s: %s", userID, accountID, r.Body)
	return nil
}

func (w *feedbackWorld) resend(t *testing.T, ids ...string) platformtest.Reply {
	t.Helper()
	return w.Call(platformtest.Request{Function: route.Activation, Route: "POST /v1/activation-emails", Body: map[string]any{"userIds": ids}, Cookie: w.Super})
}

// snapshot is the table without the sessions, which every signed-in request touches (its idle timeout).
func (w *feedbackWorld) snapshot(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, item := range w.Data().Items() {
		if platformtest.Str(item[table.AttrType]) != table.TypeSession {
			out = append(out, platformtest.Render(item))
		}
	}
	slices.Sort(out)
	return out
}

// unchanged fails the test if the table, but for its sessions, differs from a snapshot.
func (w *feedbackWorld) unchanged(t *testing.T, before []string, what string) {
	t.Helper()
	if after := w.snapshot(t); !slices.Equal(before, after) {
		t.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// counted is how many of each metric the handlers counted.
func (w *feedbackWorld) counted(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, l := range w.metrics.lines(t) {
		for _, name := range []string{"EmailsBounced", "EmailsComplained"} {
			if l[name] != nil {
				out[name]++
			}
		}
	}
	return out
}

// TestEmailFeedback drives the whole feedback loop on the emulators: an activation email to a bouncing address
// bounces (the local stack's SES, through the mail-feedback handler), the status check and the user list say so,
// a resend is refused and changes nothing (alone: a problem; in bulk: a result per user), the same event twice
// and an older one change nothing, a complaint found by address alone marks another user, a correction of the
// address clears the mark and lets the resend through, and a later delivery clears a complaint.
func TestEmailFeedback(t *testing.T) {
	t.Parallel()
	w := newFeedbackWorld(t)
	ctx := context.Background()
	bouncing := strings.Replace(testenv.UniqueEmail(t, "ada"), "@example.com", "@"+local.BounceDomain, 1)
	ada := w.invite(t, bouncing)
	bouncedAt := w.Clock.Now()

	u := w.User(ada.ContactUserID)
	if u.EmailState == nil || u.EmailState.State != user.EmailBounced || !u.EmailState.At.Equal(bouncedAt) ||
		!strings.HasPrefix(u.EmailState.Reason, "Permanent General 5.1.1") || strings.Contains(u.EmailState.Reason, bouncing) {
		t.Fatalf("after the bounce, the user's email state is %+v", u.EmailState)
	}
	if s := w.status(t, ada.ContactUserID); s["status"] != user.EmailBounced || s["at"] != bouncedAt.UTC().Format(time.RFC3339) {
		t.Fatalf("status check emailStatus %v, want bounced at %v", s, bouncedAt)
	}
	if s, _ := w.row(t, ada.ID, ada.ContactUserID)["emailStatus"].(map[string]any); s["status"] != user.EmailBounced {
		t.Fatalf("list row emailStatus %v, want bounced", s)
	}
	// The bounce is in the audit log, written with the state, which is what the lifecycle events publish.
	if got := countOf(w.Data().AuditAbout(ada.ContactUserID), string(audit.UserEmailBounced)); got != 1 {
		t.Fatalf("%d %s audit records about the user, want 1", got, audit.UserEmailBounced)
	}

	t.Run("case=resend refused", func(t *testing.T) {
		w.Clock.Advance(invitation.ResendInterval + time.Minute) // a resend is due, but for the bounce
		before := w.snapshot(t)
		platformtest.WantProblem(t, w.resend(t, ada.ContactUserID), 409, "email-bounced")
		w.unchanged(t, before, "a resend to a bounced address")

		grace := w.invite(t, testenv.UniqueEmail(t, "grace"))
		w.Clock.Advance(invitation.ResendInterval + time.Minute)
		r := w.resend(t, ada.ContactUserID, grace.ContactUserID)
		platformtest.WantStatus(t, r, 202)
		if got := results(r); got[ada.ContactUserID] != "email_bounced" || got[grace.ContactUserID] != "sent" {
			t.Fatalf("bulk results %v", got)
		}
		if w.User(ada.ContactUserID).ActivationMessageID != u.ActivationMessageID {
			t.Fatal("the bulk resend changed the bounced user")
		}
	})

	t.Run("case=same event twice and an older one", func(t *testing.T) {
		later := w.Clock.Now()
		w.event(t, feedback.TypeBounce, bouncing, ada.ContactUserID, later)
		once := w.snapshot(t)
		w.event(t, feedback.TypeBounce, bouncing, ada.ContactUserID, later)
		w.unchanged(t, once, "the same bounce again")
		w.event(t, feedback.TypeDelivery, bouncing, ada.ContactUserID, later.Add(-time.Second))
		w.unchanged(t, once, "a delivery older than the bounce")
		if got := w.counted(t); got["EmailsBounced"] != 2 {
			t.Fatalf("EmailsBounced counted %d times, want 2 (the first bounce and the later one, not the repeat)", got["EmailsBounced"])
		}
		if got := countOf(w.Data().AuditAbout(ada.ContactUserID), string(audit.UserEmailBounced)); got != 2 {
			t.Fatalf("%d %s audit records, want 2 (the repeat writes none)", got, audit.UserEmailBounced)
		}
	})

	t.Run("case=complaint by address", func(t *testing.T) {
		grace := w.invite(t, testenv.UniqueEmail(t, "grace"))
		email := w.User(grace.ContactUserID).Email
		w.Clock.Advance(time.Minute)
		w.event(t, feedback.TypeComplaint, strings.ToUpper(email), "", w.Clock.Now()) // no tags: found by its address
		if s := w.status(t, grace.ContactUserID); s["status"] != user.EmailComplained {
			t.Fatalf("emailStatus %v, want complained", s)
		}
		w.Clock.Advance(invitation.ResendInterval + time.Minute)
		platformtest.WantProblem(t, w.resend(t, grace.ContactUserID), 409, "email-complained")
		w.event(t, feedback.TypeDelivery, email, grace.ContactUserID, w.Clock.Now())
		if s := w.status(t, grace.ContactUserID); s["status"] != user.EmailDelivered {
			t.Fatalf("after a later delivery emailStatus %v, want delivered", s)
		}
		if s := w.row(t, grace.ID, grace.ContactUserID)["emailStatus"]; s != nil {
			t.Fatalf("a delivered address still has a badge in the list: %v", s)
		}
		if got := w.counted(t); got["EmailsComplained"] != 1 {
			t.Fatalf("EmailsComplained counted %d times, want 1", got["EmailsComplained"])
		}
		if got := w.Data().AuditAbout(grace.ContactUserID); countOf(got, string(audit.UserEmailComplained)) != 1 {
			t.Fatalf("audit about the complaining user %v, want one %s (and none for the delivery)", got, audit.UserEmailComplained)
		}
	})

	t.Run("case=corrected address", func(t *testing.T) {
		fixed := testenv.UniqueEmail(t, "ada")
		r := w.Call(platformtest.Request{Function: route.Users, Route: "PATCH /v1/users/{id}", Params: map[string]string{"id": ada.ContactUserID},
			Body: map[string]any{"email": fixed}, Cookie: w.Super})
		platformtest.WantStatus(t, r, 200)
		if r.JSON["emailStatus"] != nil || r.Str("email") != fixed {
			t.Fatalf("edited row %s", r.Body)
		}
		if s := w.status(t, ada.ContactUserID); s != nil {
			t.Fatalf("after the correction emailStatus %v, want null", s)
		}
		if got, err := w.Store.UserByEmail(ctx, fixed); err != nil || got.ID != ada.ContactUserID {
			t.Fatalf("the new address finds %+v, %v", got.ID, err)
		}
		if _, err := w.Store.UserByEmail(ctx, bouncing); err == nil {
			t.Fatal("the old address still finds the user")
		}
		if row := w.row(t, ada.ID, ada.ContactUserID); row["email"] != fixed {
			t.Fatalf("the list row shows %v, want the new address", row["email"])
		}
		// A late bounce of the old address says nothing about the new one.
		w.event(t, feedback.TypeBounce, bouncing, ada.ContactUserID, w.Clock.Now().Add(time.Hour))
		if s := w.status(t, ada.ContactUserID); s != nil {
			t.Fatalf("a bounce of the former address marked the user: %v", s)
		}
		r = w.resend(t, ada.ContactUserID)
		platformtest.WantStatus(t, r, 202)
		if got := results(r)[ada.ContactUserID]; got != "sent" {
			t.Fatalf("resend to the corrected address: %s", got)
		}
		if msg := w.Message(w.User(ada.ContactUserID).ActivationMessageID); msg.To != fixed {
			t.Fatalf("the new activation email goes to %s, want %s", msg.To, fixed)
		}
	})

	if logs := w.logs.String(); strings.Contains(logs, bouncing) || !strings.Contains(logs, "email feedback recorded") {
		t.Errorf("the logs hold the bounced address, or say nothing of the feedback:\n%s", logs)
	}
}

// results maps user ids to their resend outcome.
func results(r platformtest.Reply) map[string]string {
	out := map[string]string{}
	list, _ := r.JSON["results"].([]any)
	for _, x := range list {
		m := x.(map[string]any)
		out[m["userId"].(string)] = m["status"].(string)
	}
	return out
}

// countOf is how many times v is in list.
func countOf(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

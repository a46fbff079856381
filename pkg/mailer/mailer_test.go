package mailer_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

var t0 = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// world is one test's table, clock, keyring and captured logs.
type world struct {
	env   *testenv.Env
	table string
	clock *clock.Fake
	keys  *secret.Keyring
	logs  *testenv.Buffer
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testenv.Get(t)
	keys, err := secret.NewKeyring(env.Key)
	if err != nil {
		t.Fatal(err)
	}
	return &world{env: env, table: env.NewTable(t), clock: clock.NewFake(t0), keys: keys, logs: &testenv.Buffer{}}
}

// mailer builds a mailer on the world; ses nil means the SES emulator.
func (w *world) mailer(t *testing.T, ses mailer.SES) *mailer.Mailer {
	t.Helper()
	if ses == nil {
		ses = w.env.SES
	}
	m, err := mailer.NewMailer(mailer.Config{
		DB: w.env.Dynamo, SES: ses, Table: w.table, Clock: w.clock, Keys: w.keys,
		PortalURL: "http://localhost:3000", From: "PartnerHub <no-reply@partnerhub.test>",
		Log: slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// activation is an activation message for a fresh address and a fresh token id.
func activation(t *testing.T) outbox.Message {
	t.Helper()
	return outbox.Message{
		ID: secret.NewID(), Template: "activation", To: testenv.UniqueEmail(t, "ada"),
		UserID: "u1", AccountID: "a1",
		Data: map[string]string{
			"name": "Ada Lovelace", "accountName": "Analytical Engines Ltd", "roles": "Account administrator",
			"expiresAt": t0.Add(72 * time.Hour).Format(time.RFC3339), "inviter": "Charles Babbage",
		},
		SecretRef: secret.LinkRef(secret.PurposeActivation, secret.NewID()),
		CreatedAt: t0,
	}
}

// write stores m the way product code does: tx.Send in one transaction with the change that needs it.
func (w *world) write(t *testing.T, m outbox.Message) {
	t.Helper()
	store := dynamo.Store{DB: w.env.Dynamo, Table: w.table}
	change := table.TokenKey(m.ID) // stands for the token, user or challenge the message belongs to
	tx := store.Tx().Send(m).Replace(map[string]types.AttributeValue{
		table.AttrPK: &types.AttributeValueMemberS{Value: change.PK},
		table.AttrSK: &types.AttributeValueMemberS{Value: change.SK},
	})
	if err := store.Commit(context.Background(), tx); err != nil {
		t.Fatalf("write outbox message: %v", err)
	}
}

// putRaw stores an item as it is, for items product code would never write.
func (w *world) putRaw(t *testing.T, item map[string]types.AttributeValue) {
	t.Helper()
	_, err := w.env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(w.table), Item: item})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) message(t *testing.T, id string) outbox.Message {
	t.Helper()
	out, err := w.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(w.table), Key: table.OutboxKey(id).AV(), ConsistentRead: aws.Bool(true),
	})
	if err != nil || out.Item == nil {
		t.Fatalf("read message %s: %v", id, err)
	}
	m, err := dynamo.MessageFromItem(out.Item)
	if err != nil {
		t.Fatalf("decode message %s: %v", id, err)
	}
	return m
}

func handle(t *testing.T, m *mailer.Mailer, ev events.DynamoDBEvent) []string {
	t.Helper()
	resp, err := m.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

var href = regexp.MustCompile(`href="(http://localhost:3000/activate(?:\?brand=[A-Za-z0-9_-]+)?#[^"]+)"`)

func TestOutboxMessageReachesSESThroughTheStream(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	msg := activation(t)
	w.write(t, msg)
	ev := streamEvent(t, w.env, w.table)
	if len(ev.Records) != 1 {
		t.Fatalf("stream delivered %d outbox inserts, want 1", len(ev.Records))
	}
	mailer := w.mailer(t, nil)

	if failed := handle(t, mailer, ev); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v, want none", failed)
	}

	mails := w.env.Emails(t, msg.To)
	if len(mails) != 1 {
		t.Fatalf("%d emails to %s, want 1", len(mails), msg.To)
	}
	mail := mails[0]
	if mail.Subject != "Activate your PartnerHub account for Analytical Engines Ltd" {
		t.Errorf("subject = %q", mail.Subject)
	}
	if !strings.Contains(mail.From, "no-reply@partnerhub.test") {
		t.Errorf("from = %q", mail.From)
	}
	match := href.FindStringSubmatch(mail.HTML)
	if match == nil {
		t.Fatalf("no activation link in the HTML:\n%s", mail.HTML)
	}
	link := match[1]
	if !strings.Contains(mail.Text, link) {
		t.Error("the text part does not carry the same link")
	}
	_, token, _ := strings.Cut(link, "#")
	wantID := strings.TrimPrefix(msg.SecretRef, "activation:")
	if id, ok := w.keys.ParseLinkToken(context.Background(), secret.PurposeActivation, token); !ok || id != wantID {
		t.Fatalf("the link's fragment is not the activation token of %s", wantID)
	}
	for _, want := range []string{"Ada Lovelace", "Charles Babbage", "Account administrator"} {
		if !strings.Contains(mail.HTML, want) || !strings.Contains(mail.Text, want) {
			t.Errorf("email does not mention %q", want)
		}
	}

	got := w.message(t, msg.ID)
	if got.Status != outbox.StatusSent || !got.SentAt.Equal(t0) || got.SESMessageID != mail.MessageID || got.Attempts != 1 {
		t.Errorf("item = status %q sentAt %v sesMessageId %q attempts %d; want sent at %v with %q, 1 attempt",
			got.Status, got.SentAt, got.SESMessageID, got.Attempts, t0, mail.MessageID)
	}
	if got.ClaimID != "" || got.ClaimUntil != "" {
		t.Error("the claim was not released")
	}

	t.Run("case=redelivery", func(t *testing.T) {
		if failed := handle(t, mailer, ev); len(failed) != 0 {
			t.Fatalf("BatchItemFailures = %v, want none", failed)
		}
		if n := len(w.env.Emails(t, msg.To)); n != 1 {
			t.Fatalf("%d emails after redelivery, want 1", n)
		}
	})

	t.Run("case=logs", func(t *testing.T) {
		logs := w.logs.String()
		if !strings.Contains(logs, `"messageId":"`+msg.ID+`"`) || !strings.Contains(logs, `"template":"activation"`) ||
			!strings.Contains(logs, `"status":"sent"`) {
			t.Errorf("logs lack the message id, template or status:\n%s", logs)
		}
		for _, secretText := range []string{token, link, "Charles Babbage", msg.To} {
			if strings.Contains(logs, secretText) {
				t.Errorf("logs contain %q", secretText)
			}
		}
	})
}

func TestConcurrentDeliveriesSendOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	msg := activation(t)
	w.write(t, msg)
	ev := streamEvent(t, w.env, w.table)
	mailer := w.mailer(t, nil)

	const deliveries = 8
	var wg sync.WaitGroup
	for range deliveries {
		wg.Go(func() { _, _ = mailer.Handle(context.Background(), ev) })
	}
	wg.Wait()
	if n := len(w.env.Emails(t, msg.To)); n != 1 {
		t.Fatalf("%d concurrent deliveries sent %d emails, want 1", deliveries, n)
	}
	// Deliveries that lost the race asked to be retried; the retry finds the message sent.
	if failed := handle(t, mailer, ev); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v after the race, want none", failed)
	}
	if got := w.message(t, msg.ID); got.Status != outbox.StatusSent || got.Attempts != 1 {
		t.Fatalf("status %q attempts %d, want sent after 1 attempt", got.Status, got.Attempts)
	}
}

func TestClaims(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		claimUntil time.Time
		wantSent   bool
	}{
		{"case=live-claim-waits", t0.Add(time.Minute), false},
		{"case=lapsed-claim-is-taken-over", t0.Add(-time.Second), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			msg := activation(t)
			msg.Status, msg.Attempts, msg.ClaimID, msg.ClaimUntil = outbox.StatusSending, 1, "someone-else", table.Timestamp(tc.claimUntil)
			w.write(t, msg)
			ev := streamEvent(t, w.env, w.table)

			failed := handle(t, w.mailer(t, nil), ev)
			sent := len(w.env.Emails(t, msg.To)) == 1
			if sent != tc.wantSent || (len(failed) == 1) == tc.wantSent {
				t.Fatalf("sent = %v, reported = %v; want sent = %v and reported for retry otherwise", sent, failed, tc.wantSent)
			}
			got := w.message(t, msg.ID)
			if tc.wantSent && (got.Status != outbox.StatusSent || got.Attempts != 2) {
				t.Errorf("status %q attempts %d, want sent after 2 attempts", got.Status, got.Attempts)
			}
			if !tc.wantSent && (got.Status != outbox.StatusSending || got.ClaimID != "someone-else") {
				t.Errorf("status %q claim %q, want the other delivery's claim untouched", got.Status, got.ClaimID)
			}
		})
	}
}

func TestOTPEmailCarriesTheCode(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	challenge := secret.NewID()
	msg := outbox.Message{
		ID: secret.NewID(), Template: "otp", To: testenv.UniqueEmail(t, "otp"), CreatedAt: t0,
		Data: map[string]string{"name": "Ada"}, SecretRef: secret.CodeRef(1, challenge, 3),
	}
	w.write(t, msg)
	if failed := handle(t, w.mailer(t, nil), streamEvent(t, w.env, w.table)); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v", failed)
	}
	mails := w.env.Emails(t, msg.To)
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1", len(mails))
	}
	code := w.keys.Code(challenge, 3)
	if !strings.Contains(mails[0].HTML, ">"+code+"<") || !strings.Contains(mails[0].Text, code) {
		t.Fatalf("the email does not show code %s", code)
	}
	if strings.Contains(mails[0].Subject, code) {
		t.Error("the code is in the subject")
	}
	if strings.Contains(w.logs.String(), code) {
		t.Error("the code is in the logs")
	}
}

// TestCodeOfANewerKeyIsRetried: a mailer whose keyring predates a rotation meets a code reference of key 2; it
// sends nothing, reports the record for a retry (not a failure) and leaves the message pending; once its keyring
// holds key 2, the retry sends the code made with key 2.
func TestCodeOfANewerKeyIsRetried(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	challenge := secret.NewID()
	msg := outbox.Message{
		ID: secret.NewID(), Template: "otp", To: testenv.UniqueEmail(t, "otp"), CreatedAt: t0,
		Data: map[string]string{"name": "Ada"}, SecretRef: secret.CodeRef(2, challenge, 1),
	}
	w.write(t, msg)
	ev := streamEvent(t, w.env, w.table)
	if failed := handle(t, w.mailer(t, nil), ev); len(failed) != 1 {
		t.Fatalf("BatchItemFailures = %v, want the record back for a retry", failed)
	}
	if n := len(w.env.Emails(t, msg.To)); n != 0 {
		t.Fatalf("%d emails sent without the key", n)
	}
	if got := w.message(t, msg.ID); got.Status != outbox.StatusPending {
		t.Fatalf("status %q, want pending", got.Status)
	}

	rotated, err := secret.NewVersionedKeyring(2, map[secret.Version][]byte{1: w.env.Key, 2: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	w.keys = rotated
	if failed := handle(t, w.mailer(t, nil), ev); len(failed) != 0 {
		t.Fatalf("BatchItemFailures = %v after the keyring holds key 2", failed)
	}
	mails := w.env.Emails(t, msg.To)
	if code := rotated.Code(challenge, 1); len(mails) != 1 || !strings.Contains(mails[0].Text, code) {
		t.Fatalf("%d emails; want one with key 2's code", len(mails))
	}
}

func TestNewMailerNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	_, err := mailer.NewMailer(mailer.Config{Table: "t"})
	if err == nil || !strings.Contains(err.Error(), "SES") || !strings.Contains(err.Error(), "PortalURL") {
		t.Fatalf("err = %v, want the missing fields named", err)
	}
}

package feedback_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// detail reads the SES record of a sample EventBridge event in events/.
func detail(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Detail     json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	var head struct{ EventType string }
	if err := json.Unmarshal(ev.Detail, &head); err != nil {
		t.Fatal(err)
	}
	if ev.Source != feedback.Source || feedback.DetailTypes[head.EventType] != ev.DetailType {
		t.Fatalf("%s: source %q, detail-type %q for a %s record", name, ev.Source, ev.DetailType, head.EventType)
	}
	return ev.Detail
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSamples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file   string
		report feedback.Report
	}{
		{"mail-feedback.json", feedback.Report{
			SESMessageID: "0100019e2b7c0f5e-8c6e0f1a-2b3c-4d5e-6f7a-8b9c0d1e2f3a-000000", MessageID: "msg-0001", UserID: "user-0001",
			Feedback: []user.Feedback{{Kind: user.FeedbackBounce, Address: "ada@bounce.test", At: at("2026-01-15T12:01:02.669Z"),
				Reason: "Permanent General 5.1.1 smtp; 550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table"}},
		}},
		{"mail-feedback-complaint.json", feedback.Report{
			SESMessageID: "0100019e2b85a1b2-c3d4e5f6-a7b8-c9d0-e1f2-a3b4c5d6e7f8-000000", MessageID: "msg-0002", UserID: "user-0002",
			Feedback: []user.Feedback{{Kind: user.FeedbackComplaint, Address: "grace@complaint.test", At: at("2026-01-15T12:09:58Z"), Reason: "Complaint abuse"}},
		}},
		{"mail-feedback-delivery.json", feedback.Report{
			SESMessageID: "0100019e2b9d3e4f-5a6b7c8d-9e0f-1a2b-3c4d-5e6f7a8b9c0d-000000", MessageID: "msg-0003", UserID: "user-0003",
			Feedback: []user.Feedback{{Kind: user.FeedbackDelivery, Address: "ada@example.com", At: at("2026-01-15T12:20:01.790Z")}},
		}},
	}
	for _, c := range cases {
		t.Run("file="+c.file, func(t *testing.T) {
			t.Parallel()
			got, err := feedback.Parse(detail(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if got.SESMessageID != c.report.SESMessageID || got.MessageID != c.report.MessageID || got.UserID != c.report.UserID ||
				len(got.Feedback) != len(c.report.Feedback) {
				t.Fatalf("Parse = %+v\nwant %+v", got, c.report)
			}
			for i, f := range got.Feedback {
				w := c.report.Feedback[i]
				if f.Kind != w.Kind || f.Address != w.Address || !f.At.Equal(w.At) || f.Reason != w.Reason {
					t.Errorf("feedback %d = %+v\nwant %+v", i, f, w)
				}
			}
		})
	}
}

// A transient bounce, several recipients, a record without its own timestamp (the mail's is used), and records
// Parse does not follow or cannot read.
func TestParseEdges(t *testing.T) {
	t.Parallel()
	transient := `{"eventType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull",
		"bouncedRecipients":[{"emailAddress":"a@example.com","status":"4.2.2"},{"emailAddress":"b@example.com"}]},
		"mail":{"timestamp":"2026-01-15T12:00:00.000Z","messageId":"m1","destination":["a@example.com","b@example.com"]}}`
	r, err := feedback.Parse([]byte(transient))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Feedback) != 2 || r.UserID != "" || r.MessageID != "" {
		t.Fatalf("Parse = %+v, want two recipients and no tags", r)
	}
	for _, f := range r.Feedback {
		if f.Kind != user.FeedbackTransient || !f.At.Equal(at("2026-01-15T12:00:00Z")) {
			t.Errorf("feedback %+v, want a transient bounce at the mail's time", f)
		}
	}

	other, err := feedback.Parse([]byte(`{"eventType":"Open","mail":{"messageId":"m2"},"open":{}}`))
	if err != nil || len(other.Feedback) != 0 {
		t.Errorf("an Open record: %+v, %v; want no feedback and no error", other, err)
	}
	for name, bad := range map[string]string{
		"case=not json":              `{"eventType":`,
		"case=bounce without bounce": `{"eventType":"Bounce","mail":{"messageId":"m3"}}`,
		"case=complaint without it":  `{"eventType":"Complaint","mail":{"messageId":"m3"}}`,
		"case=delivery without it":   `{"eventType":"Delivery","mail":{"messageId":"m3"}}`,
	} {
		if _, err := feedback.Parse([]byte(bad)); err == nil {
			t.Errorf("%s: Parse accepted %s", name, bad)
		}
	}
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"smtp; 550 5.1.1 <ada@example.com>: unknown":    "smtp; 550 5.1.1 <address>: unknown",
		"line\r\nbreak\tand\x00nul":                     "line break andnul",
		"  spaced   out  ":                              "spaced out",
		"déjà vu ✓":                                     "dj vu",
		"user ada.lovelace+x@mail.example.co.uk failed": "user <address> failed",
	}
	for in, want := range cases {
		if got := feedback.Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	long := feedback.Sanitize(strings.Repeat("x", 500))
	if len(long) != feedback.MaxReason || !strings.HasSuffix(long, "...") {
		t.Errorf("a long reason is %d characters: %q", len(long), long)
	}
}

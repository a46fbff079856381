package feedback

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/partnerhub/partnerhub/pkg/user"
)

// Event types of SES event publishing (a record's eventType) that say something about an address.
const (
	TypeBounce    = "Bounce"
	TypeComplaint = "Complaint"
	TypeDelivery  = "Delivery"
)

// DetailTypes maps each event type PartnerHub follows to the detail-type of the EventBridge event SES sends it in;
// the stack's rule matches these, and the local stack names its simulated events with them.
var DetailTypes = map[string]string{
	TypeBounce:    "Email Bounced",
	TypeComplaint: "Email Complaint Received",
	TypeDelivery:  "Email Delivered",
}

// Source is the source of SES's events on EventBridge.
const Source = "aws.ses"

// TagConfigurationSet is the tag SES adds to every email sent through a configuration set, naming it; the stack's
// rule matches it, so a stage receives only its own emails' events.
const TagConfigurationSet = "ses:configuration-set"

// Bounce types of a Bounce record. Only a Permanent bounce marks the address; a Transient one is SES giving up
// on a mailbox that is full or a server that is down, which says nothing lasting about the address, and an
// Undetermined one is SES not knowing.
const (
	BouncePermanent = "Permanent"
	BounceTransient = "Transient"
)

// Tag names the mailer puts on every email (SES EmailTags), which SES repeats in every record about it: the
// user it was sent to and its outbox message, so that a report names the user without a lookup by address.
const (
	TagUser    = "userId"
	TagMessage = "messageId"
)

// Record is an SES event publishing record: the detail of the EventBridge event SES sends to the default bus,
// and the same JSON SES publishes to SNS or Firehose. Only the fields PartnerHub reads are declared.
type Record struct {
	EventType string     `json:"eventType"`
	Mail      Mail       `json:"mail"`
	Bounce    *Bounce    `json:"bounce,omitempty"`
	Complaint *Complaint `json:"complaint,omitempty"`
	Delivery  *Delivery  `json:"delivery,omitempty"`
}

// Mail is the record's email: SES's message id, when it was sent, to whom, and its tags (each a list of values).
type Mail struct {
	Timestamp   time.Time           `json:"timestamp"`
	MessageID   string              `json:"messageId"`
	Source      string              `json:"source,omitempty"`
	Destination []string            `json:"destination,omitempty"`
	Tags        map[string][]string `json:"tags,omitempty"`
}

// Bounce is the bounce of a Bounce record.
type Bounce struct {
	BounceType        string      `json:"bounceType"`
	BounceSubType     string      `json:"bounceSubType"`
	BouncedRecipients []Recipient `json:"bouncedRecipients"`
	Timestamp         time.Time   `json:"timestamp"`
	FeedbackID        string      `json:"feedbackId,omitempty"`
	ReportingMTA      string      `json:"reportingMTA,omitempty"`
}

// Recipient is one address of a bounce or a complaint.
type Recipient struct {
	EmailAddress   string `json:"emailAddress"`
	Action         string `json:"action,omitempty"`
	Status         string `json:"status,omitempty"`
	DiagnosticCode string `json:"diagnosticCode,omitempty"`
}

// Complaint is the complaint of a Complaint record.
type Complaint struct {
	ComplainedRecipients  []Recipient `json:"complainedRecipients"`
	Timestamp             time.Time   `json:"timestamp"`
	FeedbackID            string      `json:"feedbackId,omitempty"`
	ComplaintSubType      *string     `json:"complaintSubType,omitempty"`
	ComplaintFeedbackType string      `json:"complaintFeedbackType,omitempty"`
	UserAgent             string      `json:"userAgent,omitempty"`
}

// Delivery is the delivery of a Delivery record.
type Delivery struct {
	Timestamp    time.Time `json:"timestamp"`
	Recipients   []string  `json:"recipients"`
	SMTPResponse string    `json:"smtpResponse,omitempty"`
	ReportingMTA string    `json:"reportingMTA,omitempty"`
}

// Report is what a record says, per recipient, with the user and the outbox message the email's tags name.
type Report struct {
	// SESMessageID is SES's id of the email; MessageID the outbox message's and UserID the user's, from the tags
	// (empty when the email carried none, as emails sent before the tags did).
	SESMessageID string
	MessageID    string
	UserID       string
	Feedback     []user.Feedback
}

// Parse reads an SES event record. A record of a type PartnerHub does not follow (Send, Open, ...) is a Report
// without feedback; a record that is not JSON, or whose type lacks its object, is an error no retry can fix.
func Parse(detail []byte) (Report, error) {
	var r Record
	if err := json.Unmarshal(detail, &r); err != nil {
		return Report{}, fmt.Errorf("ses event: %w", err)
	}
	out := Report{SESMessageID: r.Mail.MessageID, UserID: tag(r.Mail.Tags, TagUser), MessageID: tag(r.Mail.Tags, TagMessage)}
	at := func(t time.Time) time.Time {
		if t.IsZero() {
			return r.Mail.Timestamp
		}
		return t
	}
	switch r.EventType {
	case TypeBounce:
		if r.Bounce == nil {
			return Report{}, fmt.Errorf("ses event: a Bounce without its bounce")
		}
		kind := user.FeedbackTransient
		if r.Bounce.BounceType == BouncePermanent {
			kind = user.FeedbackBounce
		}
		for _, rc := range r.Bounce.BouncedRecipients {
			out.Feedback = append(out.Feedback, user.Feedback{Kind: kind, Address: rc.EmailAddress, At: at(r.Bounce.Timestamp),
				Reason:     Sanitize(strings.Join(nonEmpty(r.Bounce.BounceType, r.Bounce.BounceSubType, rc.Status, rc.DiagnosticCode), " ")),
				BounceType: r.Bounce.BounceType, BounceSubType: r.Bounce.BounceSubType})
		}
	case TypeComplaint:
		if r.Complaint == nil {
			return Report{}, fmt.Errorf("ses event: a Complaint without its complaint")
		}
		reason := Sanitize(strings.Join(nonEmpty("Complaint", r.Complaint.ComplaintFeedbackType), " "))
		for _, rc := range r.Complaint.ComplainedRecipients {
			out.Feedback = append(out.Feedback, user.Feedback{Kind: user.FeedbackComplaint, Address: rc.EmailAddress, At: at(r.Complaint.Timestamp), Reason: reason})
		}
	case TypeDelivery:
		if r.Delivery == nil {
			return Report{}, fmt.Errorf("ses event: a Delivery without its delivery")
		}
		for _, addr := range r.Delivery.Recipients {
			out.Feedback = append(out.Feedback, user.Feedback{Kind: user.FeedbackDelivery, Address: addr, At: at(r.Delivery.Timestamp)})
		}
	}
	return out, nil
}

// tag is the first value of a tag, or "".
func tag(tags map[string][]string, name string) string {
	if v := tags[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// MaxReason is the longest reason kept on a user.
const MaxReason = 160

// address matches an email address, with the angle brackets around it if any.
var address = regexp.MustCompile(`<?[^\s<>"';,:()\[\]]+@[^\s<>"';,:()\[\]]+>?`)

// Sanitize is the reason a report gives, fit to show to administrators and keep on the user: addresses (a
// remote server's diagnostic often repeats the recipient's) replaced by "<address>", control characters and
// anything outside printable ASCII dropped, spaces collapsed, at most MaxReason characters.
func Sanitize(s string) string {
	s = address.ReplaceAllString(s, "<address>")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r < 0x20 || r > 0x7e:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > MaxReason {
		s = strings.TrimSpace(s[:MaxReason-3]) + "..."
	}
	return s
}

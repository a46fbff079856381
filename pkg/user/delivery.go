package user

import (
	"strings"
	"time"
)

// Email delivery states of a user's address, as the email service reported them (package feedback).
const (
	// EmailBounced: the address bounced permanently (a hard bounce). Mail to it is refused until it changes.
	EmailBounced = "bounced"
	// EmailComplained: the person marked an email as spam. Mail to them is refused until the address changes.
	EmailComplained = "complained"
	// EmailDelivered: the last email reached the recipient's mail server; it clears an earlier mark.
	EmailDelivered = "delivered"
)

// Kinds of email feedback. A transient (soft) bounce says nothing lasting about the address.
const (
	FeedbackBounce    = "bounce"
	FeedbackTransient = "transient-bounce"
	FeedbackComplaint = "complaint"
	FeedbackDelivery  = "delivery"
)

// EmailState is what the email service last reported about a user's address: a state, when it happened (the
// service's own time, which orders reports that arrive out of order), and a short reason for people.
type EmailState struct {
	State  string    `json:"state" dynamodbav:"state"`
	At     time.Time `json:"at" dynamodbav:"at"`
	Reason string    `json:"reason,omitempty" dynamodbav:"reason,omitempty"`
}

// Feedback is one report of the email service about one recipient of one email.
type Feedback struct {
	Kind    string
	Address string
	At      time.Time
	Reason  string
	// BounceType and BounceSubType are a bounce's kind as the email service names it (Permanent, General...),
	// for the audit record; empty for other reports.
	BounceType, BounceSubType string
}

// ApplyFeedback decides what a report does to the state of an address. It is nil, false when the report
// changes nothing: it is about another address (the user changed theirs since the email left), it is not newer
// than the state it would replace (a redelivered or late report: delivery is at least once and unordered), or it
// is a transient bounce. A delivery after a bounce or a complaint clears the mark.
func ApplyFeedback(email string, current *EmailState, f Feedback) (*EmailState, bool) {
	if !strings.EqualFold(strings.TrimSpace(f.Address), strings.TrimSpace(email)) || f.At.IsZero() {
		return nil, false
	}
	if current != nil && !f.At.After(current.At) {
		return nil, false
	}
	var state string
	switch f.Kind {
	case FeedbackBounce:
		state = EmailBounced
	case FeedbackComplaint:
		state = EmailComplained
	case FeedbackDelivery:
		state = EmailDelivered
	default:
		return nil, false
	}
	return &EmailState{State: state, At: f.At.UTC(), Reason: f.Reason}, true
}

// Undeliverable reports whether mail to the user's address is refused: it bounced permanently or its owner
// complained, and the address has not changed nor received an email since.
func (u User) Undeliverable() bool {
	return u.EmailState != nil && Undeliverable(*u.EmailState)
}

// Undeliverable says an email state refuses mail: the address bounced or its owner complained.
func Undeliverable(st EmailState) bool {
	return st.State == EmailBounced || st.State == EmailComplained
}

// ChangeEmail gives the user a new address; what the email service said about the old one no longer applies.
// The uniqueness guard of the address is the store's part.
func (u *User) ChangeEmail(email string) {
	if !strings.EqualFold(strings.TrimSpace(email), strings.TrimSpace(u.Email)) {
		u.EmailState = nil
	}
	u.Email = email
}

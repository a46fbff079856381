// Package tally names the business events PartnerHub counts (accounts created, sign-ins, lockouts, ...) and is the
// one seam through which a use case counts them. A use case holds a Counter in its dependencies and calls Count
// where it already logs the event; the wiring decides where the counts go (pkg/metrics writes them as CloudWatch
// metrics). The use cases never import that adapter, and a nil Counter counts nothing, so a test or a tool that
// wires none needs no stub.
package tally

import "context"

// Name is a metric's name, as it appears in CloudWatch.
type Name string

// The business events. Each is counted once, where it happens, after the change that makes it true committed.
const (
	AccountsCreated Name = "AccountsCreated" // an account and its point of contact were created
	Activations     Name = "Activations"     // an invited user registered through an activation link
	SignIns         Name = "SignIns"         // a session was started (after the password, and the code if asked)
	// PasskeySignIns counts the sign-ins a passkey proved (as second factor or alone); each is a SignIn too.
	PasskeySignIns Name = "PasskeySignIns"
	OTPFailures    Name = "OTPFailures"    // a wrong one-time code was counted against a challenge
	Lockouts       Name = "Lockouts"       // a login's failure budget ran out and sign-in locked
	GrantsAccepted Name = "GrantsAccepted" // a partner accepted a customer's access grant
	GrantsRevoked  Name = "GrantsRevoked"  // a grant was revoked by the customer or ended by the partner
	EmailsSent     Name = "EmailsSent"     // the mailer handed a message to SES (or SMS) and recorded it sent
	EmailsFailed   Name = "EmailsFailed"   // the mailer gave a message up and recorded it failed
	// EmailsBounced and EmailsComplained count the email service's reports of a hard bounce and of a complaint,
	// once each, when package feedback records them on the user (a repeated or stale report is not counted).
	EmailsBounced    Name = "EmailsBounced"
	EmailsComplained Name = "EmailsComplained"
)

// Names lists every event, for a dashboard or a test that wants them all.
var Names = []Name{AccountsCreated, Activations, SignIns, PasskeySignIns, OTPFailures, Lockouts, GrantsAccepted, GrantsRevoked, EmailsSent, EmailsFailed, EmailsBounced, EmailsComplained}

// Counter counts one occurrence of a business event. It must not fail the change it counts: a counter that cannot
// write drops the count (metrics are best effort; the audit trail is the record).
type Counter func(ctx context.Context, name Name)

// Count counts one name; a nil Counter counts nothing.
func (c Counter) Count(ctx context.Context, name Name) {
	if c != nil {
		c(ctx, name)
	}
}

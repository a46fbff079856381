// Package token is the single-use link token behind every emailed link: activation, membership invitation and
// password reset. A token holds no secret: the link carries "<id>.<mac>", only the HMAC key can make the mac for
// an id (package secret), and the table holds the token's id, purpose, subject, deadline and state.
//
// A token is pending until it is used, replaced by a newer one, or expired by its deadline; its deadline is
// checked on every read, whatever the sweep has done yet. It is pure: ids and time come in as parameters.
package token

import "time"

// Statuses of a token, as stored. Pending is the only one in which a link works.
const (
	Pending  = "pending"
	Used     = "used"
	Replaced = "replaced"
	Expired  = "expired"
)

// Token is a single-use link token as stored.
type Token struct {
	ID        string `dynamodbav:"id"`
	Purpose   string `dynamodbav:"purpose"`
	UserID    string `dynamodbav:"userId"`
	AccountID string `dynamodbav:"accountId"`
	Status    string `dynamodbav:"status"`
	// ExpiresAt is stored as epoch seconds so that conditions can compare it with now.
	ExpiresAt time.Time `dynamodbav:"expiresAt,unixtime"`
	// InvitedBy and InviterAccountID name who sent the link (empty for the bootstrap and for a reset): the
	// person to ask for a new one.
	InvitedBy        string    `dynamodbav:"invitedBy,omitempty"`
	InviterAccountID string    `dynamodbav:"inviterAccountId,omitempty"`
	CreatedAt        time.Time `dynamodbav:"createdAt"`
	Version          int       `dynamodbav:"version"`
	// Attempts counts the security answers tried with a reset link (package reset bounds them).
	Attempts int `dynamodbav:"attempts,omitempty"`
}

// New is a fresh pending token id of a purpose for a user and an account, valid for ttl from now. Its deadline
// is whole seconds, as stored.
func New(id, purpose, userID, accountID string, now time.Time, ttl time.Duration) Token {
	return Token{
		ID:        id,
		Purpose:   purpose,
		UserID:    userID,
		AccountID: accountID,
		Status:    Pending,
		ExpiresAt: now.Add(ttl).Truncate(time.Second),
		CreatedAt: now,
		Version:   1,
	}
}

// SentBy is t naming who sent it: a user and the account they acted in.
func (t Token) SentBy(userID, accountID string) Token {
	t.InvitedBy, t.InviterAccountID = userID, accountID
	return t
}

// Expired reports whether the token's deadline has passed at now. Every read checks it: the sweep and TTL only
// tidy up after the fact.
func (t Token) Expired(now time.Time) bool { return now.Unix() >= t.ExpiresAt.Unix() }

// State is why the token no longer works at now — Used, Replaced or Expired — or "" while it does.
func (t Token) State(now time.Time) string {
	switch {
	case t.Status == Used:
		return Used
	case t.Status == Replaced:
		return Replaced
	case t.Status == Expired || t.Expired(now):
		return Expired
	}
	return ""
}

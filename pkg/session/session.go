// Package session holds the rules of browser sessions: idle and absolute timeouts, and how often a session's
// idle expiry slides forward. It is pure: no SDK, no clock, no randomness. The token that identifies a session
// lives only in the browser's cookie; a session is known by the HMAC of its token.
package session

import "time"

// Timeouts.
const (
	// IdleTimeout ends a session that made no request for this long.
	IdleTimeout = 30 * time.Minute
	// AbsoluteTimeout ends every session this long after sign-in, however busy.
	AbsoluteTimeout = 12 * time.Hour
	// TouchEvery is the least time between two writes that slide the idle expiry, so a busy browser costs one
	// write a minute rather than one per request. The idle timeout is therefore exact to within this much.
	TouchEvery = time.Minute
)

// Session is one signed-in browser.
type Session struct {
	// Hash is the HMAC of the token; the token itself is never stored.
	Hash      string
	UserID    string
	AccountID string // the account the session acts in
	CreatedAt time.Time
	// LastSeenAt is when the idle expiry last moved.
	LastSeenAt        time.Time
	IdleExpiresAt     time.Time
	AbsoluteExpiresAt time.Time
	// Reach names what the check of every request reads besides the user, the membership and the account.
	Reach Reach
	// Device, Address and Place say where the session was started, for the person's list of their sessions:
	// see Client.
	Device  string
	Address string
	Place   string
}

// Client is where a sign-in comes from, as the request says: its source address, its User-Agent header and,
// behind the CDN, the viewer's place.
type Client struct {
	IP        string
	UserAgent string
	Place     string // see Place
}

// From is the session started from c: a short description of the device, the masked address and the place.
// The full address and the user agent are not kept.
func (s Session) From(c Client) Session {
	s.Device, s.Address, s.Place = Device(c.UserAgent), MaskAddress(c.IP), truncate(c.Place, maxPlace)
	return s
}

// PublicID is the session's id in the API (PublicID).
func (s Session) PublicID() string { return PublicID(s.Hash) }

// Reach names, for the check every request of a session makes, the records it reads besides the user, the
// membership and the account the session acts in: the accounts above that account (disabling one blocks its
// subtree) and, for a support partner's staff member, the grant they act through and the partner account with the
// accounts above it. It is written when the session starts acting in its account, so that the check reads all of
// it in one batch. It is a hint, never trusted: the check decides on the records it reads, and a reach that no
// longer names what they point to only costs another read.
type Reach struct {
	Above        []string // ids of the accounts above the session's account whose disabling blocks it (account.Blockers)
	GrantID      string   // the grant a staff member acts through; "" for the account's own people
	PartnerID    string   // the grant's partner account
	PartnerAbove []string // the same for the partner
}

// New starts a session at now.
func New(hash, userID, accountID string, now time.Time) Session {
	return Session{
		Hash: hash, UserID: userID, AccountID: accountID,
		CreatedAt: now, LastSeenAt: now,
		IdleExpiresAt: now.Add(IdleTimeout), AbsoluteExpiresAt: now.Add(AbsoluteTimeout),
	}
}

// Valid reports whether the session may serve a request at now.
func (s Session) Valid(now time.Time) bool {
	return now.Before(s.IdleExpiresAt) && now.Before(s.AbsoluteExpiresAt)
}

// NeedsTouch reports whether a request at now should slide the idle expiry.
func (s Session) NeedsTouch(now time.Time) bool { return now.Sub(s.LastSeenAt) >= TouchEvery }

// Touched is the session after a request at now: the idle expiry moves, never past the absolute one.
func (s Session) Touched(now time.Time) Session {
	s.LastSeenAt = now
	s.IdleExpiresAt = now.Add(IdleTimeout)
	if s.IdleExpiresAt.After(s.AbsoluteExpiresAt) {
		s.IdleExpiresAt = s.AbsoluteExpiresAt
	}
	return s
}

// CookieMaxAge is the cookie's Max-Age in seconds at now: the browser may keep it until the absolute expiry;
// the idle expiry is enforced on the server.
func (s Session) CookieMaxAge(now time.Time) int {
	return max(int(s.AbsoluteExpiresAt.Sub(now)/time.Second), 0)
}

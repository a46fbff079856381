// Package lockout is the rule that locks one source address out of one login after too many password steps,
// and the subject those steps are counted under. Sign-in counts steps against it and clears the count on a
// right password; a password reset clears it too, since the owner has just proven who they are.
//
// There is no lock of a login from everywhere: it would let anyone who knows an email keep its owner out. The
// package is pure: counting is the rate limiter's (package ratelimit), which takes the rule as ratelimit.Rule.
package lockout

import (
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Rule allows Limit password steps per subject in each Window; Scope names its counters. It has the shape of
// ratelimit.Rule, so the limiter counts it as ratelimit.Rule(r), and a change to either shape fails to compile.
type Rule struct {
	Scope  string
	Limit  int
	Window time.Duration
}

// PasswordPerLoginSource bounds password steps at one login (an email address, whether or not it exists) from
// one source address; past it, that source is locked out of that login until the window ends, right password
// or not. A right password before that clears the count, and so does a password reset.
var PasswordPerLoginSource = Rule{Scope: "signin-lock", Limit: 10, Window: 15 * time.Minute}

// LoginSource is the subject of PasswordPerLoginSource for a login and a source — the address as the rate
// limiter counts it (ratelimit.Source: an IPv4 address, or an IPv6 /64). It is an HMAC of the email, folded as
// logins are, and the source, so the table keeps no trace of addresses people typed that do not exist. It uses
// the current HMAC key with no version (secret.Keyring.Hash): a key rotation restarts the count, at worst giving
// a source one fresh window per rotation, which is cheaper than a versioned lookup on every sign-in.
func LoginSource(keys *secret.Keyring, email, source string) string {
	return keys.Hash("signin-lock:" + strings.ToLower(strings.TrimSpace(email)) + "|" + source)
}

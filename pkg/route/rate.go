package route

// RateClass names a group of public routes that the edge (the portal distribution's web ACL) limits per viewer
// address, before a request reaches a function: they answer anyone, and each request costs a password hash, an
// email, a text or a table write. The functions keep their own, finer limits per user and per address
// (pkg/signin, pkg/reset); the edge's ceiling stops a flood before it costs anything.
type RateClass string

// The rate classes. A class is one rate-based rule, with one limit shared by all its routes.
const (
	// Unlimited routes have no rate rule of their own at the edge.
	Unlimited RateClass = ""
	// SignIn is a password or a one-time code checked.
	SignIn RateClass = "sign-in"
	// Reset is a password reset asked for or completed.
	Reset RateClass = "reset"
	// Resend is a one-time code or an activation email sent again.
	Resend RateClass = "resend"
	// PublicRead is a public read by id (a partner's brand, its logo): cheap, but anyone's, so a flood of guesses
	// is stopped at the edge rather than paid for in reads.
	PublicRead RateClass = "public-read"
)

// RateClasses lists the classes that have a rule, in the order the web ACL evaluates them.
var RateClasses = []RateClass{SignIn, Reset, Resend, PublicRead}

// rateClasses marks routes of Routes with their class, by route key, like uploads: one place that says which
// routes the edge limits, which the web ACL's rules are generated from.
var rateClasses = map[string]RateClass{
	"POST /v1/sessions":     SignIn,
	"POST /v1/sessions/otp": SignIn,
	// A passkey ceremony begun (a ceremony item written) or answered, as the second step or alone.
	"POST /v1/sessions/otp/passkey-options": SignIn,
	"POST /v1/sessions/otp/passkey":         SignIn,
	"POST /v1/sessions/passkey-options":     SignIn,
	"POST /v1/sessions/passkey":             SignIn,
	"POST /v1/password-resets":              Reset,
	"POST /v1/password-resets/{token}":      Reset,
	"POST /v1/sessions/otp/resend":          Resend,
	"POST /v1/activation-emails":            Resend,
	// A bulk resend to every matching user: a request per page of 50 (onboarding.MatchPage), so the class's
	// ceiling still lets a run through thousands of users.
	"POST /v1/accounts/{id}/activation-emails": Resend,
	// Every page a customer opens asks for its partner's brand and logo once; the ceiling is far above that.
	"GET /v1/brands/{id}": PublicRead,
	"GET /v1/logos/{id}":  PublicRead,
}

// RateClass is the route's class at the edge, Unlimited for most routes.
func (r Route) RateClass() RateClass { return rateClasses[r.Key()] }

// RateLimited lists the routes of a class, in the order of Routes.
func RateLimited(c RateClass) []Route {
	var out []Route
	for _, r := range Routes {
		if c != Unlimited && r.RateClass() == c {
			out = append(out, r)
		}
	}
	return out
}

// Uploads lists the routes whose body is a file (MediaTypes is not nil), in the order of Routes: their bodies
// are larger than any JSON request's, which the edge's body-size rule must let through.
func Uploads() []Route {
	var out []Route
	for _, r := range Routes {
		if r.MediaTypes() != nil {
			out = append(out, r)
		}
	}
	return out
}

// secretBodies are the routes whose JSON body carries a password or a security answer: free text a person chose,
// which may well hold "<script" or "../". The edge does not judge those bodies by attack patterns (the functions
// never echo, render or resolve them: they only hash and compare), so no one is locked out by their password.
var secretBodies = map[string]bool{
	"POST /v1/sessions":                true, // the password
	"POST /v1/activations/{token}":     true, // the new password and security answer
	"POST /v1/password-resets/{token}": true, // the security answer and the new password
}

// SecretBodies lists the routes whose body carries a password or a security answer, in the order of Routes.
func SecretBodies() []Route {
	var out []Route
	for _, r := range Routes {
		if secretBodies[r.Key()] {
			out = append(out, r)
		}
	}
	return out
}

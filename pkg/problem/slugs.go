package problem

import "slices"

// Slugs is every problem type slug the API can answer: the kinds' defaults above, and every slug a package gives
// a *fault.Error. The OpenAPI description may name only these (pkg/apispec checks it), and a test finds every
// slug written in the code and fails for one missing here, so a new slug is one line here too.
var Slugs = []string{
	// The kinds' defaults, and the answer to an unknown error.
	"validation", "unauthorized", "forbidden", "pending-step", "not-found", "no-route", "conflict",
	"stale-version", "already-used", "expired", "unsupported-media-type", "locked", "rate-limited", "unavailable",
	"internal",

	// Requests and sessions (pkg/httpapi, pkg/signin).
	"origin-not-allowed", "not-through-portal", "invalid-credentials", "code-replayed", "code-used", "code-expired", "code-dead",
	"sign-in-locked", "sign-in-slowed", "wrong-code", "wrong-answer", "access-ended", "session-not-found", "current-session",

	// Links and invitations.
	"link-invalid", "link-used", "link-replaced", "link-expired", "link-used-up", "invitation-expired", "wrong-user",

	// The partner tree and its accounts.
	"account-not-found", "account-disabled", "already-disabled", "not-disabled", "parent-disabled", "own-account",
	"not-direct-child", "not-a-customer", "not-a-prospect", "prospects-only", "account-is-prospect", "not-a-partner", "company-name-taken", "email-taken", "rename-too-large",
	"too-many-users", "two-factor-forbidden",

	// Users and roles.
	"user-not-found", "user-disabled", "not-member", "already-member", "last-administrator", "partner-access",
	"cannot-raise-own-roles", "role-not-assignable", "email-bounced", "email-complained",

	// Partner access.
	"grant-not-found", "grant-exists", "grant-changed", "grant-ended", "grant-not-active", "grant-not-pending",
	"partner-not-found", "partner-only", "grant-not-time-bound",
	// Roles per grant.
	"customer-only", "role-request-pending", "no-role-request",
	// Staff groups.
	"group-not-found", "group-name-taken", "group-changed", "group-full", "group-assigned", "too-many-groups",

	// The edge (the portal distribution's web ACL, infra/waf.go), before any function: a body too large, a body
	// that looks like an attack.
	"body-too-large", "request-blocked",

	// Branding, first sign-in steps, two-factor.
	"branding-not-available", "branding-not-enabled", "license-outdated", "profile-complete",
	"mobile-not-verified", "no-verification", "no-enrolment", "totp-not-enrolled",

	// Passkeys (pkg/twofactor, pkg/signin).
	"ceremony-expired", "ceremony-used", "passkey-registered", "passkey-limit", "passkey-not-found", "passkey-refused",
	"passkey-not-registered", "passkey-not-passwordless", "passkey-cloned",
}

// Known reports whether slug is in Slugs.
func Known(slug string) bool { return slices.Contains(Slugs, slug) }

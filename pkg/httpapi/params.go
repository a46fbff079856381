package httpapi

import (
	"context"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
)

// paramShapes says what each path parameter of route.Routes can look like: ids are what secret.NewID makes, link
// tokens what secret.LinkToken makes. A value of another shape cannot name anything, so the adapter answers it
// before any session or table read, whatever route it came on.
var paramShapes = map[string]func(string) bool{
	"id":      secret.WellFormedID,
	"userId":  secret.WellFormedID,
	"grantId": secret.WellFormedID,
	"groupId": secret.WellFormedID,
	// passkeyId is a passkey's id in PartnerHub (secret.NewID), never the authenticator's credential id.
	"passkeyId": secret.WellFormedID,
	"token":     secret.WellFormedLinkToken,
	// sessionId is a session's public id (session.PublicID), never the hash its item is keyed by.
	"sessionId": session.WellFormedID,
}

// WellFormedParam reports whether value could name something as path parameter name. A parameter with no shape
// declared is never well formed: a new route with a new parameter fails closed until its shape is declared.
func WellFormedParam(name, value string) bool {
	shape, known := paramShapes[name]
	return known && shape(value)
}

// checkParams answers a path parameter that cannot name anything with the problem the route's endpoint gives for
// a well-formed value that names nothing, so a malformed value and an unknown one are told apart by nobody. The
// value is never logged (it may be a mistyped secret, or kilobytes of junk): only its name and length are.
func checkParams(ctx context.Context, req *Request, rt route.Route) error {
	for _, name := range rt.Params() {
		value := req.Param(name)
		if WellFormedParam(name, value) {
			continue
		}
		req.Log.InfoContext(ctx, "path parameter cannot name anything", "param", name, "length", len(value))
		return NotFound(rt, name)
	}
	return nil
}

// Answers for a value that names nothing, copied from the endpoints that give them for a well-formed value
// (pkg/app's TestMalformedPathParametersAnswerAsUnknownOnes holds the two together).
var (
	errNoAccount       = fault.New(fault.ErrNotFound, "account-not-found", "There is no such account in your part of the tree.")
	errNoAccountGrants = fault.New(fault.ErrNotFound, "account-not-found",
		"There is no such account among yours: partner access is managed from inside the account, so switch to it first.")
	errNoAccountBrand = fault.New(fault.ErrNotFound, "not-found", "There is no such account in your part of the tree.")
	errNoLogo         = fault.New(fault.ErrNotFound, "not-found", "There is no such logo.")
	errNoBrand        = fault.New(fault.ErrNotFound, "not-found", "There is no such brand.")
	errNoUser         = fault.New(fault.ErrNotFound, "user-not-found", "There is no such user in your part of the tree.")
	errNoUserAtAll    = fault.New(fault.ErrNotFound, "user-not-found", "There is no such user.")
	errNotMember      = fault.New(fault.ErrNotFound, "not-member", "The user is not a member of that account.")
	errNoGrant        = fault.New(fault.ErrNotFound, "grant-not-found", "There is no such partner access for the account you act in.")
	errNoGroup        = fault.New(fault.ErrNotFound, "group-not-found", "There is no such staff group in the account you act in.")
	errNoStaffUser    = fault.New(fault.ErrNotFound, "user-not-found", "There is no such user in your account.")
	errNotInGroup     = fault.New(fault.ErrNotFound, "not-member", "This user is not in this staff group.")
	errNotFound       = fault.New(fault.ErrNotFound, "not-found", "There is nothing here.")
	errNoSession      = fault.New(fault.ErrNotFound, "session-not-found", "There is no such session among yours; it may have ended already.")
	errNoPasskey      = fault.New(fault.ErrNotFound, "passkey-not-found", "There is no such passkey.")

	errLinkActivation = fault.New(fault.ErrNotFound, "link-invalid",
		"This link is not valid. Open it again from your email, or ask your administrator for a new one.")
	errLinkMembership = fault.New(fault.ErrNotFound, "link-invalid",
		"This link is not valid. Open it again from your email, or ask the person who invited you for a new one.")
	errLinkShare = fault.New(fault.ErrNotFound, "link-invalid",
		"This partner link is not valid. Open it again from the partner's message, or ask the partner for a new one.")
	errLinkReset = fault.New(fault.ErrNotFound, "link-invalid",
		"This reset link is not valid. Open it again from your email, or ask for a new one.")
)

// NotFound is the problem a route answers for path parameter name when it names nothing.
func NotFound(rt route.Route, name string) error {
	collection, _, _ := strings.Cut(strings.TrimPrefix(rt.Path, "/v1/"), "/")
	switch name {
	case "token":
		switch collection {
		case "activations":
			return errLinkActivation
		case "memberships":
			return errLinkMembership
		case "share-links":
			return errLinkShare
		case "password-resets":
			return errLinkReset
		}
	case "grantId":
		return errNoGrant
	case "groupId":
		return errNoGroup
	case "userId":
		switch {
		case rt.Function == route.PartnerAccess && rt.Method == "DELETE": // out of a staff group
			return errNotInGroup
		case rt.Function == route.PartnerAccess: // into a staff group
			return errNoStaffUser
		}
		return errNotMember
	case "sessionId":
		return errNoSession
	case "passkeyId":
		return errNoPasskey
	case "id":
		switch {
		case collection == "logos":
			return errNoLogo
		case collection == "brands":
			return errNoBrand
		case collection == "users" && rt.Function == route.TwoFactor:
			return errNoUserAtAll
		case collection == "users":
			return errNoUser
		case collection == "accounts" && rt.Function == route.Branding:
			return errNoAccountBrand
		case collection == "accounts" && rt.Function == route.PartnerAccess:
			return errNoAccountGrants
		case collection == "accounts":
			return errNoAccount
		}
	}
	return errNotFound
}

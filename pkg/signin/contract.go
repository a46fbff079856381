package signin

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// signInProblems is what a sign-in step can fail with, whatever the step.
var signInProblems = []contract.Problem{
	contract.Fails(http.StatusUnauthorized, "invalid-credentials", "code-replayed", "wrong-code"),
	contract.Fails(http.StatusConflict, "account-disabled"),
	contract.Fails(http.StatusGone, "code-used", "code-expired", "code-dead"),
	contract.Fails(http.StatusLocked, "sign-in-locked"),
	contract.Fails(http.StatusTooManyRequests, "sign-in-slowed", "rate-limited"),
}

// Contract is what sign-in's routes accept and answer (see Mux).
var Contract = []contract.Operation{
	{Route: "POST /v1/sessions", Summary: "Sign in with email and password", Body: signInRequest{},
		Answers: []contract.Answer{
			contract.OK(http.StatusOK, OTPRequired{}, "The password is right; a one-time code was sent."),
			contract.OK(http.StatusCreated, SignedInBody{}, "Signed in: the session cookie is set.")},
		Problems: signInProblems},
	{Route: "POST /v1/sessions/otp", Summary: "Finish signing in with the one-time code", Body: codeRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusCreated, SignedInBody{}, "Signed in: the session cookie is set.")},
		Problems: signInProblems},
	{Route: "POST /v1/sessions/otp/resend", Summary: "Send the one-time code again", Body: resendRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusAccepted, Accepted{}, "Accepted, whatever happened.")},
		Problems: signInProblems},
	{Route: RoutePasskeyStepOptions, Summary: "The passkey step of a sign-in: options for navigator.credentials.get", Body: resendRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, PasskeyOptions{}, "The request options for the user's passkeys.")},
		Problems: append([]contract.Problem{
			contract.Fails(http.StatusConflict, "passkey-not-registered"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}, signInProblems...)},
	{Route: RoutePasskeyStep, Summary: "Finish signing in with a passkey as the second factor", Body: stepAssertionRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, SignedInBody{}, "Signed in: the session cookie is set.")},
		Problems: append([]contract.Problem{
			contract.Fails(http.StatusUnauthorized, "passkey-refused", "passkey-cloned"),
			contract.Fails(http.StatusGone, "ceremony-expired", "ceremony-used"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}, signInProblems...)},
	{Route: RoutePasswordlessOpts, Summary: "Begin a passwordless sign-in: options for a discoverable passkey", Body: struct{}{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, PasskeyOptions{}, "The request options, user verification required.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusTooManyRequests, "rate-limited"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}},
	{Route: RoutePasswordless, Summary: "Sign in with a passkey alone (one that verifies the user)", Body: assertionRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, SignedInBody{}, "Signed in: the session cookie is set.")},
		Problems: append([]contract.Problem{
			contract.Fails(http.StatusUnauthorized, "passkey-not-passwordless", "passkey-cloned"),
			contract.Fails(http.StatusGone, "ceremony-expired", "ceremony-used"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}, signInProblems...)},
	{Route: "DELETE /v1/sessions/current", Summary: "Sign out",
		Answers: []contract.Answer{contract.OK(http.StatusNoContent, nil, "Signed out: the cookie is cleared.")}},
	{Route: "GET /v1/me", Summary: "The signed-in user: memberships, current account, permissions, branding, pending steps",
		Answers: []contract.Answer{contract.OK(http.StatusOK, Me{}, "The user.")}},
	{Route: RouteSwitchAccount, Summary: "Act in another account the user belongs to", Body: switchRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Me{}, "The user, in the new account.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "not-member", "account-not-found"),
			contract.Fails(http.StatusConflict, "account-disabled")}},
	{Route: RouteSessions, Summary: "The caller's sessions: device, place or masked address, when started and last seen",
		Answers: []contract.Answer{contract.OK(http.StatusOK, SessionList{}, "The sessions, the calling one first.")}},
	{Route: RouteEndSession, Summary: "End one of the caller's other sessions",
		Answers: []contract.Answer{contract.OK(http.StatusNoContent, nil, "The session has ended.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "session-not-found"),
			contract.Fails(http.StatusConflict, "current-session")}},
	{Route: RouteEndOthers, Summary: "End every session of the caller but the calling one",
		Answers: []contract.Answer{contract.OK(http.StatusOK, SessionsEnded{}, "The other sessions have ended; the calling one goes on.")}},
}

package twofactor

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// appCodeProblems is what proving the authenticator app can fail with.
var appCodeProblems = []contract.Problem{
	contract.Fails(http.StatusBadRequest, "wrong-code"),
	contract.Fails(http.StatusConflict, "totp-not-enrolled", "no-enrolment", "stale-version"),
	contract.Fails(http.StatusGone, "code-used"),
	contract.Fails(http.StatusTooManyRequests, "rate-limited"),
}

// Contract is what the two-factor routes accept and answer (see Mux).
var Contract = []contract.Operation{
	{Route: RouteSwitch, Summary: "A super administrator turns a user's two-factor sign-in on or off", Body: switchRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Switched{}, "The user's setting.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "user-not-found"), contract.Fails(http.StatusConflict, "stale-version")}},
	{Route: RouteMine, Summary: "The caller's two-factor settings",
		Answers: []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The settings.")}},
	{Route: RouteChoose, Summary: "Choose the two-factor method", Body: choiceRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The settings.")},
		Problems: []contract.Problem{contract.Fails(http.StatusConflict, "mobile-not-verified", "totp-not-enrolled", "passkey-not-registered", "stale-version")}},
	{Route: RouteSendMobile, Summary: "Text a code to a mobile number to verify it", Body: mobileRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusAccepted, CodeSent{}, "The code was sent.")},
		Problems: []contract.Problem{contract.Fails(http.StatusTooManyRequests, "rate-limited"), contract.Fails(http.StatusConflict, "stale-version")}},
	{Route: RouteVerifyMobile, Summary: "Confirm the mobile number with the texted code", Body: codeRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The settings, with the mobile verified.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusBadRequest, "wrong-code"),
			contract.Fails(http.StatusConflict, "no-verification", "stale-version"),
			contract.Fails(http.StatusGone, "code-expired", "code-dead", "code-used"),
			contract.Fails(http.StatusTooManyRequests, "rate-limited")}},
	{Route: RouteStartApp, Summary: "Start enrolling an authenticator app", Body: struct{}{},
		Answers:  []contract.Answer{contract.OK(http.StatusCreated, Enrolment{}, "The secret to scan.")},
		Problems: []contract.Problem{contract.Fails(http.StatusConflict, "stale-version")}},
	{Route: RouteConfirmApp, Summary: "Confirm the app with its first code", Body: codeRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Confirmed{}, "The app is on; recovery codes, shown once.")}, Problems: appCodeProblems},
	{Route: RouteRemoveApp, Summary: "Remove the authenticator app", Body: proofRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The settings.")}, Problems: appCodeProblems},
	{Route: RouteNewCodes, Summary: "New recovery codes", Body: codeRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Confirmed{}, "The new recovery codes, shown once.")}, Problems: appCodeProblems},
	{Route: RouteRemoveMobile, Summary: "Remove the verified mobile number", Body: struct{}{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The settings.")},
		Problems: []contract.Problem{contract.Fails(http.StatusConflict, "mobile-not-verified", "stale-version")}},
	{Route: RoutePasskeys, Summary: "The caller's passkeys",
		Answers: []contract.Answer{contract.OK(http.StatusOK, PasskeyList{}, "The passkeys, oldest first.")}},
	{Route: RouteBeginPasskey, Summary: "Begin registering a passkey: the options for navigator.credentials.create", Body: struct{}{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, Registration{}, "The creation options; answer within expiresInSeconds.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusConflict, "passkey-limit"),
			contract.Fails(http.StatusTooManyRequests, "rate-limited"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}},
	{Route: RouteAddPasskey, Summary: "Finish registering a passkey with the browser's credential and a name", Body: passkeyRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, Passkey{}, "The passkey is registered.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusBadRequest, "passkey-refused"),
			contract.Fails(http.StatusConflict, "passkey-registered", "passkey-limit"),
			contract.Fails(http.StatusGone, "ceremony-expired", "ceremony-used"),
			contract.Fails(http.StatusServiceUnavailable, "unavailable")}},
	{Route: RouteNamePasskey, Summary: "Rename one of the caller's passkeys", Body: nameRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Passkey{}, "The passkey.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "passkey-not-found")}},
	{Route: RouteDropPasskey, Summary: "Remove one of the caller's passkeys", Body: struct{}{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Settings{}, "The two-factor settings after it (back to email codes if it was the last passkey and the chosen method).")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "passkey-not-found"),
			contract.Fails(http.StatusConflict, "stale-version")}},
}

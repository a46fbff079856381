package reset

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// linkProblems is what a reset link can fail with.
var linkProblems = []contract.Problem{
	contract.Fails(http.StatusNotFound, "link-invalid"),
	contract.Fails(http.StatusGone, "link-used", "link-replaced", "link-expired", "link-used-up"),
}

// Contract is what password reset's routes accept and answer (see Mux).
var Contract = []contract.Operation{
	{Route: RouteRequest, Summary: "Ask for a password reset email; the same answer whatever the address", Body: requestBody{},
		Answers:  []contract.Answer{contract.OK(http.StatusAccepted, Accepted{}, "Accepted.")},
		Problems: []contract.Problem{contract.Fails(http.StatusTooManyRequests, "rate-limited")}},
	{Route: RouteLink, Summary: "What a reset link is for",
		Answers: []contract.Answer{contract.OK(http.StatusOK, LinkInfo{}, "The link's user and expiry.")}, Problems: linkProblems},
	{Route: RouteReset, Summary: "Set a new password with the security answer", Body: ResetRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Done{}, "The password is changed.")},
		Problems: append([]contract.Problem{
			contract.Fails(http.StatusBadRequest, "wrong-answer"),
			contract.Fails(http.StatusLocked, "sign-in-locked"),
			contract.Fails(http.StatusTooManyRequests, "rate-limited")}, linkProblems...)},
}

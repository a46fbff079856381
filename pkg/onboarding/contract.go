package onboarding

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
)

// linkProblems is what an activation link can fail with.
var linkProblems = []contract.Problem{
	contract.Fails(http.StatusNotFound, "link-invalid"),
	contract.Fails(http.StatusGone, "link-used", "link-replaced", "link-expired"),
}

// Contract is what onboarding's routes accept and answer (see SignupMux and ActivationMux).
var Contract = []contract.Operation{
	{Route: RouteCreateAccount, Summary: "Create an account below one of yours, with its point of contact", Body: CreateAccountRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusCreated, Created{}, "The account, pending until its contact activates.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "two-factor-forbidden", "prospects-only", "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "company-name-taken", "email-taken", "parent-disabled", "conflict")}},
	{Route: RouteConvert, Summary: "Convert a prospect to a customer, and send its point of contact their activation email", Body: noBody{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Converted{}, "The account is a customer now.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "not-direct-child"),
			contract.Fails(http.StatusNotFound, "account-not-found"),
			contract.Fails(http.StatusConflict, "not-a-prospect", "account-disabled", "conflict")}},
	{Route: RouteGetActivation, Summary: "What an activation link is for",
		Answers: []contract.Answer{contract.OK(http.StatusOK, LinkInfo{}, "The link's user, account and expiry.")}, Problems: linkProblems},
	{Route: RouteActivate, Summary: "Register: set the password and security question", Body: ActivateRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, Activated{}, "The user is active.")}, Problems: linkProblems},
	{Route: RouteResendActivate, Summary: "Resend activation emails, with a result per user", Body: ResendRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusAccepted, ResendAnswer{}, "A result per user.")},
		// Naming one user whose address the email service reported as bouncing or complaining is refused whole.
		Problems: []contract.Problem{contract.Fails(http.StatusConflict, "email-bounced", "email-complained")}},
	{Route: RouteResendMatching, Summary: "Resend activation emails to the next page of an account's unregistered users matching the user list's filters",
		Body:     MatchResendRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusAccepted, MatchResendAnswer{}, "A result per user of the page, the counts and the next page's cursor.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "account-not-found")}},
}

package profile

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/contract"
	"github.com/partnerhub/partnerhub/pkg/license"
)

// Contract is what the first sign-in steps' routes accept and answer (see Mux).
var Contract = []contract.Operation{
	{Route: RouteLicense, Summary: "The current license agreement",
		Answers: []contract.Answer{contract.OK(http.StatusOK, license.License{}, "The license.")}},
	{Route: RouteAccept, Summary: "Accept the license agreement", Body: AcceptRequest{},
		Answers:  []contract.Answer{contract.OK(http.StatusOK, Acceptance{}, "The acceptance.")},
		Problems: []contract.Problem{contract.Fails(http.StatusConflict, "license-outdated", "stale-version", "conflict")}},
	{Route: RouteCompany, Summary: "Complete the company profile", Body: CompanyRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, CompanyDone{}, "The profile is complete.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusForbidden, "pending-step"),
			contract.Fails(http.StatusConflict, "profile-complete", "company-name-taken", "rename-too-large", "stale-version", "conflict")}},
}

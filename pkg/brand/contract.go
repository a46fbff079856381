package brand

import (
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/contract"
)

// Contract is what branding's routes accept and answer (see Mux). The logo upload's body is the image itself,
// with one of the media types route.Route.MediaTypes lists.
var Contract = []contract.Operation{
	{Route: RouteGet, Summary: "An account's branding and the branding it shows",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, View{}, "The branding.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "not-found", "account-not-found")}},
	{Route: RouteUpdate, Summary: "Set an account's colour and support channel", Body: branding.Settings{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The branding.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "not-found", "account-not-found"),
			contract.Fails(http.StatusConflict, "branding-not-enabled", "stale-version", "conflict")}},
	{Route: RouteLogo, Summary: "Upload an account's logo (PNG, JPEG or WebP)",
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The branding with the new logo.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusNotFound, "not-found", "account-not-found"),
			contract.Fails(http.StatusConflict, "branding-not-enabled", "stale-version", "conflict")}},
	{Route: RouteEnabled, Summary: "The provider turns branding on or off for a partner", Body: EnabledRequest{},
		Answers: []contract.Answer{contract.OK(http.StatusOK, View{}, "The branding.")},
		Problems: []contract.Problem{
			contract.Fails(http.StatusBadRequest, "branding-not-available"),
			contract.Fails(http.StatusNotFound, "not-found", "account-not-found"),
			contract.Fails(http.StatusConflict, "stale-version", "conflict")}},
	{Route: RoutePublicLogo, Summary: "An account's logo, for the portal and emails",
		Query: []contract.Param{{Name: "v", Description: "The logo's hash: a versioned URL, cached for long."}},
		Answers: []contract.Answer{
			{Status: http.StatusOK, Description: "The image.", Media: []string{"image/png", "image/jpeg", "image/webp"}},
			{Status: http.StatusNotModified, Description: "The image has not changed (If-None-Match)."}},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "not-found")}},
	{Route: RoutePublic, Summary: "The branding an account shows, for the pages opened before sign-in",
		Answers:  []contract.Answer{contract.OK(http.StatusOK, branding.Effective{}, "The account's effective branding.")},
		Problems: []contract.Problem{contract.Fails(http.StatusNotFound, "not-found")}},
}

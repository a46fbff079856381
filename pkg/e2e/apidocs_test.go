package e2e_test

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestAPIReferenceListsEveryOperation opens the portal's API reference (/docs/api), which renders
// GET /v1/openapi.json without any library: every route of the route table is listed with its answers, the
// problem slugs of an error answer are shown, and the page runs under the security headers (the page's cleanup
// fails the test on a Content Security Policy violation).
func TestAPIReferenceListsEveryOperation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	p := newPage(t, s.URL)
	p.open("/docs/api", "api-operations")
	p.until("every operation is listed", fmt.Sprintf(`document.querySelectorAll(".api-op").length === %d`, len(route.Routes)))
	for _, want := range []string{"POST /v1/sessions", "GET /v1/accounts/{id}/children", "GET /v1/openapi.json"} {
		if !eval[bool](p, "find "+want, fmt.Sprintf(`[...document.querySelectorAll(".api-op h3")].some(h => h.textContent === %q)`, want)) {
			t.Errorf("%s is not listed", want)
		}
	}
	if !eval[bool](p, "find a problem slug", `document.getElementById("api-operations").textContent.includes("grant-not-found")`) {
		t.Error("the error answers do not show their problem slugs")
	}
	if got := eval[string](p, "read the status", `document.getElementById("api-status").textContent`); got == "" {
		t.Error("the page says nothing about what it loaded")
	}
}

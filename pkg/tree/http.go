package tree

import (
	"context"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteGetAccount  = "GET /v1/accounts/{id}"
	RouteEditAccount = "PATCH /v1/accounts/{id}"
	RouteChildren    = "GET /v1/accounts/{id}/children"
	RouteSearch      = "GET /v1/accounts/{id}/search"
	RouteEndpoints   = "PUT /v1/accounts/{id}/endpoints"
	RouteAudit       = "GET /v1/accounts/{id}/audit"
	RouteAttention   = "GET /v1/accounts/{id}/attention"
	RouteApps        = "GET /v1/apps"
	RouteDisable     = "POST /v1/accounts/{id}/disable"
	RouteEnable      = "POST /v1/accounts/{id}/enable"
)

// AccountsMux is the accounts function's API:
//
//	GET   /v1/accounts/{id}                      → 200 AccountView | 404 account-not-found | 403 forbidden
//	PATCH /v1/accounts/{id}            EditRequest → 200 AccountView | 400 | 403 | 404 | 409 company-name-taken, stale-version
//	GET   /v1/accounts/{id}/children?cursor=&limit= → 200 ChildList | 400 cursor, limit | 403 | 404
//	GET   /v1/accounts/{id}/search?q=&kind=&status=&stage=&sort=&order=&cursor=&limit= → 200 SearchList | 400 | 403 | 404
//	PUT   /v1/accounts/{id}/endpoints  EndpointsRequest → 200 EndpointCount | 400 | 403 | 404 | 409 not-a-customer
//	GET   /v1/accounts/{id}/audit?actor=&action=&target=&from=&to=&cursor=&limit= → 200 AuditList | 400 | 403 | 404
//	GET   /v1/accounts/{id}/attention               → 200 Attention | 403 | 404
//	GET   /v1/apps                                  → 200 AppList
func (s *Service) AccountsMux() httpapi.Mux {
	return httpapi.Mux{
		RouteGetAccount:  s.getAccount,
		RouteEditAccount: s.editAccount,
		RouteChildren:    s.children,
		RouteSearch:      s.search,
		RouteEndpoints:   s.endpoints,
		RouteAudit:       s.auditLog,
		RouteAttention:   s.attention,
		RouteApps:        listApps,
	}
}

// RevokeMux is the partner tree's part of the revoke function's API:
//
//	POST /v1/accounts/{id}/disable → 200 StatusChange | 403 own-account, not-direct-child, forbidden | 404 | 409 already-disabled
//	POST /v1/accounts/{id}/enable  → 200 StatusChange | 403 | 404 | 409 not-disabled
func (s *Service) RevokeMux() httpapi.Mux {
	return httpapi.Mux{
		RouteDisable: s.disable,
		RouteEnable:  s.enable,
	}
}

func (s *Service) getAccount(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := s.Get(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func (s *Service) editAccount(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req EditRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Edit(ctx, r.Actor, r.Param("id"), req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func (s *Service) children(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	list, err := s.Children(ctx, r.Actor, r.Param("id"), pageOf(r))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, list), nil
}

func (s *Service) search(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	list, err := s.Search(ctx, r.Actor, r.Param("id"), SearchRequest{
		Q: r.Query("q"), Kind: r.Query("kind"), Status: r.Query("status"), Stage: r.Query("stage"), Sort: r.Query("sort"),
		Order: r.Query("order"), Cursor: r.Query("cursor"), Limit: r.Query("limit"),
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, list), nil
}

func (s *Service) endpoints(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req EndpointsRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	n, err := s.ReportEndpoints(ctx, r.Actor, r.Param("id"), req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, n), nil
}

func (s *Service) auditLog(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	list, err := s.AuditLog(ctx, r.Actor, r.Param("id"), AuditRequest{
		Actor: r.Query("actor"), Action: r.Query("action"), Target: r.Query("target"), From: r.Query("from"),
		To: r.Query("to"), Cursor: r.Query("cursor"), Limit: r.Query("limit"),
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, list), nil
}

func (s *Service) attention(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := s.Attention(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func listApps(context.Context, *httpapi.Request) (httpapi.Response, error) {
	return httpapi.JSON(http.StatusOK, ListApps()), nil
}

func (s *Service) disable(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	c, err := s.Disable(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

func (s *Service) enable(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	c, err := s.Enable(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

// noBody is the body of actions that take none: empty or {}, anything else is reported.
type noBody struct{}

func pageOf(r *httpapi.Request) PageRequest {
	return PageRequest{Cursor: r.Query("cursor"), Limit: r.Query("limit")}
}

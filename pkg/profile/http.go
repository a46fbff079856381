package profile

import (
	"context"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes. All of them stay open while steps are pending.
const (
	RouteLicense = "GET /v1/license"
	RouteAccept  = "POST /v1/me/license-acceptance"
	RouteCompany = "PUT /v1/me/company"
)

// Mux is the profile function's API:
//
//	GET  /v1/license                → 200 license.License {version, title, text}
//	POST /v1/me/license-acceptance  AcceptRequest → 200 Acceptance | 400 | 409 license-outdated
//	PUT  /v1/me/company             CompanyRequest → 200 CompanyDone | 400 | 403 forbidden, pending-step |
//	                                409 profile-complete, company-name-taken
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		RouteLicense: s.getLicense,
		RouteAccept:  s.accept,
		RouteCompany: s.company,
	}
}

func (s *Service) getLicense(context.Context, *httpapi.Request) (httpapi.Response, error) {
	return httpapi.JSON(http.StatusOK, s.License()), nil
}

func (s *Service) accept(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req AcceptRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	done, err := s.Accept(ctx, r.Actor, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, done), nil
}

func (s *Service) company(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req CompanyRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	done, err := s.CompleteCompany(ctx, r.Actor, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, done), nil
}

package reset

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteRequest = "POST /v1/password-resets"
	RouteLink    = "GET /v1/password-resets/{token}"
	RouteReset   = "POST /v1/password-resets/{token}"
)

// Mux is the password-reset part of the activation function's API:
//
//	POST /v1/password-resets          {email} → 202 {"status":"accepted"}, whatever the address
//	GET  /v1/password-resets/{token}  → 200 LinkInfo | 404 link-invalid | 410 link-used, link-replaced, link-expired
//	POST /v1/password-resets/{token}  ResetRequest → 200 Done | 400 validation, wrong-answer |
//	                                  404 | 410 | 423 sign-in-locked
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		RouteRequest: s.postRequest,
		RouteLink:    s.getLink,
		RouteReset:   s.postReset,
	}
}

type requestBody struct {
	Email string `json:"email"`
}

func (r *requestBody) Validate(v *fault.ValidationError) {
	email := strings.TrimSpace(r.Email)
	switch {
	case email == "":
		v.Add("email", "required", "Enter your email address.")
	case len(email) > 254:
		v.Add("email", "too_long", "An email address has at most 254 characters.")
	case !strings.Contains(email, "@"):
		v.Add("email", "invalid_email", "Enter a valid email address.")
	}
}

// Accepted is the one answer to a request for a reset link.
type Accepted struct {
	Status string `json:"status"` // "accepted"
}

func (s *Service) postRequest(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in requestBody
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	if err := s.Request(ctx, strings.TrimSpace(in.Email), r.SourceIP()); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, Accepted{Status: "accepted"}), nil
}

func (s *Service) getLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	info, err := s.Link(ctx, r.Param("token"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, info), nil
}

func (s *Service) postReset(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in ResetRequest
	// ResetRequest is not an httpapi.Validator: the password rules depend on the user behind the token, so
	// Reset checks them and adds them to what decoding found, for one answer that names every problem.
	var problems *fault.ValidationError
	if err := r.Decode(&in); err != nil {
		if !errors.As(err, &problems) || problems.Has("body") {
			return httpapi.Response{}, err
		}
	}
	done, err := s.Reset(ctx, r.Param("token"), in, r.SourceIP(), problems)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, done)
	// Every session of the user ended, this browser's too if it had one.
	resp.Cookies = []string{httpapi.ClearSessionCookie(r.SecureCookies)}
	return resp, nil
}

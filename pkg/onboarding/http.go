package onboarding

import (
	"context"
	"errors"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteCreateAccount  = "POST /v1/accounts"
	RouteConvert        = "POST /v1/accounts/{id}/convert"
	RouteGetActivation  = "GET /v1/activations/{token}"
	RouteActivate       = "POST /v1/activations/{token}"
	RouteResendActivate = "POST /v1/activation-emails"
	RouteResendMatching = "POST /v1/accounts/{id}/activation-emails"
)

// SignupMux is the signup function's API:
//
//	POST /v1/accounts               CreateAccountRequest → 201 Created
//	POST /v1/accounts/{id}/convert  {} → 200 Converted | 403 forbidden, not-direct-child | 404 | 409 not-a-prospect, account-disabled
func (s *Service) SignupMux() httpapi.Mux {
	return httpapi.Mux{RouteCreateAccount: s.createAccount, RouteConvert: s.convert}
}

// noBody is the body of actions that take none: empty or {}, anything else is reported.
type noBody struct{}

func (s *Service) convert(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := r.Decode(&noBody{}); err != nil {
		return httpapi.Response{}, err
	}
	c, err := s.Convert(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

// ActivationMux is the activation function's API:
//
//	GET  /v1/activations/{token}   → 200 LinkInfo | 404 link-invalid | 410 link-used, link-replaced, link-expired
//	POST /v1/activations/{token}   ActivateRequest → 200 Activated | 400 | 404 | 410
//	POST /v1/activation-emails     ResendRequest → 202 {"results": [ResendResult]}
//	                               | 409 email-bounced, email-complained (one user named, whose address cannot take mail)
//	POST /v1/accounts/{id}/activation-emails
//	                               MatchResendRequest → 202 MatchResendAnswer (the next page of the account's
//	                               unregistered users matching the list's filters) | 400 | 403 | 404 account-not-found
//
// The resend answers 202 Accepted, as every resend endpoint does (DESIGN §5): the emails leave through the
// outbox after the answer. Its body still lists the outcome for each user.
func (s *Service) ActivationMux() httpapi.Mux {
	return httpapi.Mux{
		RouteGetActivation:  s.getActivation,
		RouteActivate:       s.activate,
		RouteResendActivate: s.resend,
		RouteResendMatching: s.resendMatching,
	}
}

func (s *Service) createAccount(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req CreateAccountRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	created, err := s.Create(ctx, r.Actor, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusCreated, created)
	resp.Headers = map[string]string{"Location": "/v1/accounts/" + created.ID}
	return resp, nil
}

func (s *Service) getActivation(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	info, err := s.Link(ctx, r.Param("token"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, info), nil
}

func (s *Service) activate(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req ActivateRequest
	// ActivateRequest is not an httpapi.Validator: its rules depend on the user behind the token, so Activate
	// checks them and adds them to what decoding found, for one answer that names every problem.
	var problems *fault.ValidationError
	if err := r.Decode(&req); err != nil {
		if !errors.As(err, &problems) || problems.Has("body") {
			return httpapi.Response{}, err
		}
	}
	done, err := s.Activate(ctx, r.Param("token"), req, problems)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, done), nil
}

// ResendAnswer is the body of the resend's answer.
type ResendAnswer struct {
	Results []ResendResult `json:"results"`
}

func (s *Service) resend(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req ResendRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	results, err := s.Resend(ctx, r.Actor, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, ResendAnswer{Results: results}), nil
}

func (s *Service) resendMatching(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var req MatchResendRequest
	if err := r.Decode(&req); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.ResendMatching(ctx, r.Actor, r.Param("id"), req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, out), nil
}

package twofactor

import (
	"context"
	"net/http"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteSwitch       = "PUT /v1/users/{id}/two-factor"
	RouteMine         = "GET /v1/me/two-factor"
	RouteChoose       = "PUT /v1/me/two-factor"
	RouteSendMobile   = "POST /v1/me/mobile-verification"
	RouteVerifyMobile = "POST /v1/me/mobile-verification/confirm"
	RouteStartApp     = "POST /v1/me/totp"
	RouteConfirmApp   = "POST /v1/me/totp/confirm"
	RouteRemoveApp    = "DELETE /v1/me/totp"
	RouteNewCodes     = "POST /v1/me/recovery-codes"
	RouteRemoveMobile = "DELETE /v1/me/mobile"
	RoutePasskeys     = "GET /v1/me/passkeys"
	RouteBeginPasskey = "POST /v1/me/passkeys/registrations"
	RouteAddPasskey   = "POST /v1/me/passkeys"
	RouteNamePasskey  = "PATCH /v1/me/passkeys/{passkeyId}"
	RouteDropPasskey  = "DELETE /v1/me/passkeys/{passkeyId}"
)

// Mux is the two-factor function's API:
//
//	PUT  /v1/users/{id}/two-factor            {enabled} → 200 Switched | 403 forbidden | 404 user-not-found
//	GET  /v1/me/two-factor                    → 200 Settings
//	PUT  /v1/me/two-factor                    {method} → 200 Settings | 409 mobile-not-verified, totp-not-enrolled
//	POST /v1/me/mobile-verification           {mobile} → 202 CodeSent | 400 | 429
//	POST /v1/me/mobile-verification/confirm   {code} → 200 Settings | 400 wrong-code | 409 no-verification |
//	                                          410 code-expired, code-dead, code-used
//	POST /v1/me/totp                          → 201 Enrolment
//	POST /v1/me/totp/confirm                  {code} → 200 Confirmed | 400 wrong-code | 409 no-enrolment | 429
//	DELETE /v1/me/totp                        {code: app code or recovery code} → 200 Settings | 400 wrong-code |
//	                                          409 totp-not-enrolled, stale-version | 410 code-used | 429
//	POST /v1/me/recovery-codes                {code: app code} → 200 Confirmed | 400 wrong-code |
//	                                          409 totp-not-enrolled, stale-version | 410 code-used | 429
//	DELETE /v1/me/mobile                      → 200 Settings | 409 mobile-not-verified, stale-version
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		RouteSwitch:       s.putSwitch,
		RouteMine:         s.getMine,
		RouteChoose:       s.putChoice,
		RouteSendMobile:   s.postMobile,
		RouteVerifyMobile: s.postMobileCode,
		RouteStartApp:     s.postApp,
		RouteConfirmApp:   s.postAppCode,
		RouteRemoveApp:    s.deleteApp,
		RouteNewCodes:     s.postRecoveryCodes,
		RouteRemoveMobile: s.deleteMobile,
	}
}

type switchRequest struct {
	Enabled *bool `json:"enabled"`
}

func (r *switchRequest) Validate(v *fault.ValidationError) {
	if r.Enabled == nil {
		v.Add("enabled", "required", "Say whether two-factor sign-in is on (true) or off (false).")
	}
}

type choiceRequest struct {
	Method string `json:"method"`
}

func (r *choiceRequest) Validate(v *fault.ValidationError) {
	switch r.Method {
	case "":
		v.Add("method", "required", "Choose email, sms, totp or passkey.")
	case user.MethodEmail, user.MethodSMS, user.MethodTOTP, user.MethodPasskey:
	default:
		v.Add("method", "invalid_method", "Choose email, sms, totp or passkey.")
	}
}

type mobileRequest struct {
	Mobile string `json:"mobile"`
}

func (r *mobileRequest) Validate(v *fault.ValidationError) {
	if strings.TrimSpace(r.Mobile) == "" {
		v.Add("mobile", "required", "Enter your mobile number.")
	}
}

type codeRequest struct {
	Code string `json:"code"`
}

func (r *codeRequest) Validate(v *fault.ValidationError) {
	code := strings.TrimSpace(r.Code)
	switch {
	case code == "":
		v.Add("code", "required", "Enter the code.")
	case len(code) != 6 || strings.Trim(code, "0123456789") != "":
		v.Add("code", "invalid_code", "The code has six digits.")
	}
}

// proofRequest is a code that proves the caller holds their authenticator app: six digits from the app, or
// (where accepted) a recovery code.
type proofRequest struct {
	Code string `json:"code"`
}

func (r *proofRequest) Validate(v *fault.ValidationError) {
	code := strings.TrimSpace(r.Code)
	_, recovery := factor.NormalizeRecoveryCode(code)
	switch {
	case code == "":
		v.Add("code", "required", "Enter the code from your authenticator app, or a recovery code.")
	case !recovery && (len(code) != 6 || strings.Trim(code, "0123456789") != ""):
		v.Add("code", "invalid_code", "Enter the 6-digit code from your authenticator app, or a recovery code like abcde-12345.")
	}
}

func (s *Service) putSwitch(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in switchRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Switch(ctx, r.Actor, r.Param("id"), *in.Enabled)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) getMine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Mine(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) putChoice(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in choiceRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Choose(ctx, r.Actor, in.Method)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postMobile(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in mobileRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.SendVerification(ctx, r.Actor, in.Mobile)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, out), nil
}

func (s *Service) postMobileCode(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in codeRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.ConfirmMobile(ctx, r.Actor, strings.TrimSpace(in.Code))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postApp(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in struct{}
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.StartApp(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}

func (s *Service) postAppCode(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in codeRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.ConfirmApp(ctx, r.Actor, strings.TrimSpace(in.Code))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) deleteApp(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in proofRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.RemoveApp(ctx, r.Actor, strings.TrimSpace(in.Code))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postRecoveryCodes(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in codeRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.NewRecoveryCodes(ctx, r.Actor, strings.TrimSpace(in.Code))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) deleteMobile(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in struct{}
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.RemoveMobile(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

package signin

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Mux is the routes of the otp function.
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		"POST /v1/sessions":            s.postSession,
		"POST /v1/sessions/otp":        s.postCode,
		"POST /v1/sessions/otp/resend": s.postResend,
		"DELETE /v1/sessions/current":  s.deleteSession,
		"GET /v1/me":                   s.getMe,
		RouteSwitchAccount:             s.postSwitch,
		RouteSessions:                  s.getSessions,
		RouteEndSession:                s.deleteOwnSession,
		RouteEndOthers:                 s.postEndOthers,
	}
}

// Bounds of request fields. A password longer than any that can be set is refused before it is hashed.
const (
	maxEmail    = 254
	maxPassword = 128
	maxID       = 64
)

type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (r *signInRequest) Validate(v *fault.ValidationError) {
	switch {
	case strings.TrimSpace(r.Email) == "":
		v.Add("email", "required", "Enter your email address.")
	case len(r.Email) > maxEmail:
		v.Add("email", "too_long", "An email address has at most 254 characters.")
	case !strings.Contains(r.Email, "@"):
		v.Add("email", "invalid_email", "Enter a valid email address.")
	}
	switch {
	case r.Password == "":
		v.Add("password", "required", "Enter your password.")
	case utf8.RuneCountInString(r.Password) > maxPassword:
		v.Add("password", "too_long", "A password has at most 128 characters.")
	}
}

type codeRequest struct {
	ChallengeID string `json:"challengeId"`
	Code        string `json:"code"`
}

func (r *codeRequest) Validate(v *fault.ValidationError) {
	validChallengeID(r.ChallengeID, v)
	code := strings.TrimSpace(r.Code)
	switch {
	case code == "":
		v.Add("code", "required", "Enter the code from the email.")
	case !codeShaped(code): // six digits, or an authenticator user's recovery code (twofactor.go)
		v.Add("code", "invalid_code", "The code has six digits.")
	}
}

type resendRequest struct {
	ChallengeID string `json:"challengeId"`
}

func (r *resendRequest) Validate(v *fault.ValidationError) { validChallengeID(r.ChallengeID, v) }

func validChallengeID(id string, v *fault.ValidationError) {
	switch {
	case id == "":
		v.Add("challengeId", "required", "The challenge id is missing: sign in again.")
	case len(id) > maxID:
		v.Add("challengeId", "too_long", "This is not a challenge id.")
	}
}

// OTPRequired is the answer to a right password when a code was sent.
type OTPRequired struct {
	Status           string `json:"status"` // "otp_required"
	ChallengeID      string `json:"challengeId"`
	Method           string `json:"method"`
	ExpiresInSeconds int    `json:"expiresInSeconds"`
	// Alternatives are the other ways this challenge may be answered: ["passkey"] when the user has a passkey
	// and the method is not passkey (POST /v1/sessions/otp/passkey-options, then /v1/sessions/otp/passkey).
	Alternatives []string `json:"alternatives"`
}

// SignedInBody is the answer to a sign-in that created a session (the cookie carries the token).
type SignedInBody struct {
	Status string      `json:"status"` // "signed_in"
	User   UserSummary `json:"user"`
}

// UserSummary names the signed-in user; GET /v1/me tells the rest.
type UserSummary struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	AccountID string `json:"accountId"`
}

// Accepted is the answer to a resend, whatever happened.
type Accepted struct {
	Status string `json:"status"` // "accepted"
}

func (s *Service) postSession(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in signInRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.SignIn(ctx, strings.TrimSpace(in.Email), in.Password, r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	if c := out.Challenge; c != nil {
		return httpapi.JSON(http.StatusOK, OTPRequired{
			Status: "otp_required", ChallengeID: c.ID, Method: c.Method,
			ExpiresInSeconds: int(c.ExpiresAt.Sub(c.IssuedAt).Seconds()), // 60 s; an app's step stays open longer
			Alternatives:     out.Alternatives,
		}), nil
	}
	return s.signedIn(*out.SignedIn, r), nil
}

func (s *Service) postCode(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in codeRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.Verify(ctx, in.ChallengeID, strings.TrimSpace(in.Code), r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	return s.signedIn(out, r), nil
}

func (s *Service) signedIn(in SignedIn, r *httpapi.Request) httpapi.Response {
	resp := httpapi.JSON(http.StatusCreated, SignedInBody{Status: "signed_in", User: UserSummary{
		ID: in.User.ID, Email: in.User.Email, Name: in.User.Name, AccountID: in.Session.AccountID,
	}})
	resp.Cookies = []string{httpapi.SessionCookieValue(in.Token, in.Session.CookieMaxAge(s.Clock.Now()), r.SecureCookies)}
	return resp
}

func (s *Service) postResend(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in resendRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	if err := s.Resend(ctx, in.ChallengeID, r.SourceIP()); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, Accepted{Status: "accepted"}), nil
}

func (s *Service) deleteSession(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := s.SignOut(ctx, r.Actor); err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.NoContent()
	resp.Cookies = []string{httpapi.ClearSessionCookie(r.SecureCookies)}
	return resp, nil
}

func (s *Service) getMe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	me, err := s.Me(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, me), nil
}

// Routes of the caller's list of sessions.
const (
	RouteSessions   = "GET /v1/me/sessions"
	RouteEndSession = "DELETE /v1/me/sessions/{sessionId}"
	RouteEndOthers  = "POST /v1/me/sessions/end-others"
)

func (s *Service) getSessions(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	list, err := s.Sessions(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, list), nil
}

func (s *Service) deleteOwnSession(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := s.EndSession(ctx, r.Actor, r.Param("sessionId")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

func (s *Service) postEndOthers(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.EndOtherSessions(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

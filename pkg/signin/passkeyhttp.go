package signin

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/passkey"
)

// PasskeyMux is the sign-in routes of the passkeys function: the passkey step and passwordless sign-in.
func (s *Service) PasskeyMux() httpapi.Mux {
	return httpapi.Mux{
		RoutePasskeyStepOptions: s.postPasskeyStepOptions,
		RoutePasskeyStep:        s.postPasskeyStep,
		RoutePasswordlessOpts:   s.postPasswordlessOptions,
		RoutePasswordless:       s.postPasswordless,
	}
}

// Routes of passkey sign-in.
const (
	RoutePasskeyStepOptions = "POST /v1/sessions/otp/passkey-options"
	RoutePasskeyStep        = "POST /v1/sessions/otp/passkey"
	RoutePasswordlessOpts   = "POST /v1/sessions/passkey-options"
	RoutePasswordless       = "POST /v1/sessions/passkey"
)

// assertionRequest is the browser's PublicKeyCredential from navigator.credentials.get (binary members
// base64url-encoded, as PublicKeyCredential.toJSON makes them).
type assertionRequest struct {
	Credential json.RawMessage `json:"credential"`
}

func (r *assertionRequest) Validate(v *fault.ValidationError) { validAssertion(r.Credential, v) }

// stepAssertionRequest is the passkey step of a sign-in: its challenge and the assertion.
type stepAssertionRequest struct {
	ChallengeID string          `json:"challengeId"`
	Credential  json.RawMessage `json:"credential"`
}

func (r *stepAssertionRequest) Validate(v *fault.ValidationError) {
	validChallengeID(r.ChallengeID, v)
	validAssertion(r.Credential, v)
}

func validAssertion(credential json.RawMessage, v *fault.ValidationError) {
	if _, ok := passkey.Read(credential); !ok {
		v.Add("credential", "invalid_credential", "Send what your browser's passkey answered (PublicKeyCredential as JSON).")
	}
}

func (s *Service) postPasskeyStepOptions(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in resendRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.PasskeyOptions(ctx, in.ChallengeID, r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postPasskeyStep(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in stepAssertionRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.VerifyPasskey(ctx, in.ChallengeID, in.Credential, r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	return s.signedIn(out, r), nil
}

func (s *Service) postPasswordlessOptions(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in struct{}
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.PasswordlessOptions(ctx, r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postPasswordless(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in assertionRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.SignInWithPasskey(ctx, in.Credential, r.Client())
	if err != nil {
		return httpapi.Response{}, err
	}
	return s.signedIn(out, r), nil
}

package twofactor

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/passkey"
)

// PasskeyMux is the passkey routes the passkeys function serves (the WebAuthn library is linked there only):
//
//	GET  /v1/me/passkeys                      → 200 PasskeyList
//	POST /v1/me/passkeys/registrations        → 201 Registration | 409 passkey-limit | 429
//	POST /v1/me/passkeys                      {name, credential} → 201 Passkey | 400 passkey-refused |
//	                                          409 passkey-registered, passkey-limit | 410 ceremony-expired, ceremony-used
//	PATCH /v1/me/passkeys/{passkeyId}         {name} → 200 Passkey | 404 passkey-not-found
//	DELETE /v1/me/passkeys/{passkeyId}        → 200 Settings | 404 passkey-not-found
func (s *Service) PasskeyMux() httpapi.Mux {
	return httpapi.Mux{
		RoutePasskeys:     s.getPasskeys,
		RouteBeginPasskey: s.postPasskeyRegistration,
		RouteAddPasskey:   s.postPasskey,
		RouteNamePasskey:  s.patchPasskey,
		RouteDropPasskey:  s.deletePasskey,
	}
}

// passkeyRequest finishes a registration: the passkey's name and the browser's PublicKeyCredential (from
// navigator.credentials.create, binary members base64url-encoded, as PublicKeyCredential.toJSON makes them).
type passkeyRequest struct {
	Name       string          `json:"name"`
	Credential json.RawMessage `json:"credential"`
}

func (r *passkeyRequest) Validate(v *fault.ValidationError) {
	validPasskeyName(&r.Name, v)
	if _, ok := passkey.Read(r.Credential); !ok {
		v.Add("credential", "invalid_credential", "Send the passkey your browser made (PublicKeyCredential as JSON).")
	}
}

// nameRequest renames a passkey.
type nameRequest struct {
	Name string `json:"name"`
}

func (r *nameRequest) Validate(v *fault.ValidationError) { validPasskeyName(&r.Name, v) }

// validPasskeyName checks a passkey's name and trims it in place.
func validPasskeyName(name *string, v *fault.ValidationError) {
	clean, ok := passkey.CleanName(*name)
	switch {
	case clean == "":
		v.Add("name", "required", "Name the passkey, e.g. the device or the password manager it is in.")
	case !ok:
		v.Add("name", "invalid_name", "A passkey's name has at most 64 characters, on one line.")
	}
	*name = clean
}

func (s *Service) getPasskeys(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.Passkeys(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) postPasskeyRegistration(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in struct{}
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.BeginPasskey(ctx, r.Actor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}

func (s *Service) postPasskey(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in passkeyRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.AddPasskey(ctx, r.Actor, in.Name, in.Credential)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, out), nil
}

func (s *Service) patchPasskey(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in nameRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.RenamePasskey(ctx, r.Actor, r.Param("passkeyId"), in.Name)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func (s *Service) deletePasskey(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in struct{}
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	out, err := s.RemovePasskey(ctx, r.Actor, r.Param("passkeyId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

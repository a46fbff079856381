package brand

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Route keys served here, exactly as in route.Routes.
const (
	RouteGet        = "GET /v1/accounts/{id}/branding"
	RouteUpdate     = "PUT /v1/accounts/{id}/branding"
	RouteLogo       = "PUT /v1/accounts/{id}/branding/logo"
	RouteEnabled    = "PUT /v1/accounts/{id}/branding/enabled"
	RoutePublicLogo = "GET /v1/logos/{id}"
	RoutePublic     = "GET /v1/brands/{id}"
)

// Cache lifetimes of the public logo. A URL that names the current version (?v=<hash>) never changes content,
// so it is cached for a year; any other URL is cached briefly and revalidated with the ETag.
const (
	cacheVersioned = "public, max-age=31536000, immutable"
	cacheLatest    = "public, max-age=300, must-revalidate"
	// cacheBrand lets a browser reuse a brand across the pages of one sign-in, and a change show within a minute.
	cacheBrand = "public, max-age=60"
)

// Mux is the branding function's API:
//
//	GET /v1/accounts/{id}/branding          → 200 View
//	PUT /v1/accounts/{id}/branding          Settings → 200 View | 400 | 403 | 404 | 409 branding-not-enabled
//	PUT /v1/accounts/{id}/branding/logo     raw image/png|jpeg|webp → 200 View | 400 | 403 | 404 | 409 | 415
//	PUT /v1/accounts/{id}/branding/enabled  {"enabled": bool} → 200 View | 400 branding-not-available | 403 | 404
//	GET /v1/logos/{id}                      → 200 the image (base64 for API Gateway) | 304 | 404   (public)
//	GET /v1/brands/{id}                     → 200 branding.Effective | 404                         (public)
func (s *Service) Mux() httpapi.Mux {
	return httpapi.Mux{
		RouteGet:        s.get,
		RouteUpdate:     s.update,
		RouteLogo:       s.putLogo,
		RouteEnabled:    s.setEnabled,
		RoutePublicLogo: s.publicLogo,
		RoutePublic:     s.public,
	}
}

func (s *Service) public(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	b, err := s.Public(ctx, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, b)
	resp.Headers = map[string]string{"Cache-Control": cacheBrand}
	return resp, nil
}

func (s *Service) get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := s.Get(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func (s *Service) update(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in branding.Settings
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.Update(ctx, r.Actor, r.Param("id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// EnabledRequest is the body of PUT /v1/accounts/{id}/branding/enabled.
type EnabledRequest struct {
	Enabled *bool `json:"enabled"`
}

// Validate requires the one field.
func (e *EnabledRequest) Validate(v *fault.ValidationError) {
	if e.Enabled == nil && !v.Has("enabled") {
		v.Add("enabled", branding.CodeRequired, "Say whether branding is enabled: true or false.")
	}
}

func (s *Service) setEnabled(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in EnabledRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.SetEnabled(ctx, r.Actor, r.Param("id"), *in.Enabled)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// maxEncodedLogo is the longest body that can still decode to an accepted logo; anything longer is refused
// before it is decoded.
var maxEncodedLogo = base64.StdEncoding.EncodedLen(branding.MaxLogoBytes)

func (s *Service) putLogo(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if len(r.Event.Body) > maxEncodedLogo {
		return httpapi.Response{}, fault.Invalid("body", branding.CodeTooLarge, fmt.Sprintf("The logo is larger than %d KiB.", branding.MaxLogoBytes>>10))
	}
	body, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	v, err := s.SetLogo(ctx, r.Actor, r.Param("id"), body)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

func (s *Service) publicLogo(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	logo, err := s.PublicLogo(ctx, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	etag := `"` + logo.Hash + `"`
	headers := map[string]string{
		"ETag":          etag,
		"Cache-Control": cacheLatest,
		// The image is shown by the portal and by mail clients; nothing in it may run or load anything.
		"Content-Security-Policy": "default-src 'none'; sandbox",
	}
	if r.Query("v") == logo.Hash {
		headers["Cache-Control"] = cacheVersioned
	}
	if matches(r.Header("if-none-match"), etag) {
		return httpapi.Response{Status: http.StatusNotModified, Headers: headers}, nil
	}
	return httpapi.Response{Status: http.StatusOK, Raw: logo.Data, ContentType: logo.ContentType, Headers: headers}, nil
}

// matches reports whether an If-None-Match header names the entity tag (or is "*").
func matches(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

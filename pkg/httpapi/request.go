package httpapi

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/session"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Request is one API request as an endpoint sees it.
type Request struct {
	Event events.APIGatewayV2HTTPRequest
	// Actor is the signed-in caller on session routes; zero on public routes.
	Actor actor.Actor
	// Log names the route and function; log through it with the request's context, which carries the request
	// id and, once known, the user and account (package logctx).
	Log *slog.Logger
	// SecureCookies is true when the portal is served over https: cookies then carry Secure.
	SecureCookies bool
	// viaProxy is true when the request proved it came through the portal's distribution.
	viaProxy bool
}

// Param returns a path parameter.
func (r *Request) Param(name string) string { return r.Event.PathParameters[name] }

// Query returns a query-string parameter.
func (r *Request) Query(name string) string { return r.Event.QueryStringParameters[name] }

// Header returns a header, whatever its case.
func (r *Request) Header(name string) string {
	for k, v := range r.Event.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Cookie returns a cookie's value. Payload 2.0 puts cookies in their own list.
func (r *Request) Cookie(name string) (string, bool) {
	raw := r.Event.Cookies
	if len(raw) == 0 && r.Header("cookie") != "" {
		raw = strings.Split(r.Header("cookie"), ";")
	}
	for _, c := range raw {
		k, v, ok := strings.Cut(strings.TrimSpace(c), "=")
		if ok && k == name {
			return v, true
		}
	}
	return "", false
}

// Headers the portal's CloudFront distribution adds to every API request: the viewer's address, and a secret
// that proves the request came through the distribution (CloudFront overwrites both if a viewer sends them).
const (
	ViewerIPHeader     = "x-partnerhub-viewer-ip"
	OriginSecretHeader = "x-partnerhub-origin"
)

// SourceIP is the caller's address, for per-address rate limits. Behind CloudFront, API Gateway sees the edge
// server, so the viewer's address comes from ViewerIPHeader — trusted only when the request carries the
// distribution's origin secret. A request straight to API Gateway is its own source.
func (r *Request) SourceIP() string {
	if r.viaProxy {
		if ip := r.Header(ViewerIPHeader); ip != "" {
			return ip
		}
	}
	return r.Event.RequestContext.HTTP.SourceIP
}

// UserAgent is the caller's user agent.
func (r *Request) UserAgent() string { return r.Event.RequestContext.HTTP.UserAgent }

// Headers in which CloudFront names the viewer's place; the distribution's API origin request policy forwards
// them (infra).
const (
	ViewerCityHeader        = "cloudfront-viewer-city"
	ViewerRegionHeader      = "cloudfront-viewer-country-region-name"
	ViewerCountryNameHeader = "cloudfront-viewer-country-name"
	ViewerCountryHeader     = "cloudfront-viewer-country"
)

// Client is where the request comes from, for a session it starts: the source address (SourceIP), the user
// agent and, when the request proved it came through the distribution, the viewer's place as CloudFront names
// it (a request straight to API Gateway could name any place, so it names none).
func (r *Request) Client() session.Client {
	c := session.Client{IP: r.SourceIP(), UserAgent: r.UserAgent()}
	if r.viaProxy {
		country := r.Header(ViewerCountryNameHeader)
		if country == "" {
			country = r.Header(ViewerCountryHeader)
		}
		c.Place = session.Place(r.Header(ViewerCityHeader), r.Header(ViewerRegionHeader), country)
	}
	return c
}

// Body returns the raw body, decoding base64 if API Gateway encoded it.
func (r *Request) Body() ([]byte, error) {
	if !r.Event.IsBase64Encoded {
		return []byte(r.Event.Body), nil
	}
	b, err := base64.StdEncoding.DecodeString(r.Event.Body)
	if err != nil {
		return nil, fault.Invalid("body", "invalid_encoding", "The body is not valid base64.")
	}
	return b, nil
}

// Validator is implemented by request types that check their own fields after decoding.
type Validator interface {
	Validate(v *fault.ValidationError)
}

// Decode reads the JSON body into dst strictly: every unknown field, every field of the wrong type, invalid
// JSON and a body over MaxBody are reported; then, if dst is a Validator, its own checks add their fields, so
// one problem document names every invalid field.
func (r *Request) Decode(dst any) error {
	body, err := r.Body()
	if err != nil {
		return err
	}
	v := &fault.ValidationError{}
	decodeStrict(body, dst, v)
	if v.Has("body") {
		return v
	}
	if val, ok := dst.(Validator); ok {
		val.Validate(v)
	}
	return v.Err()
}

// SessionCookieValue builds the Set-Cookie value that signs a browser in. Secure is left out only for plain
// http origins (the local stack).
func SessionCookieValue(token string, maxAgeSeconds int, secure bool) string {
	c := &http.Cookie{Name: SessionCookie, Value: token, Path: "/", MaxAge: maxAgeSeconds, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
	return c.String()
}

// ClearSessionCookie builds the Set-Cookie value that signs a browser out.
func ClearSessionCookie(secure bool) string {
	c := &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
	return c.String()
}

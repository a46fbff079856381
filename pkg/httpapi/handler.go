// Package httpapi adapts API Gateway HTTP API events (payload 2.0) to use cases. It owns what every endpoint
// shares: routing by route key, session resolution for routes that need one, the Origin and content-type
// checks, strict JSON decoding, problem documents for errors, cookies and request logging.
package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "ph_session"

// Endpoint serves one route.
type Endpoint func(ctx context.Context, r *Request) (Response, error)

// Mux maps route keys ("POST /v1/sessions") to endpoints.
type Mux map[string]Endpoint

// Authenticator resolves a session token to the signed-in actor, or fails with fault.ErrUnauthorized (or a
// *fault.Error that says why, e.g. the account was disabled).
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (actor.Actor, error)
}

// Config configures a function's handler.
type Config struct {
	Function string
	Mux      Mux
	Auth     Authenticator
	// Origins that may send state-changing requests, e.g. "http://localhost:3000".
	Origins []string
	// OriginSecret is the value of OriginSecretHeader that CloudFront adds to the requests it forwards; empty
	// where there is no distribution (locally), and then no viewer address header is trusted. When it is set, a
	// request without it is refused (refuseDirect): the API answers only through the distribution and its WAF.
	OriginSecret string
	Log          *slog.Logger
}

// Handler is a Lambda handler for API Gateway HTTP API events.
type Handler func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// New builds the handler of one function. It never returns an error to Lambda: every failure is an answer.
func New(cfg Config) Handler {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		start := time.Now()
		// Every line logged for this request, here or in a use case, names it (see package logctx).
		ctx = logctx.With(ctx, slog.String("requestId", ev.RequestContext.RequestID))
		log := cfg.Log.With("route", ev.RouteKey, "function", cfg.Function)
		req := &Request{Event: ev, Log: log, SecureCookies: cfg.secureCookies()}
		req.viaProxy = cfg.OriginSecret != "" &&
			subtle.ConstantTimeCompare([]byte(req.Header(OriginSecretHeader)), []byte(cfg.OriginSecret)) == 1
		resp, err := cfg.serve(ctx, req)
		if !req.Actor.Anonymous() {
			log = log.With("userId", req.Actor.UserID, "accountId", req.Actor.AccountID)
		}
		if err != nil {
			resp = ProblemResponse(err, ev.RequestContext.RequestID)
			switch {
			case resp.Status == http.StatusServiceUnavailable:
				// A dependency that failed or did not answer in time (throttling, an outage, a call out of attempts
				// or of the request's time): an operational event, answered with Retry-After, not a bug.
				log.WarnContext(ctx, "dependency unavailable", "status", resp.Status, "error", err.Error())
			case resp.Status >= 500:
				log.ErrorContext(ctx, "request failed", "status", resp.Status, "error", err.Error())
			}
		}
		out := resp.Event()
		log.InfoContext(ctx, "request", "status", out.StatusCode, "ms", time.Since(start).Milliseconds(), "sourceIp", req.SourceIP())
		return out, nil
	}
}

func (cfg Config) serve(ctx context.Context, req *Request) (Response, error) {
	if err := cfg.refuseDirect(req); err != nil {
		return Response{}, err
	}
	ev := req.Event
	rt, ok := route.ByKey(ev.RouteKey)
	endpoint, served := cfg.Mux[ev.RouteKey]
	if !ok || !served || rt.Function != cfg.Function {
		return Response{}, fmt.Errorf("route %q on %s: %w", ev.RouteKey, cfg.Function, fault.ErrMethodMissing)
	}
	if changesState(rt.Method) {
		if err := cfg.checkOrigin(req, rt); err != nil {
			return Response{}, err
		}
	}
	// Before the session: a value that cannot name anything costs no read at all, signed in or not.
	if err := checkParams(ctx, req, rt); err != nil {
		return Response{}, err
	}
	if rt.NeedsSession() {
		token, _ := req.Cookie(SessionCookie)
		if token == "" {
			return Response{}, fault.New(fault.ErrUnauthorized, "unauthorized", "Sign in to continue.")
		}
		a, err := cfg.Auth.Authenticate(ctx, token)
		if err != nil {
			resp := ProblemResponse(err, ev.RequestContext.RequestID)
			if resp.Status >= 500 {
				return Response{}, err // answered and logged with its cause, as any endpoint's failure
			}
			if resp.Status == http.StatusUnauthorized {
				resp.Cookies = append(resp.Cookies, ClearSessionCookie(cfg.secureCookies()))
			}
			return resp, nil
		}
		req.Actor = a
		ctx = logctx.With(ctx, slog.String("userId", a.UserID), slog.String("accountId", a.AccountID))
		if rt.Auth == route.Session && len(a.PendingSteps) > 0 {
			return Response{}, fault.New(fault.ErrPendingStep, "pending-step",
				"Finish your first sign-in steps first: "+a.PendingSteps[0]+".").With("step", a.PendingSteps[0]).With("steps", a.PendingSteps)
		}
	}
	if rt.MediaTypes() == nil {
		if body, err := req.Body(); err == nil && isNull(body) {
			return Response{}, fault.Invalid("body", "wrong_type", nullBody)
		}
	}
	return endpoint(ctx, req)
}

// refuseDirect refuses, before anything else (route, session, table), a request that did not come through the
// portal's distribution: one sent to API Gateway's own endpoint, which skips the distribution's web ACL and its
// rate rules. Without a custom API domain that endpoint cannot be switched off (infra: DisableExecuteApiEndpoint
// needs one), so this check is what closes it; with one it stays as a second lock. The secret was compared in
// constant time (New). Locally there is no distribution and no secret, and nothing is refused.
func (cfg Config) refuseDirect(req *Request) error {
	if cfg.OriginSecret == "" || req.viaProxy {
		return nil
	}
	return fault.New(fault.ErrForbidden, "not-through-portal", "Call the PartnerHub API through the portal's address.")
}

func changesState(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// checkOrigin guards against cross-site requests: a state-changing request must come from an allowed Origin
// and, when it has a body, say it is JSON (a cross-site form cannot send application/json without a preflight)
// — or, on an upload route, one of the route's media types, none of which a form can send either.
func (cfg Config) checkOrigin(req *Request, rt route.Route) error {
	origin := req.Header("origin")
	if origin == "" || !slices.Contains(cfg.Origins, origin) {
		return fault.New(fault.ErrForbidden, "origin-not-allowed", "This request must come from the PartnerHub portal.")
	}
	if req.Event.Body == "" {
		return nil
	}
	mediaType, _, _ := strings.Cut(req.Header("content-type"), ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if types := rt.MediaTypes(); types != nil {
		if !slices.Contains(types, mediaType) {
			return fault.New(fault.ErrUnsupported, "unsupported-media-type", "Send the file with one of these content types: "+strings.Join(types, ", ")+".")
		}
		return nil
	}
	if mediaType != "application/json" {
		return fault.New(fault.ErrUnsupported, "unsupported-media-type", "Send the body as JSON with Content-Type: application/json.")
	}
	return nil
}

func (cfg Config) secureCookies() bool {
	for _, o := range cfg.Origins {
		if strings.HasPrefix(o, "https://") {
			return true
		}
	}
	return false
}

// ProblemResponse turns an error into a problem document response. Its instance names the request, not the
// path: paths can hold a link's token, which must never be echoed or logged. When the caller may try again
// later (a rate limit, a lock, any 503), the answer says when in Retry-After.
func ProblemResponse(err error, requestID string) Response {
	doc := problem.From(err)
	doc.Instance = problem.Instance(requestID)
	resp := Response{Status: doc.Status, Body: doc, ContentType: problem.ContentType}
	if secs := doc.RetryAfterSeconds(); secs > 0 {
		resp.Headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
	}
	return resp
}

// Response is what an endpoint answers.
type Response struct {
	Status      int
	Body        any // encoded as JSON; nil for no body
	ContentType string
	Headers     map[string]string
	Cookies     []string
	// Raw, when not nil, is the body as bytes (an image), sent instead of Body: base64-encoded with
	// IsBase64Encoded, which API Gateway decodes for the client. ContentType names its type.
	Raw []byte
}

// JSON answers a status and a JSON body.
func JSON(status int, body any) Response { return Response{Status: status, Body: body} }

// NoContent answers 204.
func NoContent() Response { return Response{Status: http.StatusNoContent} }

// Event encodes the response for API Gateway.
func (r Response) Event() events.APIGatewayV2HTTPResponse {
	headers := map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
	for k, v := range r.Headers {
		headers[k] = v
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: r.Status, Headers: headers, Cookies: r.Cookies}
	if r.Raw != nil {
		if r.ContentType == "" {
			r.ContentType = "application/octet-stream"
		}
		out.Headers["Content-Type"] = r.ContentType
		out.Body = base64.StdEncoding.EncodeToString(r.Raw)
		out.IsBase64Encoded = true
		return out
	}
	if r.Body == nil {
		return out
	}
	body, err := json.Marshal(r.Body)
	if err != nil {
		// Only a programming error gets here; answer a plain 500 rather than a half-written body.
		out.StatusCode = http.StatusInternalServerError
		body, _ = json.Marshal(problem.From(err))
		r.ContentType = problem.ContentType
	}
	if r.ContentType == "" {
		r.ContentType = "application/json"
	}
	out.Headers["Content-Type"] = r.ContentType
	out.Body = string(body)
	return out
}

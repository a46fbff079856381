package local

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/webpolicy"
)

// API Gateway's limits that the local gateway mirrors.
const (
	// MaxPayload is the largest request body HTTP APIs accept.
	MaxPayload = 10 << 20
	// IntegrationTimeout is how long HTTP APIs wait for a function.
	IntegrationTimeout = 30 * time.Second
)

// InvokeTimeout is how long an invocation may run: what AWS gives it, its Lambda timeout (shorter than API
// Gateway's IntegrationTimeout). The handler itself stops its work a little earlier, so that it still answers
// (app.Budget).
var InvokeTimeout = min(IntegrationTimeout, route.HTTP.Timeout())

// GatewayConfig configures the local gateway.
type GatewayConfig struct {
	// Build builds an HTTP function's handler; the local stack passes (*all.App).HTTP. It is called once per
	// function, by NewGateway.
	Build func(function string) (httpapi.Handler, error)
	// Routes are the API's routes; nil means route.Routes.
	Routes []route.Route
	// Web is the web client's files, served for every path outside /v1; nil serves none.
	Web fs.FS
	// Log receives one line per function that could not be built and one per failed invocation.
	Log *slog.Logger
	// Now stamps the events; nil means time.Now.
	Now func() time.Time
	// Timeout bounds one invocation; zero means InvokeTimeout.
	Timeout time.Duration
}

// Gateway serves the API as API Gateway's HTTP API would, with payload 2.0 events, and the web client's files
// as CloudFront would, so the browser sees one origin.
type Gateway struct {
	cfg      GatewayConfig
	handlers map[string]httpapi.Handler
	missing  map[string]error
}

var _ http.Handler = (*Gateway)(nil)

// NewGateway builds every routed function's handler once. A function that cannot be built yet is logged once
// here and answers 501 on its routes; the others serve normally.
func NewGateway(cfg GatewayConfig) *Gateway {
	if cfg.Routes == nil {
		cfg.Routes = route.Routes
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = InvokeTimeout
	}
	g := &Gateway{cfg: cfg, handlers: map[string]httpapi.Handler{}, missing: map[string]error{}}
	for _, rt := range cfg.Routes {
		fn := rt.Function
		if _, done := g.handlers[fn]; done {
			continue
		}
		if _, done := g.missing[fn]; done {
			continue
		}
		h, err := cfg.Build(fn)
		if err != nil {
			g.missing[fn] = err
			cfg.Log.Warn("function not built: its routes answer 501", "function", fn, "error", err.Error())
			continue
		}
		g.handlers[fn] = h
	}
	return g
}

// Missing lists the functions that could not be built, sorted.
func (g *Gateway) Missing() []string {
	out := make([]string, 0, len(g.missing))
	for fn := range g.missing {
		out = append(out, fn)
	}
	slices.Sort(out)
	return out
}

// ServeHTTP routes /v1 to the functions and everything else to the web client. Every answer carries the
// security headers, as CloudFront's response headers policy adds them in AWS.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w.Header())
	if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") {
		g.serveAPI(w, r)
		return
	}
	g.serveStatic(w, r)
}

func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request) {
	id := requestID()
	rt, params, ok := g.match(r.Method, r.URL.Path)
	if !ok {
		err := fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, fault.ErrMethodMissing)
		g.write(w, r, httpapi.ProblemResponse(err, id).Event(), id)
		return
	}
	h, built := g.handlers[rt.Function]
	if !built {
		g.write(w, r, problemEvent(http.StatusNotImplemented, "not-implemented", "This route is not available yet.",
			fmt.Sprintf("The %s function is not built yet; the local stack's log says why.", rt.Function), id), id)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPayload))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			g.write(w, r, problemEvent(http.StatusRequestEntityTooLarge, "too-large", "The request is too large.",
				fmt.Sprintf("The body must not exceed %d MiB.", MaxPayload>>20), id), id)
			return
		}
		return // the client went away mid-body: nobody to answer
	}
	ev := apiEvent(r, rt, params, body, g.cfg.Now(), id)
	resp, err := g.invoke(r.Context(), h, ev)
	if err != nil {
		// API Gateway answers 500 when the function fails and 503 when it times out; neither shows the cause. (A
		// handler that ran out of time answers its own 503 first: see app.Budget.)
		g.cfg.Log.Error("function failed", "function", rt.Function, "requestId", id, "route", rt.Key(), "error", err.Error())
		cause := err
		if errors.Is(err, context.DeadlineExceeded) {
			cause = fmt.Errorf("%w: %w", fault.ErrUnavailable, err)
		}
		resp = httpapi.ProblemResponse(cause, id).Event()
	}
	g.write(w, r, resp, id)
}

// match finds the route of a request, as API Gateway does: exact paths and {param} segments, per method.
func (g *Gateway) match(method, urlPath string) (route.Route, map[string]string, bool) {
	for _, rt := range g.cfg.Routes {
		if params, ok := rt.Match(method, urlPath); ok {
			return rt, params, true
		}
	}
	return route.Route{}, nil, false
}

// invoke runs the handler as Lambda would: with a deadline and a Lambda context, and a panic is a failed
// invocation, not a crashed gateway.
func (g *Gateway) invoke(ctx context.Context, h httpapi.Handler, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: newUUID()})
	// The trace header goes into the context under aws-lambda-go's own key, as the runtime puts it there, so the
	// function's log lines carry the traceId they carry in AWS.
	ctx = context.WithValue(ctx, "x-amzn-trace-id", ev.Headers["x-amzn-trace-id"]) //nolint:staticcheck // aws-lambda-go's key
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	resp, err = h(ctx, ev)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err == nil && (resp.StatusCode < 100 || resp.StatusCode > 599) {
		err = fmt.Errorf("the function answered status %d", resp.StatusCode)
	}
	return resp, err
}

// write sends a function's response the way API Gateway does: headers and multi-value headers merged, one
// Set-Cookie per cookie, base64 bodies decoded.
func (g *Gateway) write(w http.ResponseWriter, r *http.Request, resp events.APIGatewayV2HTTPResponse, id string) {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			g.cfg.Log.Error("function answered a body that is not base64", "requestId", id, "path", r.URL.Path)
			g.write(w, r, httpapi.ProblemResponse(errors.New("malformed response"), id).Event(), id)
			return
		}
		body = b
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	secure(h) // the policy overrides what a function sent, as CloudFront's does
	h.Set("Apigw-Requestid", id)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if h.Get("Content-Type") == "" && len(body) > 0 {
		// Stop net/http from sniffing a type API Gateway would not have sent.
		h["Content-Type"] = nil
	}
	w.WriteHeader(resp.StatusCode)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// secure sets the security headers of webpolicy. Strict-Transport-Security is left out: the local gateway serves
// plain HTTP, over which browsers ignore it.
func secure(h http.Header) {
	for _, sh := range webpolicy.Headers(false) {
		h.Set(sh.Name, sh.Value)
	}
}

// problemEvent is a problem document for the answers only the gateway gives (413, 501).
func problemEvent(status int, slug, title, detail, requestID string) events.APIGatewayV2HTTPResponse {
	doc := problem.Document{Type: problem.TypeBase + slug, Title: title, Status: status, Detail: detail, Instance: problem.Instance(requestID)}
	return httpapi.Response{Status: status, Body: doc, ContentType: problem.ContentType}.Event()
}

// serveStatic serves the web client: "/" is index.html and a clean URL such as /activate is activate.html when
// that file exists. Files are read on every request, so edits show on reload. Anything else is the portal's own
// "page not found" (404.html) with status 404, as CloudFront answers in AWS.
func (g *Gateway) serveStatic(w http.ResponseWriter, r *http.Request) {
	if !readOnly(w, r) {
		return
	}
	if g.cfg.Web == nil {
		http.NotFound(w, r)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	switch {
	case name == "":
		name = "index.html"
	case path.Ext(name) == "" && isFile(g.cfg.Web, name+".html"):
		name += ".html"
	}
	if !isFile(g.cfg.Web, name) {
		g.notFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, g.cfg.Web, name)
}

// NotFoundPage is the web client's page for an address that is no page of the portal.
const NotFoundPage = "404.html"

// notFound answers 404 with the portal's styled page, or net/http's plain text when the web client has none.
func (g *Gateway) notFound(w http.ResponseWriter, r *http.Request) {
	page, err := fs.ReadFile(g.cfg.Web, NotFoundPage)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		_, _ = w.Write(page)
	}
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

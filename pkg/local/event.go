package local

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// Fixed parts of the request context: there is no AWS account or API id locally.
const (
	localAccountID = "000000000000"
	localAPIID     = "local"
)

// apiEvent builds the event API Gateway (HTTP API, payload 2.0) would send for r once it matched rt. Like
// API Gateway it lower-cases header names and joins repeated headers and query parameters with commas, moves
// the Cookie header into Cookies, decodes the path and the path parameters, and base64-encodes bodies whose
// content type is not text.
func apiEvent(r *http.Request, rt route.Route, params map[string]string, body []byte, now time.Time, requestID string) events.APIGatewayV2HTTPRequest {
	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = host
	}
	headers, cookies := eventHeaders(r, sourceIP, len(body))
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       rt.Key(),
		RawPath:        r.URL.Path,
		RawQueryString: r.URL.RawQuery,
		Cookies:        cookies,
		Headers:        headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     rt.Key(),
			AccountID:    localAccountID,
			Stage:        "$default",
			RequestID:    requestID,
			APIID:        localAPIID,
			DomainName:   hostOnly(r.Host),
			DomainPrefix: strings.SplitN(hostOnly(r.Host), ".", 2)[0],
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(params) > 0 {
		ev.PathParameters = params
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(q))
		for k, vs := range q {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(body) > 0 {
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// eventHeaders returns the request's headers as API Gateway passes them, and the cookies it takes out of them.
func eventHeaders(r *http.Request, sourceIP string, bodyLen int) (map[string]string, []string) {
	headers := make(map[string]string, len(r.Header)+6)
	var cookies []string
	for k, vs := range r.Header {
		name := strings.ToLower(k)
		if name == "cookie" {
			for _, v := range vs {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[name] = strings.Join(vs, ",")
	}
	// Go's server keeps these out of r.Header; API Gateway passes them on.
	headers["host"] = r.Host
	headers["content-length"] = strconv.Itoa(bodyLen)
	if xff := headers["x-forwarded-for"]; xff != "" {
		headers["x-forwarded-for"] = xff + ", " + sourceIP
	} else {
		headers["x-forwarded-for"] = sourceIP
	}
	headers["x-forwarded-proto"] = "http"
	if r.TLS != nil {
		headers["x-forwarded-proto"] = "https"
	}
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			headers["x-forwarded-port"] = port
		}
	}
	headers["x-amzn-trace-id"] = traceID(time.Now())
	return headers, cookies
}

// isText reports whether API Gateway would pass a body of this content type as text rather than base64.
func isText(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "+json"),
		strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded", "application/graphql":
		return true
	}
	return false
}

func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return hostport
}

// requestID looks like API Gateway's request ids ("LV7fzho-PHcEJPw="): 10 random bytes, base64.
func requestID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return base64.URLEncoding.EncodeToString(b)
}

// newUUID is a random (version 4) UUID, the shape of Lambda's request ids and EventBridge's event ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// traceID is an X-Ray trace header: Root=1-<epoch seconds hex>-<96 random bits hex>.
func traceID(now time.Time) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("Root=1-%08x-%s", now.Unix(), hex.EncodeToString(b))
}

// Package webpolicy is the one definition of the security headers the portal and the API are served with: the
// CloudFront response headers policy in AWS (infra/web.go) and the local gateway (pkg/local) both build theirs
// from it, so the browser tests run the portal under the policy that production sends.
//
// The portal is plain files from its own origin: ES modules under /js, one stylesheet, images from the API
// (/v1/logos/{id}), so the policy allows 'self' and nothing inline. Two exceptions, both images: the TOTP
// enrolment QR code arrives from the API as a data: URL (security.js), and a logo is previewed from the chosen
// file through a blob: URL before it is uploaded (branding.js). Colours set from the API go through the CSSOM
// (style.setProperty), which style-src does not govern, so no 'unsafe-inline' is needed for styles.
package webpolicy

import (
	"strconv"
	"strings"
)

// Header is one response header.
type Header struct {
	Name  string
	Value string
}

// directives is the Content-Security-Policy, in the order it is sent.
var directives = [][2]string{
	{"default-src", "'self'"},
	{"script-src", "'self'"},
	{"style-src", "'self'"},
	{"img-src", "'self' data: blob:"},
	{"connect-src", "'self'"},
	{"object-src", "'none'"},
	{"base-uri", "'none'"},
	{"form-action", "'self'"},
	{"frame-ancestors", "'none'"},
}

// ContentSecurityPolicy is the value of the Content-Security-Policy header.
func ContentSecurityPolicy() string {
	parts := make([]string, len(directives))
	for i, d := range directives {
		parts[i] = d[0] + " " + d[1]
	}
	return strings.Join(parts, "; ")
}

// The other headers' values. CloudFront's policy takes the standard ones as typed settings, so infra reads them
// one by one; Headers puts them together for anything that sends raw headers.
const (
	// ContentTypeOptions stops browsers from running a file as a type other than the one it is served as.
	ContentTypeOptions = "nosniff"
	// FrameOptions refuses every frame, for browsers older than frame-ancestors.
	FrameOptions = "DENY"
	// ReferrerPolicy: no-referrer. Activation, invitation and reset links carry their token in the URL fragment,
	// which no policy sends; but the pages themselves have nothing to tell anyone through a Referer (the API
	// checks Origin, never Referer), so the strictest policy costs nothing and survives a link ever carrying a
	// secret in its path or query. Fetch still sends Origin on the portal's own JSON requests under it.
	ReferrerPolicy = "no-referrer"
	// PermissionsPolicy switches off the powerful features the portal never uses.
	PermissionsPolicy = "camera=(), microphone=(), geolocation=()"
	// HSTSMaxAge is how long, in seconds, a browser keeps to HTTPS for the portal's host: two years, as the
	// preload list asks; sent only over HTTPS (in AWS), since browsers ignore it over plain HTTP.
	HSTSMaxAge = 2 * 365 * 24 * 60 * 60
)

// StrictTransportSecurity is the value of the Strict-Transport-Security header: the portal's host and its
// subdomains. Not preloaded: that is the domain owner's decision, for the whole registrable domain.
func StrictTransportSecurity() string {
	return "max-age=" + strconv.Itoa(HSTSMaxAge) + "; includeSubDomains"
}

// Headers is every security header, with Strict-Transport-Security only when the answer goes out over HTTPS.
func Headers(https bool) []Header {
	hs := []Header{
		{"Content-Security-Policy", ContentSecurityPolicy()},
		{"X-Content-Type-Options", ContentTypeOptions},
		{"X-Frame-Options", FrameOptions},
		{"Referrer-Policy", ReferrerPolicy},
		{"Permissions-Policy", PermissionsPolicy},
	}
	if https {
		hs = append(hs, Header{"Strict-Transport-Security", StrictTransportSecurity()})
	}
	return hs
}

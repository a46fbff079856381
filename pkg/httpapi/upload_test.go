package httpapi_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestUploadRoutesTakeTheirMediaTypes: the logo route takes images instead of JSON, still only from an allowed
// Origin; other routes still take JSON only.
func TestUploadRoutesTakeTheirMediaTypes(t *testing.T) {
	t.Parallel()
	echo := func(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
		b, err := r.Body()
		if err != nil {
			return httpapi.Response{}, err
		}
		return httpapi.JSON(http.StatusOK, map[string]int{"bytes": len(b)}), nil
	}
	h := httpapi.New(httpapi.Config{Function: route.Branding, Auth: fixedAuth{a: actor.Actor{UserID: "u1"}}, Origins: []string{origin},
		Mux: httpapi.Mux{"PUT /v1/accounts/{id}/branding/logo": echo, "PUT /v1/accounts/{id}/branding": echo},
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nrest"))
	cases := []struct {
		name, key, contentType, origin string
		status                         int
	}{
		{"case=png", "PUT /v1/accounts/{id}/branding/logo", "image/png", origin, http.StatusOK},
		{"case=jpeg", "PUT /v1/accounts/{id}/branding/logo", "image/jpeg", origin, http.StatusOK},
		{"case=webp in capitals", "PUT /v1/accounts/{id}/branding/logo", "IMAGE/WEBP", origin, http.StatusOK},
		{"case=gif", "PUT /v1/accounts/{id}/branding/logo", "image/gif", origin, http.StatusUnsupportedMediaType},
		{"case=json on the upload route", "PUT /v1/accounts/{id}/branding/logo", "application/json", origin, http.StatusUnsupportedMediaType},
		{"case=form", "PUT /v1/accounts/{id}/branding/logo", "multipart/form-data; boundary=x", origin, http.StatusUnsupportedMediaType},
		{"case=foreign origin", "PUT /v1/accounts/{id}/branding/logo", "image/png", "https://evil.example", http.StatusForbidden},
		{"case=no origin", "PUT /v1/accounts/{id}/branding/logo", "image/png", "", http.StatusForbidden},
		{"case=image on a json route", "PUT /v1/accounts/{id}/branding", "image/png", origin, http.StatusUnsupportedMediaType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := post(c.key, img, map[string]string{"content-type": c.contentType, "origin": c.origin}, "ph_session=tok")
			ev.IsBase64Encoded = true
			resp, _ := h(context.Background(), ev)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, resp.Body)
			}
		})
	}
}

func TestRawResponsesAreBase64(t *testing.T) {
	t.Parallel()
	raw := []byte{0x89, 'P', 'N', 'G', 0, 0xff}
	out := httpapi.Response{Status: http.StatusOK, Raw: raw, ContentType: "image/png",
		Headers: map[string]string{"Cache-Control": "public, max-age=60"}}.Event()
	got, err := base64.StdEncoding.DecodeString(out.Body)
	if !out.IsBase64Encoded || err != nil || string(got) != string(raw) || out.Headers["Content-Type"] != "image/png" ||
		out.Headers["Cache-Control"] != "public, max-age=60" || out.Headers["X-Content-Type-Options"] != "nosniff" {
		t.Fatalf("%+v", out)
	}
	if out := httpapi.JSON(http.StatusOK, map[string]int{"a": 1}).Event(); out.IsBase64Encoded || out.Body != `{"a":1}` {
		t.Fatalf("json: %+v", out)
	}
}

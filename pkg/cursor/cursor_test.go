package cursor_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/cursor"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := map[string]string{"pk": "ACCOUNT#a", "sk": "AUDIT#2026"}
	raw := cursor.Encode(in)
	if strings.ContainsAny(raw, "+/=") {
		t.Fatalf("%q is not unpadded base64url", raw)
	}
	var out map[string]string
	if !cursor.Decode(raw, &out) || out["pk"] != in["pk"] || out["sk"] != in["sk"] || len(out) != 2 {
		t.Fatalf("decoded %v", out)
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, raw string }{
		{"case=not base64url", "a+b/c=="},
		{"case=not json", cursor.Encode("x")[:2]},
		{"case=wrong shape", cursor.Encode([]int{1, 2})},
		{"case=too long", cursor.Encode(map[string]string{"k": strings.Repeat("x", cursor.MaxLen)})},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var out map[string]string
			if cursor.Decode(c.raw, &out) {
				t.Fatalf("%q decoded to %v", c.raw, out)
			}
		})
	}
}

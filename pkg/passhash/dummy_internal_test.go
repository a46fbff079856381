package passhash

import (
	"strings"
	"testing"
)

// TestDummyHashMatchesTheParameters: the constant dummy hash must cost what a real check costs, so it must
// carry the parameters Hash uses today; change them and this fails until the constant is made again.
func TestDummyHashMatchesTheParameters(t *testing.T) {
	t.Parallel()
	params := func(h string) string { return h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")] }
	if got, want := params(dummyHash), params(Hash("x")); got != want {
		t.Fatalf("dummy hash parameters %q, Hash makes %q", got, want)
	}
	if !Check(dummyHash, "partnerhub-dummy-password") {
		t.Fatal("the dummy hash does not verify")
	}
}

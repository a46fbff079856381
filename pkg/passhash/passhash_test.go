package passhash_test

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/passhash"
)

func TestPassword(t *testing.T) {
	t.Parallel()
	h := passhash.Hash("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the design's parameters", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatal("the hash contains the password")
	}
	if !passhash.Check(h, "correct horse battery staple") {
		t.Fatal("the right password failed")
	}
	if passhash.Check(h, "correct horse battery stapl") || passhash.Check("garbage", "x") {
		t.Fatal("a wrong password passed")
	}
	if h == passhash.Hash("correct horse battery staple") {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestAnswerIgnoresCaseAndSpacing(t *testing.T) {
	t.Parallel()
	h := passhash.HashAnswer("  My First   Dog ")
	if !passhash.CheckAnswer(h, "my first dog") {
		t.Fatal("the same answer in other case and spacing failed")
	}
	if passhash.CheckAnswer(h, "my first cat") {
		t.Fatal("a wrong answer passed")
	}
}

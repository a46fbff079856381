package problem_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/problem"
)

// slugInCode finds the slugs the code gives: fault.New(kind, "slug", …), Slug: "slug", and a slug chosen by
// assignment (slug := "…", slug = "…").
var slugInCode = regexp.MustCompile(`fault\.New\([^,]+, "([a-z0-9-]+)"|Slug: +"([a-z0-9-]+)"|slug :?= "([a-z0-9-]+)"`)

// TestEverySlugInTheCodeIsKnown reads every non-test Go file under pkg/ and fails for a slug not in
// problem.Slugs, so the OpenAPI description cannot miss one.
func TestEverySlugInTheCodeIsKnown(t *testing.T) {
	t.Parallel()
	found := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range slugInCode.FindAllStringSubmatch(string(src), -1) {
			slug := m[1] + m[2] + m[3]
			found++
			if !problem.Known(slug) {
				t.Errorf("%s gives slug %q, which is not in problem.Slugs", path, slug)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 50 {
		t.Fatalf("found only %d slugs in the code: the pattern no longer matches how slugs are written", found)
	}
}

// TestKindsSlugsAreKnown checks the default slug of every kind of error, and the 500's.
func TestKindsSlugsAreKnown(t *testing.T) {
	t.Parallel()
	for _, slug := range []string{"validation", "internal", "unavailable", "no-route"} {
		if !problem.Known(slug) {
			t.Errorf("%q is not in problem.Slugs", slug)
		}
	}
	if problem.Known("no-such-slug") {
		t.Error("Known accepts a slug that is not in the list")
	}
}

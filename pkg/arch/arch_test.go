package arch_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/arch"
)

const module = "github.com/partnerhub/partnerhub/pkg/"

// layerOf places a package path below pkg/: a sub-package takes its top package's layer, and a package named
// "...test" is test support.
func layerOf(t *testing.T, rel string) (arch.Layer, bool) {
	t.Helper()
	top, _, _ := strings.Cut(rel, "/")
	if strings.HasSuffix(rel, "test") && rel != top {
		return arch.TestKit, true
	}
	l, ok := arch.Packages[top]
	return l, ok
}

// TestLayers holds every package under pkg/ to its layer's rules: the domain imports no AWS SDK, no net/http and
// nothing outside the domain; a use case imports no AWS SDK, no other use case and no wiring; an adapter imports no
// use case and no wiring.
func TestLayers(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		rel, ok := strings.CutPrefix(fields[0], module)
		if !ok {
			continue
		}
		layer, placed := layerOf(t, rel)
		if !placed {
			t.Errorf("pkg/%s is in no layer: place it in arch.Packages", rel)
			continue
		}
		for _, imp := range fields[1:] {
			if why := refused(t, layer, rel, imp); why != "" {
				t.Errorf("pkg/%s (%s) imports %s: %s", rel, layer, imp, why)
			}
		}
	}
}

// refused says why a package of layer may not import imp, or "" if it may.
func refused(t *testing.T, layer arch.Layer, rel, imp string) string {
	aws := strings.HasPrefix(imp, "github.com/aws/")
	other, internal := strings.CutPrefix(imp, module)
	var otherLayer arch.Layer
	if internal {
		otherLayer, _ = layerOf(t, other)
	}
	switch layer {
	case arch.Domain:
		switch {
		case aws || imp == "net/http":
			return "the domain is pure"
		case internal && otherLayer != arch.Domain:
			return "the domain imports only the domain"
		}
	case arch.UseCase:
		switch {
		case aws:
			return "a use case talks to the store through its own interface, never to the SDK"
		case internal && otherLayer == arch.UseCase && strings.SplitN(other, "/", 2)[0] != strings.SplitN(rel, "/", 2)[0]:
			return "a use case never reaches into another; move what they share to the domain"
		case internal && (otherLayer == arch.Wiring || otherLayer == arch.TestKit):
			return "a use case does not know how it is wired"
		}
	case arch.Adapter:
		if internal && (otherLayer == arch.UseCase || otherLayer == arch.Wiring || otherLayer == arch.TestKit) {
			return "an adapter serves use cases; it does not call them"
		}
	}
	return ""
}

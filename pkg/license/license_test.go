package license_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/license"
)

func TestCurrent(t *testing.T) {
	t.Parallel()
	l := license.Current()
	if _, err := time.Parse(time.DateOnly, l.Version); err != nil {
		t.Fatalf("version %q is not a date: %v", l.Version, err)
	}
	if l.Title == "" || !strings.HasPrefix(l.Text, "# "+l.Title) || !strings.Contains(l.Text, "Version "+l.Version) {
		t.Fatalf("the text does not carry its title and version: %q %q", l.Title, l.Version)
	}
}

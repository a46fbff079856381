package all_test

import (
	"os"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// The integration tests of this package run every function's real handler on the emulators.
func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

package password

import "testing"

// loadedAtInit is evaluated while the package initialises, before any test runs: package init must not unpack
// the blocklist, which only the functions that check a password need.
var loadedAtInit = blocklistLoaded()

func TestBlocklistIsNotLoadedAtPackageInit(t *testing.T) {
	if loadedAtInit {
		t.Fatal("the password blocklist was unpacked while the package initialised")
	}
	if !blocked("password") || !blocklistLoaded() {
		t.Fatal("the first check did not load the blocklist")
	}
}

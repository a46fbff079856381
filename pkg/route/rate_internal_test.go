package route

import "testing"

// TestEveryRateMarkNamesARoute: a mark whose route was renamed or removed would silently drop a rule at the edge.
func TestEveryRateMarkNamesARoute(t *testing.T) {
	t.Parallel()
	for key, class := range rateClasses {
		r, ok := ByKey(key)
		if !ok {
			t.Errorf("rateClasses marks %q, which is not in Routes", key)
			continue
		}
		if class == PublicRead {
			if r.Method != "GET" || r.Auth != Public {
				t.Errorf("%s is in class %q but is not a public GET", key, class)
			}
			continue
		}
		if r.Function != Activation && r.Function != OTP && r.Function != Passkeys {
			t.Errorf("%s (%s) is in class %q but is served by %s, not sign-in, OTP, passkeys or activation", key, class, class, r.Function)
		}
	}
	for key := range secretBodies {
		if r, ok := ByKey(key); !ok || r.Method != "POST" || r.Auth != Public {
			t.Errorf("secretBodies names %q, which is not a public POST of Routes", key)
		}
	}
	for key := range uploads {
		if _, ok := ByKey(key); !ok {
			t.Errorf("uploads names %q, which is not in Routes", key)
		}
	}
}

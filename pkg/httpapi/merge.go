package httpapi

import "fmt"

// Merge combines the muxes of several services that one function serves. Two services claiming one route is a
// wiring mistake, reported rather than resolved silently.
func Merge(muxes ...Mux) (Mux, error) {
	out := Mux{}
	for _, m := range muxes {
		for key, e := range m {
			if _, taken := out[key]; taken {
				return nil, fmt.Errorf("route %s is served twice", key)
			}
			out[key] = e
		}
	}
	return out, nil
}

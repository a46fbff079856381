package local

import (
	"net/http"
	"slices"
)

// mountAt serves the paths with h in front of next, which serves every other path: how the local stack's own
// pages (the mailbox of texts, the lifecycle events) sit beside the gateway on one port.
func mountAt(next, h http.Handler, paths ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(paths, r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readOnly answers 405 to anything but GET and HEAD, and reports whether the request may go on.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

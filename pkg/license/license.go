// Package license is the license agreement that users of MSP, partner and customer accounts accept at first
// sign-in and again whenever it changes. The text lives in the code, one file per version; publishing a new
// version is adding its file and pointing Current at it, and every user is asked to accept it at their next
// request.
package license

import (
	_ "embed"
	"strings"
)

// License is one version of the agreement.
type License struct {
	// Version names the version; it is what a user accepts and what is recorded on them.
	Version string `json:"version"`
	Title   string `json:"title"`
	// Text is the agreement in Markdown.
	Text string `json:"text"`
}

//go:embed v1.md
var v1 string

// versions lists every published version, oldest first; the last one is current.
var versions = []License{
	{Version: "2026-11-01", Title: "PartnerHub Partner and Customer License Agreement", Text: strings.TrimSpace(v1)},
}

// Current is the version users must have accepted.
func Current() License { return versions[len(versions)-1] }

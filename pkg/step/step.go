// Package step is the first sign-in steps and which of them a user still has to take: accepting the license
// agreement (users of MSP, partner and customer accounts, at first sign-in and again whenever its version
// changes) and completing the company profile (everyone in a partner created with the short form, until an
// administrator completes it).
//
// Until a user's steps are done, every session route answers 403 pending-step except the steps' own routes,
// /v1/me and sign-out (route.Steps): package signin fills actor.PendingSteps from Pending on every request,
// package profile takes the steps, and package httpapi refuses the rest. The package is pure.
package step

import (
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// The first sign-in steps, in the order they are taken.
const (
	// License: accept the current license agreement.
	License = "license"
	// Profile: complete the company details of a partner created with the short form.
	Profile = "profile"
)

// Pending lists the steps a user acting in an account still has to take, in order; empty (never nil) when
// there are none. The provider's people need not accept the license: the agreement is the provider's own. The
// profile step is pending for everyone in the account until an administrator completes it, since the account
// is not fully set up before.
func Pending(u user.User, a account.Account, licenseVersion string) []string {
	steps := []string{}
	if a.Kind != account.Provider && u.LicenseVersion != licenseVersion {
		steps = append(steps, License)
	}
	if a.ProfilePending {
		steps = append(steps, Profile)
	}
	return steps
}

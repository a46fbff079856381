// Package profile is the first sign-in steps: accepting the license agreement (users of MSP, partner and
// customer accounts, at first sign-in and again whenever its version changes) and completing the company
// profile (the administrator of a partner created with the short form).
//
// Until a user's steps are done, every session route answers 403 pending-step, except the steps' own routes,
// /v1/me and sign-out (route.Steps): package signin fills actor.PendingSteps from Pending on every request and
// package httpapi refuses the rest.
package profile

import (
	"context"
	"errors"
	"sync"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// The first sign-in steps, in the order they are taken.
const (
	// StepLicense: accept the current license agreement.
	StepLicense = "license"
	// StepProfile: complete the company details of a partner created with the short form.
	StepProfile = "profile"
)

// Pending lists the steps a user acting in an account still has to take, in order; empty (never nil) when
// there are none. The provider's people need not accept the license: the agreement is the provider's own. The
// profile step is pending for everyone in the account until an administrator completes it, since the account
// is not fully set up before.
func Pending(u user.User, a account.Account, licenseVersion string) []string {
	steps := []string{}
	if a.Kind != account.Provider && u.LicenseVersion != licenseVersion {
		steps = append(steps, StepLicense)
	}
	if a.ProfilePending {
		steps = append(steps, StepProfile)
	}
	return steps
}

// Steps reads a user and the account they act in (two GetItems, in parallel) and returns their pending steps.
func Steps(ctx context.Context, store dynamo.Store, userID, accountID, licenseVersion string) ([]string, error) {
	var (
		wg         sync.WaitGroup
		u          user.User
		a          account.Account
		uErr, aErr error
	)
	wg.Go(func() { u, uErr = store.User(ctx, userID) })
	wg.Go(func() { a, aErr = store.Account(ctx, accountID) })
	wg.Wait()
	if err := errors.Join(uErr, aErr); err != nil {
		return nil, err
	}
	return Pending(u, a, licenseVersion), nil
}

package step_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/step"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestPending(t *testing.T) {
	t.Parallel()
	const current = "2026-11-01"
	accepted := user.User{LicenseVersion: current}
	cases := []struct {
		name string
		u    user.User
		a    account.Account
		want []string
	}{
		{"case=partner user who never accepted", user.User{}, account.Account{Kind: account.Partner}, []string{step.License}},
		{"case=msp user who accepted", accepted, account.Account{Kind: account.MSP}, []string{}},
		{"case=customer user who accepted an older version", user.User{LicenseVersion: "2025-01-01"}, account.Account{Kind: account.Customer}, []string{step.License}},
		{"case=provider user never needs the license", user.User{}, account.Account{Kind: account.Provider}, []string{}},
		{"case=short-form partner, nothing done", user.User{}, account.Account{Kind: account.Partner, ProfilePending: true}, []string{step.License, step.Profile}},
		{"case=short-form partner, license accepted", accepted, account.Account{Kind: account.Partner, ProfilePending: true}, []string{step.Profile}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := step.Pending(c.u, c.a, current)
			if got == nil || !slices.Equal(got, c.want) {
				t.Fatalf("Pending = %#v, want %#v", got, c.want)
			}
		})
	}
}

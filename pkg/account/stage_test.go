package account_test

import (
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
)

func TestStage(t *testing.T) {
	t.Parallel()
	prospect := account.Account{ID: "p", Kind: account.Customer, Stage: account.Prospect, Status: account.Pending}
	t.Run("case=a prospect is a customer counted apart", func(t *testing.T) {
		t.Parallel()
		if !prospect.Prospect() || account.CounterOf(prospect) != account.CounterProspects {
			t.Fatalf("prospect %v, counter %q", prospect.Prospect(), account.CounterOf(prospect))
		}
		signed := prospect
		signed.Stage = account.Signed
		if signed.Prospect() || account.CounterOf(signed) != "customers" {
			t.Fatalf("signed: prospect %v, counter %q", signed.Prospect(), account.CounterOf(signed))
		}
		// Only a customer has a stage: a partner marked prospect by mistake is counted as a partner.
		odd := account.Account{Kind: account.Partner, Stage: account.Prospect}
		if odd.Prospect() || account.CounterOf(odd) != "partners" {
			t.Fatalf("partner: prospect %v, counter %q", odd.Prospect(), account.CounterOf(odd))
		}
	})
	t.Run("case=convert keeps the account", func(t *testing.T) {
		t.Parallel()
		got, err := prospect.Convert()
		if err != nil || got.Prospect() || got.ID != prospect.ID || got.Status != prospect.Status || got.Kind != account.Customer {
			t.Fatalf("%+v, %v", got, err)
		}
		if got.Stage.String() != "customer" || prospect.Stage.String() != "prospect" {
			t.Fatalf("stages %q %q", got.Stage, prospect.Stage)
		}
		if _, err := got.Convert(); !errors.Is(err, account.ErrNotProspect) {
			t.Fatalf("converting a customer: %v", err)
		}
		if _, err := (account.Account{Kind: account.MSP}).Convert(); !errors.Is(err, account.ErrNotProspect) {
			t.Fatalf("converting an msp: %v", err)
		}
	})
	t.Run("case=parse", func(t *testing.T) {
		t.Parallel()
		for in, want := range map[string]account.Stage{"": account.Signed, "customer": account.Signed, "prospect": account.Prospect} {
			if got, ok := account.ParseStage(in); !ok || got != want {
				t.Errorf("%q: %q %v", in, got, ok)
			}
		}
		for _, in := range []string{"Prospect", "lead", " "} {
			if _, ok := account.ParseStage(in); ok {
				t.Errorf("%q parsed", in)
			}
		}
	})
}

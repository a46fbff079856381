package onboarding_test

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
)

// hidden are characters display text refuses, one or two of each range: zero-width, direction marks, bidi
// embeddings, overrides and isolates, line and paragraph separators.
var hidden = map[string]rune{
	"zero-width space":          0x200B,
	"right-to-left mark":        0x200F,
	"left-to-right embedding":   0x202A,
	"right-to-left override":    0x202E,
	"left-to-right isolate":     0x2066,
	"pop directional isolate":   0x2069,
	"line separator":            0x2028,
	"paragraph separator":       0x2029,
	"zero-width no-break space": 0xFEFF,
	"word joiner":               0x2060,
}

// TestDisplayTextFieldsRefuseInvisibleCharacters puts each hidden character in each free-text field of the
// account form (and of the company and person forms that reuse its rules) and requires a field error
// invisible_character on that field alone.
func TestDisplayTextFieldsRefuseInvisibleCharacters(t *testing.T) {
	t.Parallel()
	valid := func() onboarding.CreateAccountRequest {
		return onboarding.CreateAccountRequest{
			Kind: "customer", ParentID: "parent-1",
			Company: field.Company{Name: "Acme", Address: "1 Main Street", Country: "US", State: "WA", City: "Seattle", ZipCode: "98101"},
			Contact: onboarding.ContactInput{Name: "Ada Lovelace", Email: "ada@example.com"},
		}
	}
	fields := map[string]func(r *onboarding.CreateAccountRequest, s string){
		"company.name":    func(r *onboarding.CreateAccountRequest, s string) { r.Company.Name = s },
		"company.address": func(r *onboarding.CreateAccountRequest, s string) { r.Company.Address = s },
		"company.country": func(r *onboarding.CreateAccountRequest, s string) { r.Company.Country = s },
		"company.state":   func(r *onboarding.CreateAccountRequest, s string) { r.Company.State = s },
		"company.city":    func(r *onboarding.CreateAccountRequest, s string) { r.Company.City = s },
		"company.zipCode": func(r *onboarding.CreateAccountRequest, s string) { r.Company.ZipCode = s },
		"contact.name":    func(r *onboarding.CreateAccountRequest, s string) { r.Contact.Name = s },
		"contact.email":   func(r *onboarding.CreateAccountRequest, s string) { r.Contact.Email = s },
	}
	t.Run("case=valid", func(t *testing.T) {
		r := valid()
		v := &fault.ValidationError{}
		r.Validate(v)
		if v.Err() != nil {
			t.Fatalf("the valid form was refused: %v", v)
		}
	})
	for field, set := range fields {
		for name, r := range hidden {
			t.Run(fmt.Sprintf("field=%s/char=%s", field, name), func(t *testing.T) {
				t.Parallel()
				req := valid()
				set(&req, "ab"+string(r)+"12")
				v := &fault.ValidationError{}
				req.Validate(v)
				if len(v.Fields) != 1 || v.Fields[0].Field != field || v.Fields[0].Code != display.CodeInvisible || v.Fields[0].Detail == "" {
					t.Fatalf("errors %+v, want one %s on %s", v.Fields, display.CodeInvisible, field)
				}
			})
		}
	}
}

package tree_test

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/display"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// TestCompanyEditsRefuseInvisibleCharacters puts an invisible or text-direction character of each range in
// each company field of PATCH /v1/accounts/{id} and requires invisible_character on that field alone.
func TestCompanyEditsRefuseInvisibleCharacters(t *testing.T) {
	t.Parallel()
	hidden := map[string]rune{
		"zero-width space": 0x200B, "left-to-right mark": 0x200E, "right-to-left override": 0x202E,
		"first strong isolate": 0x2068, "line separator": 0x2028, "paragraph separator": 0x2029,
	}
	fields := map[string]func(c *tree.CompanyPatch, s *string){
		"company.name":    func(c *tree.CompanyPatch, s *string) { c.Name = s },
		"company.address": func(c *tree.CompanyPatch, s *string) { c.Address = s },
		"company.country": func(c *tree.CompanyPatch, s *string) { c.Country = s },
		"company.state":   func(c *tree.CompanyPatch, s *string) { c.State = s },
		"company.city":    func(c *tree.CompanyPatch, s *string) { c.City = s },
		"company.zipCode": func(c *tree.CompanyPatch, s *string) { c.ZipCode = s },
	}
	for field, set := range fields {
		for name, r := range hidden {
			t.Run(fmt.Sprintf("field=%s/char=%s", field, name), func(t *testing.T) {
				t.Parallel()
				value := "Acme" + string(r) + "Corp"
				req := tree.EditRequest{Company: &tree.CompanyPatch{}}
				set(req.Company, &value)
				v := &fault.ValidationError{}
				req.Validate(v)
				if len(v.Fields) != 1 || v.Fields[0].Field != field || v.Fields[0].Code != display.CodeInvisible {
					t.Fatalf("errors %+v, want one %s on %s", v.Fields, display.CodeInvisible, field)
				}
			})
		}
	}
	t.Run("case=ordinary text", func(t *testing.T) {
		name := "Zoë & Søn GmbH"
		v := &fault.ValidationError{}
		(&tree.EditRequest{Company: &tree.CompanyPatch{Name: &name}}).Validate(v)
		if v.Err() != nil {
			t.Fatalf("refused: %+v", v.Fields)
		}
	})
}

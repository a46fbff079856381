package member

// Reading an import's CSV file into invitation requests, one per data row.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Bounds of an import. MaxImportRows is what one users-function run (10 s, route.Trigger.Timeout) invites with a
// margin: a row is about six DynamoDB requests (the email guard and user twice, the membership, one transaction),
// some 60 ms in AWS, so 500 rows at importWorkers at a time take about 2 s. On the emulator, on 2 busy cores, 500
// rows took 12 s (no deadline there); near a real deadline the run stops starting rows (importMargin) and a rerun
// of the file invites the rest. MaxImportBytes is what 500 rows of long names and addresses take.
const (
	MaxImportRows  = 500
	MaxImportBytes = 256 << 10
)

// Field error codes of an import's file.
const (
	codeTooLarge      = "too_large"
	codeTooManyRows   = "too_many_rows"
	codeMissingColumn = "missing_column"
	codeBadCSV        = "invalid_csv"
)

// Import columns, named by their headers: case, spaces, "-" and "_" do not matter ("First name", "first_name").
const (
	colEmail = "email"
	colFirst = "firstname"
	colLast  = "lastname"
	colName  = "name" // a full name, instead of first and last
	colRoles = "roles"
	colPhone = "phone"
)

// headerAliases maps what a header may say to its column.
var headerAliases = map[string]string{
	"email": colEmail, "emailaddress": colEmail,
	"firstname": colFirst, "givenname": colFirst,
	"lastname": colLast, "surname": colLast, "familyname": colLast,
	"name": colName, "fullname": colName,
	"role": colRoles, "roles": colRoles,
	"phone": colPhone, "phonenumber": colPhone, "telephone": colPhone,
}

// csvRow is one data row of an import: its line in the file and the invitation it asks for, not yet checked.
type csvRow struct {
	line int
	req  InviteRequest
}

// readCSV reads an import's file: a UTF-8 text (a leading byte order mark and CRLF line ends are fine) whose first
// line names the columns — email, first name and last name (or name), role or roles (role names or titles of the
// catalog, separated by ";"), phone (optional) — and at most MaxImportRows data rows. Other columns are ignored.
// A file it cannot read whole is a validation error on "body"; rows are checked later, each on its own.
func readCSV(raw []byte) ([]csvRow, error) {
	if len(raw) > MaxImportBytes {
		return nil, fault.Invalid("body", codeTooLarge, fmt.Sprintf("The file is larger than %d KiB. Split it into smaller files.", MaxImportBytes>>10))
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1 // a short row is read as empty trailing fields, and checked as such
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fault.Invalid("body", field.CodeRequired, "The file is empty. Its first line names the columns: email, first name, last name, roles, phone.")
	}
	if err != nil {
		return nil, badCSV(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		key := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' {
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(h)))
		if c, ok := headerAliases[key]; ok {
			if _, dup := cols[c]; !dup {
				cols[c] = i
			}
		}
	}
	var missing []string
	if _, ok := cols[colEmail]; !ok {
		missing = append(missing, "email")
	}
	_, first := cols[colFirst]
	_, name := cols[colName]
	if !first && !name {
		missing = append(missing, "first name")
	}
	if _, ok := cols[colRoles]; !ok {
		missing = append(missing, "roles")
	}
	if len(missing) > 0 {
		return nil, fault.Invalid("body", codeMissingColumn, fmt.Sprintf("The first line must name the columns email, first name, last name and roles (phone is optional); missing: %s.", strings.Join(missing, ", ")))
	}
	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, badCSV(err)
		}
		if blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, fault.Invalid("body", codeTooManyRows, fmt.Sprintf("The file has more than %d rows. Split it into smaller files.", MaxImportRows))
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		full := get(colName)
		if strings.TrimSpace(full) == "" {
			full = strings.TrimSpace(strings.TrimSpace(get(colFirst)) + " " + strings.TrimSpace(get(colLast)))
		}
		rows = append(rows, csvRow{line: line, req: InviteRequest{Name: full, Email: get(colEmail), Phone: get(colPhone), Roles: roleNames(get(colRoles))}})
	}
	if len(rows) == 0 {
		return nil, fault.Invalid("body", field.CodeRequired, "The file has no rows below its header.")
	}
	return rows, nil
}

// badCSV is the problem of a file encoding/csv cannot read, naming the line.
func badCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fault.Invalid("body", codeBadCSV, fmt.Sprintf("Line %d of the file is not valid CSV: %v.", pe.Line, pe.Err))
	}
	return fault.Invalid("body", codeBadCSV, "The file is not valid CSV.")
}

// blank reports whether a record has nothing but spaces.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// roleNames splits a roles cell ("read-only; MSP Accounts") into role names: each a name of the catalog or its
// title, any case; what is neither is kept as written, for checkRoles to name.
func roleNames(cell string) []string {
	var out []string
	for part := range strings.SplitSeq(cell, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name := part
		for _, r := range role.Catalog {
			if strings.EqualFold(part, string(r.Name)) || strings.EqualFold(part, r.Title) {
				name = string(r.Name)
				break
			}
		}
		out = append(out, name)
	}
	return out
}

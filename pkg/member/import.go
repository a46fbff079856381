package member

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Outcomes of an import's row.
const (
	ImportReady   = "ready"   // dry run: the row is valid and would be invited
	ImportCreated = "created" // a new login, with its activation email (or a disabled one invited back)
	ImportInvited = "invited" // the email has a login: it got an invitation to join the account
	ImportExists  = "exists"  // already a user of the account, or invited to it: nothing is sent
	ImportError   = "error"   // the row is not valid, or its invitation was refused: Errors says why
	// ImportSkipped: the run stopped before this row to end within the function's time; running the same file
	// again invites it (and reports the rows already done as exists).
	ImportSkipped = "skipped"
)

// importWorkers bounds how many rows one run invites at once: each is a few reads and one transaction, so sixteen
// keep a run of MaxImportRows within a few seconds without crowding the table.
const importWorkers = 16

// importMargin is the time an import keeps in hand before the function's deadline: it starts no row once less is
// left, and answers with the rest skipped.
const importMargin = 2 * time.Second

// ImportRow is the outcome of one row of an import.
type ImportRow struct {
	Line   int    `json:"line"` // the row's line in the file; the header is line 1
	Email  string `json:"email"`
	Name   string `json:"name"`
	Status string `json:"status"` // ready, created, invited, exists, error or skipped
	// UserID is the invited user's id, for created, invited and exists.
	UserID string `json:"userId,omitempty"`
	// Invitation is how the person is (or would be) invited: activation (a new login) or membership (one they
	// have).
	Invitation string `json:"invitation,omitempty"`
	// Errors are what is wrong with the row: the column (email, name, phone, roles) and its problem, or, for an
	// invitation that was refused, the problem's slug as the code and an empty field.
	Errors []fault.FieldError `json:"errors,omitempty"`
}

// ImportCounts counts an import's rows by outcome.
type ImportCounts struct {
	Rows    int `json:"rows"`
	Ready   int `json:"ready"`
	Created int `json:"created"`
	Invited int `json:"invited"`
	Exists  int `json:"exists"`
	Errors  int `json:"errors"`
	Skipped int `json:"skipped"`
}

// ImportResult is the answer to an import: a result per row, in file order, and the counts.
type ImportResult struct {
	DryRun bool         `json:"dryRun"`
	Rows   []ImportRow  `json:"rows"`
	Counts ImportCounts `json:"counts"`
}

// Import invites the people of a CSV file (readCSV says its shape) into an account, a result per row. Each row is
// checked by the rules of a single invitation (InviteRequest.check and mayGrant, for the account's kind and the
// caller), and besides: an email given twice in the file is an error from its second row on; one that is already
// a user of the account, or has a pending invitation to it, is exists. A dry run answers that and changes
// nothing. A real run invites every valid row as Invite does (invitePerson: one transaction per person, with its
// audit event and its email through the outbox), importWorkers at a time, so one row's failure stops no other;
// then writes one audit event for the import with its counts. Running the same file again is safe: the rows
// invited are exists, nobody is invited twice.
//
// The caller needs role.UsersManage over the account, as Invite does; the file's problems (too large, too many
// rows, no header, not CSV) refuse it whole.
func (s *Service) Import(ctx context.Context, a actor.Actor, accountID string, file []byte, dryRun bool) (ImportResult, error) {
	if err := need(a, role.UsersManage); err != nil {
		return ImportResult{}, err
	}
	acc, err := s.managed(ctx, a, accountID)
	if err != nil {
		return ImportResult{}, err
	}
	rows, err := readCSV(file)
	if err != nil {
		return ImportResult{}, err
	}
	if acc.Status == account.Disabled {
		return ImportResult{}, errAccountDisabled
	}
	out := ImportResult{DryRun: dryRun, Rows: make([]ImportRow, len(rows))}
	people := make([]person, len(rows))
	seen := map[string]int{}
	for i, r := range rows {
		v := &fault.ValidationError{}
		req := r.req
		roles := req.check(v, acc.Kind)
		if len(v.Fields) == 0 {
			if err := mayGrant(a, roles, acc.Kind); err != nil {
				v.Add("roles", "role_not_assignable", "You cannot grant these roles: you do not hold them yourself.")
			}
		}
		key := strings.ToLower(req.Email)
		if first, dup := seen[key]; dup && !v.Has("email") {
			v.Add("email", codeDuplicate, "This address is on line "+strconv.Itoa(first)+" of the file already.")
		} else if !v.Has("email") {
			seen[key] = r.line
		}
		out.Rows[i] = ImportRow{Line: r.line, Email: req.Email, Name: req.Name, Status: ImportReady}
		if len(v.Fields) > 0 {
			out.Rows[i].Status, out.Rows[i].Errors = ImportError, columnErrors(v)
			continue
		}
		people[i] = req.person(roles)
	}
	if err := s.importEach(ctx, out.Rows, func(i int) error { return s.known(ctx, acc, people[i], &out.Rows[i]) }); err != nil {
		return ImportResult{}, err
	}
	if !dryRun {
		by, err := s.inviter(ctx, a, acc)
		if err != nil {
			return ImportResult{}, err
		}
		s.importEach(ctx, out.Rows, func(i int) error {
			s.importOne(ctx, a, acc, people[i], by, &out.Rows[i])
			return nil
		})
	}
	out.Counts = countImport(out.Rows)
	if dryRun {
		return out, nil
	}
	if err := s.store.Commit(ctx, s.store.Tx().Audit(importAudit(a, acc, out.Counts, s.clock.Now()))); err != nil {
		return ImportResult{}, err
	}
	s.log.InfoContext(ctx, "users imported", "accountId", acc.ID, "rows", out.Counts.Rows, "created", out.Counts.Created,
		"invited", out.Counts.Invited, "exists", out.Counts.Exists, "errors", out.Counts.Errors, "skipped", out.Counts.Skipped)
	return out, nil
}

// importEach runs do for every row still ready, importWorkers at a time, and answers the first error. Near the
// function's deadline (importMargin) it starts no more rows: those are skipped.
func (s *Service) importEach(ctx context.Context, rows []ImportRow, do func(i int) error) error {
	next := make(chan int)
	errs := make([]error, len(rows))
	var wg sync.WaitGroup
	for range importWorkers {
		wg.Go(func() {
			for i := range next {
				errs[i] = do(i)
			}
		})
	}
	for i := range rows {
		if rows[i].Status != ImportReady {
			continue
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < importMargin {
			rows[i].Status = ImportSkipped
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// known settles a ready row whose email already has a login: exists when it is a user of the account or has an
// invitation to it that still works, a membership invitation otherwise (unless the login is disabled, which is
// invited back by activation).
func (s *Service) known(ctx context.Context, acc account.Account, p person, row *ImportRow) error {
	u, err := s.store.UserByEmail(ctx, p.Email)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		row.Invitation = ByActivation
		return nil
	case err != nil:
		return err
	}
	switch _, err := s.store.Membership(ctx, u.ID, acc.ID); {
	case err == nil:
		row.Status, row.UserID = ImportExists, u.ID
		return nil
	case !errors.Is(err, fault.ErrNotFound):
		return err
	}
	inv, found, err := s.store.Invitation(ctx, u.ID, acc.ID)
	if err != nil {
		return err
	}
	if found && inv.ExpiresAt.After(s.clock.Now()) {
		row.Status, row.UserID, row.Invitation = ImportExists, u.ID, ByMembership
		return nil
	}
	row.Invitation = ByMembership
	if u.Status == user.Disabled {
		row.Invitation = ByActivation
	}
	return nil
}

// importOne invites a ready row's person as Invite would, and records the outcome on the row. A refusal (a
// problem with a slug) is the row's error; a failure of the table is too, logged, so the other rows go on.
func (s *Service) importOne(ctx context.Context, a actor.Actor, acc account.Account, p person, by invitation.Inviter, row *ImportRow) {
	done, err := s.invitePerson(ctx, a, acc, p, by)
	var fe *fault.Error
	switch {
	case err == nil:
		row.UserID, row.Invitation = done.UserID, done.Invitation
		row.Status = ImportCreated
		if done.Invitation == ByMembership {
			row.Status = ImportInvited
		}
	case errors.As(err, &fe) && fe.Slug == "already-member":
		row.Status = ImportExists
	case errors.As(err, &fe) && fe.Slug != "":
		row.Status, row.Errors = ImportError, []fault.FieldError{{Field: "", Code: fe.Slug, Detail: fe.Detail}}
	default:
		s.log.ErrorContext(ctx, "import row failed", "accountId", acc.ID, "line", row.Line, "error", err)
		row.Status, row.Errors = ImportError, []fault.FieldError{{Field: "", Code: "failed", Detail: "This row could not be saved. Import the file again to retry it."}}
	}
}

// columnErrors names a row's field errors by the file's columns: roles[1] is the roles column.
func columnErrors(v *fault.ValidationError) []fault.FieldError {
	out := make([]fault.FieldError, 0, len(v.Fields))
	for _, f := range v.Fields {
		if i := strings.IndexByte(f.Field, '['); i > 0 {
			f.Field = f.Field[:i]
		}
		out = append(out, f)
	}
	return out
}

func countImport(rows []ImportRow) ImportCounts {
	c := ImportCounts{Rows: len(rows)}
	for _, r := range rows {
		switch r.Status {
		case ImportReady:
			c.Ready++
		case ImportCreated:
			c.Created++
		case ImportInvited:
			c.Invited++
		case ImportExists:
			c.Exists++
		case ImportError:
			c.Errors++
		case ImportSkipped:
			c.Skipped++
		}
	}
	return c
}

// importAudit is the audit event of a whole import, beside each invitation's own.
func importAudit(a actor.Actor, acc account.Account, c ImportCounts, now time.Time) audit.Event {
	n := strconv.Itoa
	return audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: audit.UsersImported, TargetType: audit.TargetAccount, TargetID: acc.ID,
		Details: map[string]string{"rows": n(c.Rows), "created": n(c.Created), "invited": n(c.Invited), "exists": n(c.Exists),
			"errors": n(c.Errors), "skipped": n(c.Skipped)}}
}

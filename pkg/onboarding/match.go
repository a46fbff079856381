package onboarding

// Resending activation links to every unregistered user of an account who matches the user list's search and
// filters ("select all that match"), a page at a time: the portal sends the answer's cursor back until it is null.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	pagecursor "github.com/partnerhub/partnerhub/pkg/cursor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// MatchPage is how many matching users one request of a bulk resend handles at most: a page's resends take well
// under a second, far inside the function's timeout (and a page is cut short rather than run out of it:
// pageReserve).
const MatchPage = 50

// Unregistered is the user list's status of a user who has not registered yet: the only ones a resend is for.
const Unregistered = table.ListUnregistered

// Match is the user list's search and filters (GET /v1/accounts/{id}/users), as a bulk resend takes them: the
// same meanings, applied to the account's unregistered users.
type Match struct {
	Q       string `json:"q,omitempty"`       // text where a word of the name or email address starts
	Initial string `json:"initial,omitempty"` // a letter A–Z, or # for names that start with anything else
	Role    string `json:"role,omitempty"`    // a role name
	// Status may only be unregistered (or absent): only those users have a link to resend.
	Status string `json:"status,omitempty"`
}

// MatchResendRequest is the body of POST /v1/accounts/{id}/activation-emails.
type MatchResendRequest struct {
	Match Match `json:"match"`
	// Cursor is the previous answer's next; absent for the first page.
	Cursor string `json:"cursor,omitempty"`
}

// MatchResult is the outcome for one user of a page, with what the portal shows of them.
type MatchResult struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"` // as ResendResult's
}

// ResendCounts counts a page's results by outcome.
type ResendCounts struct {
	Sent        int `json:"sent"`
	RateLimited int `json:"rate_limited"`
	NotInvited  int `json:"not_invited"`
	NotFound    int `json:"not_found"`
	Bounced     int `json:"email_bounced"`
	Complained  int `json:"email_complained"`
}

// MatchResendAnswer is one page of a bulk resend: a result per user, the counts, and the cursor of the next
// page (null when every match has had its turn).
type MatchResendAnswer struct {
	Results []MatchResult `json:"results"`
	Counts  ResendCounts  `json:"counts"`
	Next    *string       `json:"next"`
}

// matchCursor is where the next page starts: the name key of the last user handled, and the match it belongs to.
type matchCursor struct {
	After  string `json:"k"`
	Filter string `json:"f"`
}

// check checks the match and the cursor, naming every bad field in one answer.
func (r MatchResendRequest) check() (dynamo.UnregisteredMatch, error) {
	v := &fault.ValidationError{}
	m := dynamo.UnregisteredMatch{Limit: MatchPage}
	switch q := strings.TrimSpace(r.Match.Q); {
	case q == "":
	case utf8.RuneCountInString(q) > 100:
		v.Add("match.q", field.CodeTooLong, "Search for at most 100 characters.")
	case strings.ContainsFunc(q, unicode.IsControl):
		v.Add("match.q", field.CodeInvalid, "Remove line breaks and other control characters.")
	default:
		find, ok := table.ParseFind(q)
		if !ok {
			v.Add("match.q", field.CodeInvalid, "Type at least one letter or digit.")
		}
		m.Find = find
	}
	switch in := strings.ToLower(strings.TrimSpace(r.Match.Initial)); {
	case in == "" || in == table.InitialOther || len(in) == 1 && in[0] >= 'a' && in[0] <= 'z':
		m.Initial = in
	default:
		v.Add("match.initial", field.CodeInvalid, "Use one letter A to Z, or # for names that start with anything else.")
	}
	if name := role.Name(strings.TrimSpace(r.Match.Role)); name != "" {
		if _, ok := role.Find(name); ok {
			m.Role = name
		} else {
			v.Add("match.role", "unknown_role", fmt.Sprintf("There is no role %q.", name))
		}
	}
	if st := strings.TrimSpace(r.Match.Status); st != "" && st != Unregistered {
		v.Add("match.status", field.CodeInvalid, "Only users who have not registered yet (unregistered) get activation links.")
	}
	if r.Cursor != "" && len(v.Fields) == 0 {
		var c matchCursor
		if !pagecursor.Decode(r.Cursor, &c) || c.Filter != fingerprint(m) || !nameKey(c.After) {
			v.Add("cursor", field.CodeInvalid, "This cursor does not belong to this selection; start again from the first page.")
		}
		m.After = c.After
	}
	return m, v.Err()
}

// fingerprint names a match's filters, so a cursor is only used with the match it came from.
func fingerprint(m dynamo.UnregisteredMatch) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{m.Find.Text, m.Initial, string(m.Role)}, "\x00")))
	return hex.EncodeToString(sum[:6])
}

// nameKey reports whether a cursor's position is a name key, "<collated name>#<user id>".
func nameKey(k string) bool {
	i := strings.LastIndexByte(k, '#')
	return i >= 0 && secret.WellFormedID(k[i+1:])
}

// ResendMatching sends new activation links to the next page of an account's unregistered users that match the
// user list's search and filters, in name order, a result per user (each as Resend decides it, through the same
// resendOne: the same interval, so two runs at once send each link once), and the cursor of the page after. The
// caller needs role.UsersManage and to act in the account or above it; any other account is not found.
func (s *Service) ResendMatching(ctx context.Context, a actor.Actor, accountID string, req MatchResendRequest) (MatchResendAnswer, error) {
	if a.Anonymous() {
		return MatchResendAnswer{}, fault.ErrUnauthorized
	}
	m, err := req.check()
	if err != nil {
		return MatchResendAnswer{}, err
	}
	if !a.Can(role.UsersManage) {
		return MatchResendAnswer{}, fault.New(fault.ErrForbidden, "forbidden", "Your role does not allow sending activation emails to users.")
	}
	acc, err := s.store.Account(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) || err == nil && !visibleTo(a, acc) {
		return MatchResendAnswer{}, errNoAccount
	}
	if err != nil {
		return MatchResendAnswer{}, err
	}
	m.AccountID = acc.ID
	rows, more, err := s.store.UnregisteredPage(ctx, m)
	if errors.Is(err, dynamo.ErrTooManyMatches) {
		return MatchResendAnswer{}, fault.Invalid("match.q", "too_broad",
			fmt.Sprintf("More than %d users match. Type more of the name or address.", dynamo.MaxUnregisteredMatches))
	}
	if err != nil {
		return MatchResendAnswer{}, err
	}
	by, err := s.inviter(ctx, a)
	if err != nil {
		return MatchResendAnswer{}, err
	}
	out := MatchResendAnswer{Results: make([]MatchResult, len(rows))}
	may := func(_ user.User, home account.Account) bool { return visibleTo(a, home) }
	done, err := eachInTime(ctx, len(rows), func(i int) error {
		r := rows[i]
		out.Results[i] = MatchResult{UserID: r.UserID, Name: r.Name, Email: r.Email}
		var err error
		out.Results[i].Status, err = s.resendOne(ctx, r.UserID, may, by)
		return err
	})
	if done == 0 && len(rows) > 0 {
		if err == nil {
			err = fmt.Errorf("resend matching: no time left for one user: %w", fault.ErrUnavailable)
		}
		return MatchResendAnswer{}, err
	}
	if err != nil || done < len(rows) {
		// The page ends at the last user of an unbroken run of outcomes; the next page starts after it. A user
		// handled beyond the break (workers run side by side) comes again on the next page, as rate limited.
		s.log.WarnContext(ctx, "bulk resend page cut short", "handled", done, "of", len(rows), "error", fmt.Sprint(err))
		out.Results, more = out.Results[:done], true
	}
	for _, r := range out.Results {
		out.Counts.add(r.Status)
	}
	if more {
		next := pagecursor.Encode(matchCursor{After: rows[done-1].NameKey, Filter: fingerprint(m)})
		out.Next = &next
	}
	return out, nil
}

// pageReserve is how much of a request's time a bulk resend keeps for the users already started and for its
// answer: once less is left, it starts no other user and answers the page so far, whose cursor goes on from
// there. A page of MatchPage users takes well under a second; on a loaded machine, or with a slow table, the
// page is shorter rather than the request failing after having sent emails it cannot report.
const pageReserve = 3 * time.Second

// eachInTime runs do for 0, 1, … n-1 in that order, resendWorkers at a time, until one fails or ctx has less than
// pageReserve left. It answers how many succeeded in an unbroken run from the first, and the error that broke
// it (nil when time ran out, or when all n succeeded).
func eachInTime(ctx context.Context, n int, do func(i int) error) (int, error) {
	deadline, timed := ctx.Deadline()
	errs := make([]error, n)
	started := make([]bool, n)
	var failed atomic.Bool
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(resendWorkers, n) {
		wg.Go(func() {
			for i := range next {
				if errs[i] = do(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	for i := range n {
		if failed.Load() || timed && time.Until(deadline) < pageReserve {
			break
		}
		started[i] = true
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range n {
		if !started[i] || errs[i] != nil {
			return i, errs[i]
		}
	}
	return n, nil
}

// each runs do for 0..n-1, resendWorkers at a time, to the end.
func (s *Service) each(n int, do func(i int)) {
	eachInTime(context.Background(), n, func(i int) error { do(i); return nil })
}

// add counts one outcome.
func (c *ResendCounts) add(status string) {
	switch status {
	case ResendSent:
		c.Sent++
	case ResendRateLimited:
		c.RateLimited++
	case ResendNotInvited:
		c.NotInvited++
	case ResendNotFound:
		c.NotFound++
	case ResendBounced:
		c.Bounced++
	case ResendComplained:
		c.Complained++
	}
}

package member

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestImportStopsStartingRowsNearTheDeadline: with less than importMargin left before the function's deadline,
// no row is started; each is skipped, for a rerun of the file to invite.
func TestImportStopsStartingRowsNearTheDeadline(t *testing.T) {
	t.Parallel()
	rows := []ImportRow{{Line: 2, Status: ImportReady}, {Line: 3, Status: ImportError}, {Line: 4, Status: ImportReady}}
	var started atomic.Int32
	do := func(int) error { started.Add(1); return nil }

	ctx, cancel := context.WithTimeout(context.Background(), importMargin/2)
	defer cancel()
	if err := (&Service{}).importEach(ctx, rows, do); err != nil {
		t.Fatal(err)
	}
	if started.Load() != 0 || rows[0].Status != ImportSkipped || rows[1].Status != ImportError || rows[2].Status != ImportSkipped {
		t.Errorf("near the deadline: %d started, rows %+v", started.Load(), rows)
	}

	rows[0].Status, rows[2].Status = ImportReady, ImportReady
	ctx, cancel = context.WithTimeout(context.Background(), importMargin+time.Minute)
	defer cancel()
	if err := (&Service{}).importEach(ctx, rows, do); err != nil {
		t.Fatal(err)
	}
	if started.Load() != 2 {
		t.Errorf("with time to spare: %d started, want the 2 ready rows", started.Load())
	}
}

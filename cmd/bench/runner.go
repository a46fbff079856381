package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
)

// runner is the testing.TB this program hands the test kit (testenv, platformtest). The kit builds the worlds
// the tests run in, written against testing.TB; the bench reuses those worlds rather than copying them, so it
// needs a TB outside a test binary. A failure ends the run with the kit's message (see do); nothing is skipped.
type runner struct {
	// TB is left nil: it is embedded only for the interface's unexported method, which nothing calls. Every
	// exported method is defined below.
	testing.TB

	ctx context.Context
	log io.Writer

	mu       sync.Mutex
	failed   bool
	cleanups []func()
}

var _ testing.TB = (*runner)(nil)

// failure is what FailNow panics with, for do to recover.
type failure struct{}

func newRunner(ctx context.Context, log io.Writer) *runner { return &runner{ctx: ctx, log: log} }

// do runs f, turning a failure reported through the TB into an error, then runs the cleanups f registered.
func (r *runner) do(f func()) (err error) {
	defer func() {
		r.mu.Lock()
		cleanups := r.cleanups
		r.cleanups = nil
		r.mu.Unlock()
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(failure); !ok {
				panic(p)
			}
			err = errors.New("stopped on the failure above")
		}
	}()
	f()
	if r.Failed() {
		return errors.New("failed: see above")
	}
	return nil
}

func (r *runner) Helper()                  {}
func (r *runner) Name() string             { return "bench" }
func (r *runner) Context() context.Context { return r.ctx }
func (r *runner) Output() io.Writer        { return r.log }
func (r *runner) Attr(key, value string)   {}
func (r *runner) ArtifactDir() string      { return r.TempDir() }

func (r *runner) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *runner) Log(args ...any)                 { fmt.Fprintln(r.log, args...) }
func (r *runner) Logf(format string, args ...any) { fmt.Fprintf(r.log, format+"\n", args...) }

func (r *runner) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

func (r *runner) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// FailNow ends the run: it unwinds to do, which must be on the same goroutine (as testing's FailNow must be on
// the test's).
func (r *runner) FailNow() {
	r.Fail()
	panic(failure{})
}

func (r *runner) Error(args ...any)                 { r.Log(args...); r.Fail() }
func (r *runner) Errorf(format string, args ...any) { r.Logf(format, args...); r.Fail() }
func (r *runner) Fatal(args ...any)                 { r.Log(args...); r.FailNow() }
func (r *runner) Fatalf(format string, args ...any) { r.Logf(format, args...); r.FailNow() }

// Skip and its kin fail: a bench that skipped a part would print a table with a hole and no reason.
func (r *runner) Skip(args ...any)                 { r.Fatal(append([]any{"skip:"}, args...)...) }
func (r *runner) Skipf(format string, args ...any) { r.Fatalf("skip: "+format, args...) }
func (r *runner) SkipNow()                         { r.Fatal("skip") }
func (r *runner) Skipped() bool                    { return false }

func (r *runner) TempDir() string {
	dir, err := os.MkdirTemp("", "bench")
	if err != nil {
		r.Fatal(err)
	}
	r.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (r *runner) Setenv(key, value string) {
	old, had := os.LookupEnv(key)
	if err := os.Setenv(key, value); err != nil {
		r.Fatal(err)
	}
	r.Cleanup(func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	})
}

func (r *runner) Chdir(dir string) {
	old, err := os.Getwd()
	if err != nil {
		r.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		r.Fatal(err)
	}
	r.Cleanup(func() { os.Chdir(old) })
}

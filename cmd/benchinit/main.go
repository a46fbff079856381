// Command benchinit measures what each function costs before it serves its first event, against a hello-world
// Go Lambda function built the same way (`make bench-init`):
//
//   - its binary's size, built as `make build` builds it (CGO_ENABLED=0 -tags lambda.norpc -ldflags "-s -w"
//     -trimpath) but for this machine;
//   - its cold init: from exec to its first poll of the Runtime API (pkg/runtimeapi's stand-in), started with
//     the environment its stack gives it, as infra's TestEveryFunctionStartsWithItsStackEnvironment starts it.
//
// Every binary runs -runs times, interleaved (one run of each per round, the order rotating), so that a busy
// moment of the machine falls on all of them alike; it prints each one's median and its ratio to hello-world's.
// It prints figures, not a verdict.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// hello is the baseline's name and package.
const (
	hello    = "hello-world"
	helloPkg = "./cmd/benchinit/hello"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchinit:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	flags := flag.NewFlagSet("benchinit", flag.ContinueOnError)
	runs := flags.Int("runs", 15, "cold starts of each binary")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("-runs %d: at least one", *runs)
	}
	dir, err := os.MkdirTemp("", "benchinit")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	subjects := []subject{{name: hello, pkg: helloPkg}}
	for _, f := range route.Functions {
		subjects = append(subjects, subject{name: f.Name, pkg: "./functions/" + f.Name, fn: f})
	}
	if err := build(ctx, dir, subjects); err != nil {
		return err
	}
	for i := range subjects {
		subjects[i].path = filepath.Join(dir, filepath.Base(subjects[i].pkg))
		st, err := os.Stat(subjects[i].path)
		if err != nil {
			return err
		}
		subjects[i].size = st.Size()
	}

	stub, err := startAWS()
	if err != nil {
		return err
	}
	defer stub.Close()
	for round := range *runs {
		for i := range subjects {
			s := &subjects[(round+i)%len(subjects)]
			d, err := coldStart(ctx, s, stub)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			s.inits = append(s.inits, d)
		}
	}
	if n := stub.Unexpected(); n > 0 {
		fmt.Fprintf(out, "warning: %d AWS calls other than reading a secret were made during init\n", n)
	}
	report(out, subjects, *runs)
	return nil
}

// subject is one binary under measure.
type subject struct {
	name, pkg string
	fn        route.Function // zero for hello-world
	path      string
	size      int64
	inits     []time.Duration
}

// median of the subject's inits.
func (s subject) median() time.Duration {
	d := slices.Clone(s.inits)
	slices.Sort(d)
	if n := len(d); n%2 == 0 {
		return (d[n/2-1] + d[n/2]) / 2
	}
	return d[len(d)/2]
}

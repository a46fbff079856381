package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// report prints each subject's size and median init, and their ratios to hello-world's (the first subject).
func report(out io.Writer, subjects []subject, runs int) {
	base := subjects[0]
	fmt.Fprintf(out, "cold init: exec to the first poll of the Runtime API, median of %d interleaved runs; "+
		"binaries for %s/%s built like make build's\n\n", runs, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "%-18s %8s %8s %8s %8s %11s\n", "function", "size MB", "size ×", "init ms", "init ×", "fastest ms")
	for _, s := range subjects {
		fmt.Fprintf(out, "%-18s %8.2f %8.2f %8.1f %8.2f %11.1f\n", s.name,
			float64(s.size)/1e6, float64(s.size)/float64(base.size),
			ms(s.median()), float64(s.median())/float64(base.median()), ms(fastest(s.inits)))
	}
	fmt.Fprintln(out, "\n× is the ratio to hello-world's figure. Targets: init ≤ 2×, size ≤ 1.6×, for every function but the mailer")
	fmt.Fprintln(out, "(invitation-email), which alone links SES, SNS and the template engines.")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fastest(d []time.Duration) time.Duration {
	m := d[0]
	for _, v := range d[1:] {
		m = min(m, v)
	}
	return m
}

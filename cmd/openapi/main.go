// Command openapi writes PartnerHub's OpenAPI description (pkg/apispec) to a file, or to stdout:
//
//	go run ./cmd/openapi -o docs/openapi.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/partnerhub/partnerhub/pkg/apispec"
)

func main() {
	out := flag.String("o", "", "the file to write; stdout when empty")
	flag.Parse()
	b, err := apispec.JSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	if *out == "" {
		_, err = os.Stdout.Write(b)
	} else {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}

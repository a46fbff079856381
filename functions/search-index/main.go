// Command search-index keeps the search index: the table's stream (account and membership changes only)
// invokes it, and it writes the entries the user list's and the partner tree's searches read.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/searchindex"
)

func main() { app.Start(searchindex.Handler) }

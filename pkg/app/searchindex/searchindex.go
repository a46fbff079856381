// Package searchindex is the wiring of the search-index function: the table's stream hands it every change of an
// account or a membership (table.FindSources), and it keeps the search index's entries in step (package
// indexer). It links no use case, no key and no mail.
package searchindex

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/indexer"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// New builds the indexer itself, for the local stack's stream poller and for tests.
func New(a *app.App) (*indexer.Indexer, error) {
	return indexer.New(indexer.Config{
		DB:    a.Dynamo(),
		Table: a.Config.Table,
		Clock: a.Clock,
		Log:   a.Log.With("function", route.SearchIndex),
	})
}

// Handler builds the function's handler.
func Handler(a *app.App) (app.StreamHandler, error) {
	x, err := New(a)
	if err != nil {
		return nil, err
	}
	return x.Handle, nil
}

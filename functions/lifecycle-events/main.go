// Command lifecycle-events publishes PartnerHub's lifecycle events: the table's stream (audit record inserts
// only) invokes it, and it puts the events integrators subscribe to on the stack's EventBridge bus.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/lifecycleevents"
)

func main() { app.Start(lifecycleevents.Handler) }

// Command key-rotation rotates the HMAC keyring secret when Secrets Manager invokes it: a new current key, the
// old ones kept.
package main

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/keyrotation"
)

func main() { app.Start(keyrotation.Handler) }

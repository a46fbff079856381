package dynamo

import "github.com/partnerhub/partnerhub/pkg/outbox"

// Send adds a new pending outbox message to the transaction of the change that needs it: the stream hands it
// to the mailer once the change commits, and never if it does not.
func (t *Tx) Send(m outbox.Message) *Tx {
	item, err := outbox.Item(m)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, nil) // a fresh random id: a failure is an id collision, not a meaning
}

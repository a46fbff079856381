package mailer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// recordingSES passes every call to the SES emulator and keeps its input.
type recordingSES struct {
	mailer.SES
	mu  sync.Mutex
	ins []*sesv2.SendEmailInput
}

func (r *recordingSES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	r.mu.Lock()
	r.ins = append(r.ins, in)
	r.mu.Unlock()
	return r.SES.SendEmail(ctx, in, opts...)
}

// TestEmailsCarryTheirUserAndMessage: SES repeats an email's tags in its bounce, complaint and delivery events,
// which is how package feedback names the user without a lookup by address.
func TestEmailsCarryTheirUserAndMessage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	msg := activation(t)
	w.write(t, msg)
	ses := &recordingSES{SES: w.env.SES}
	if out := w.mailer(t, ses).Deliver(context.Background(), table.OutboxKey(msg.ID)); out != mailer.Sent {
		t.Fatalf("Deliver = %v, want sent", out)
	}
	if len(ses.ins) != 1 {
		t.Fatalf("%d SendEmail calls, want 1", len(ses.ins))
	}
	got := map[string]string{}
	for _, tag := range ses.ins[0].EmailTags {
		got[aws.ToString(tag.Name)] = aws.ToString(tag.Value)
	}
	want := map[string]string{"template": "activation", "messageId": msg.ID, "userId": msg.UserID}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tag %s = %q, want %q (tags %v)", k, got[k], v, got)
		}
	}
}

package xray

import (
	"net"
	"strings"
	"sync"
	"time"
)

// Daemon sends documents to the X-Ray daemon over UDP, fire and forget: a datagram that cannot be sent is
// dropped, and nothing waits for the daemon. In Lambda the daemon listens at AWS_XRAY_DAEMON_ADDRESS.
type Daemon struct {
	address string
	conn    func() net.Conn // dialled on first use; nil when the address does not resolve
}

// NewDaemon is a sender to address, in either form the X-Ray SDKs accept: "host:port", or
// "tcp:host:port udp:host:port" (only the UDP one is used). The socket is opened on the first send.
func NewDaemon(address string) *Daemon {
	d := &Daemon{address: udpAddress(address)}
	d.conn = sync.OnceValue(func() net.Conn {
		c, err := net.Dial("udp", d.address)
		if err != nil {
			return nil
		}
		return c
	})
	return d
}

// Address is the UDP address documents are sent to.
func (d *Daemon) Address() string { return d.address }

// writeWait bounds a send: a UDP write does not wait for the peer, but a full socket buffer could make it.
const writeWait = 10 * time.Millisecond

// Send sends one subsegment. It never fails the caller: errors are dropped, as X-Ray's own SDKs drop them.
func (d *Daemon) Send(s Subsegment) {
	c := d.conn()
	if c == nil {
		return
	}
	_ = c.SetWriteDeadline(time.Now().Add(writeWait))
	_, _ = c.Write(Encode(s))
}

func udpAddress(address string) string {
	for field := range strings.FieldsSeq(address) {
		if a, ok := strings.CutPrefix(field, "udp:"); ok {
			return a
		}
		if !strings.HasPrefix(field, "tcp:") {
			return field
		}
	}
	return address
}

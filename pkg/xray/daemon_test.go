package xray_test

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/xray"
)

func TestDaemonAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"169.254.79.129:2000":                        "169.254.79.129:2000",
		"tcp:127.0.0.1:2000 udp:169.254.79.129:2001": "169.254.79.129:2001",
		"udp:169.254.79.129:2001 tcp:127.0.0.1:2000": "169.254.79.129:2001",
	} {
		if got := xray.NewDaemon(in).Address(); got != want {
			t.Errorf("NewDaemon(%q).Address() = %q, want %q", in, got, want)
		}
	}
}

// TestDaemonSendsOneDatagramPerSubsegment: a listener standing in for the daemon receives exactly Encode's bytes.
func TestDaemonSendsOneDatagramPerSubsegment(t *testing.T) {
	t.Parallel()
	ln, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := xray.Subsegment{Name: "SNS", ID: xray.NewID(), Trace: xray.Trace{Root: "1-a-b", Parent: "0123456789abcdef"},
		AWS: xray.AWS{Operation: "Publish"}}
	xray.NewDaemon(ln.LocalAddr().String()).Send(s)
	_ = ln.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 65536)
	n, _, err := ln.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf[:n], xray.Encode(s)) {
		t.Errorf("received %q, want %q", buf[:n], xray.Encode(s))
	}
}

// TestDaemonNeverFailsTheCaller: an address nobody listens on, or one that does not parse, is no error.
func TestDaemonNeverFailsTheCaller(t *testing.T) {
	t.Parallel()
	for _, address := range []string{"127.0.0.1:9", "not an address"} {
		xray.NewDaemon(address).Send(xray.Subsegment{Name: "DynamoDB", ID: xray.NewID()})
	}
}

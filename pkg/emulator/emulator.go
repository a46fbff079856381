// Package emulator starts the local stand-ins for AWS that the local stack and the integration tests use: the
// DynamoDB emulator (dynoxide) and the SES v2 emulator (aws-ses-v2-local), both installed from the npm registry
// into the repository's node_modules by `npm ci`.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// Process is a running emulator.
type Process struct {
	Name string
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Root finds the repository root (the folder holding go.mod) from the working directory upwards.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// DynamoBinary is the path of the dynoxide binary for this platform inside node_modules.
func DynamoBinary(root string) string {
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	return filepath.Join(root, "tools", "node_modules", "@dynoxide", runtime.GOOS+"-"+arch, "dynoxide")
}

// SESScript is the path of the aws-ses-v2-local command inside node_modules.
func SESScript(root string) string {
	return filepath.Join(root, "tools", "node_modules", ".bin", "aws-ses-v2-local")
}

// Missing explains how to install an emulator that is not there.
func Missing(path string) error {
	return fmt.Errorf("%s is not installed: run `make deps` (npm ci in tools/) (make dev and make test do)", path)
}

// StartDynamo starts dynoxide on 127.0.0.1:port. With dbPath it keeps its data in that SQLite file; without,
// in memory.
func StartDynamo(ctx context.Context, root string, port int, dbPath string, logTo io.Writer) (*Process, error) {
	bin := DynamoBinary(root)
	if _, err := os.Stat(bin); err != nil {
		return nil, Missing(bin)
	}
	args := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(port)}
	if dbPath != "" {
		args = append(args, "--db-path", dbPath)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	return start(ctx, "dynamodb", url, url, exec.Command(bin, args...), logTo)
}

// StartSES starts aws-ses-v2-local on 127.0.0.1:port. Its mailbox page is the URL itself and GET /store lists
// every email as JSON.
func StartSES(ctx context.Context, root string, port int, logTo io.Writer) (*Process, error) {
	script := SESScript(root)
	if _, err := os.Stat(script); err != nil {
		return nil, Missing(script)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(script, "--host", "127.0.0.1", "--port", strconv.Itoa(port))
	return start(ctx, "ses", url, url+"/health-check", cmd, logTo)
}

func start(ctx context.Context, name, url, probe string, cmd *exec.Cmd, logTo io.Writer) (*Process, error) {
	if logTo == nil {
		logTo = io.Discard
	}
	cmd.Stdout, cmd.Stderr = logTo, logTo
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, URL: url, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	if err := waitReady(ctx, probe, p.done); err != nil {
		p.Stop()
		return nil, fmt.Errorf("%s did not start: %w", name, err)
	}
	return p, nil
}

// waitReady polls the probe URL until anything answers over HTTP.
func waitReady(ctx context.Context, probe string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, probe, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("the process exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop ends the emulator and everything it started, and waits for it.
func (p *Process) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	killGroup(p.cmd)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
}

// FreePort asks the kernel for a free TCP port on loopback.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

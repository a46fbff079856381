package local_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/local"
)

func vars(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFlagSettings(t *testing.T) {
	t.Parallel()
	t.Run("case=defaults", func(t *testing.T) {
		t.Parallel()
		flags := flag.NewFlagSet("dev", flag.ContinueOnError)
		s, err := local.FlagSettings(flags, vars(nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := flags.Parse(nil); err != nil {
			t.Fatal(err)
		}
		if s.APIPort != 3000 || s.SESPort != 8005 || s.DynamoPort != 8000 || s.DataDir != ".local" || s.Table != "partnerhub" {
			t.Fatalf("settings = %+v", s)
		}
	})
	t.Run("case=environment, then flags", func(t *testing.T) {
		t.Parallel()
		flags := flag.NewFlagSet("dev", flag.ContinueOnError)
		s, err := local.FlagSettings(flags, vars(map[string]string{"PH_API_PORT": "4000", "PH_SES_PORT": "4005", "PH_DATA_DIR": "/tmp/x"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := flags.Parse([]string{"-ses-port", "5005"}); err != nil {
			t.Fatal(err)
		}
		if s.APIPort != 4000 || s.SESPort != 5005 || s.DynamoPort != 8000 || s.DataDir != "/tmp/x" {
			t.Fatalf("settings = %+v", s)
		}
		cfg := s.AppConfig(make([]byte, 32))
		if cfg.Env != "local" || cfg.Table != "partnerhub" || cfg.DynamoEndpoint != "http://127.0.0.1:8000" ||
			cfg.SESEndpoint != "http://127.0.0.1:5005" || cfg.PortalURL != "http://localhost:4000" ||
			len(cfg.Origins) != 2 || cfg.Origins[1] != "http://127.0.0.1:4000" {
			t.Fatalf("config = %+v", cfg)
		}
	})
	t.Run("case=bad port in the environment", func(t *testing.T) {
		t.Parallel()
		if _, err := local.FlagSettings(flag.NewFlagSet("dev", flag.ContinueOnError), vars(map[string]string{"PH_DYNAMODB_PORT": "eight"})); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestEnsureKeyCreatesTheKeyOnceAndKeepsIt(t *testing.T) {
	t.Parallel()
	s := local.Settings{DataDir: filepath.Join(t.TempDir(), "data"), Getenv: vars(nil)}
	if _, err := s.ReadKey(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadKey before the first start = %v, want not exist", err)
	}
	key, created, err := s.EnsureKey()
	if err != nil || !created || len(key) != 32 {
		t.Fatalf("EnsureKey = %x, %v, %v", key, created, err)
	}
	fi, err := os.Stat(s.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(s.KeyPath())
	if strings.TrimSpace(string(raw)) != hex.EncodeToString(key) {
		t.Fatalf("key file holds %q", raw)
	}
	again, created, err := s.EnsureKey()
	if err != nil || created || !bytes.Equal(again, key) {
		t.Fatalf("second EnsureKey = %x, %v, %v; want the same key, not created", again, created, err)
	}
	read, err := s.ReadKey()
	if err != nil || !bytes.Equal(read, key) {
		t.Fatalf("ReadKey = %x, %v", read, err)
	}

	override := strings.Repeat("ab", 32)
	s.Getenv = vars(map[string]string{"PH_HMAC_KEY": override})
	if k, err := s.ReadKey(); err != nil || hex.EncodeToString(k) != override {
		t.Fatalf("PH_HMAC_KEY should win: %x, %v", k, err)
	}

	s.Getenv = vars(nil)
	if err := os.WriteFile(s.KeyPath(), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EnsureKey(); err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
}

func TestCheckPortsNamesTheBusyPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := free.Addr().(*net.TCPAddr).Port
	free.Close()

	if err := local.CheckPorts(map[string]int{"api": freePort}); err != nil {
		t.Fatalf("free port reported busy: %v", err)
	}
	err = local.CheckPorts(map[string]int{"api": freePort, "dynamodb": busy})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(busy)+" (dynamodb)") || strings.Contains(err.Error(), strconv.Itoa(freePort)) {
		t.Fatalf("err = %v, want one naming only port %d", err, busy)
	}
}

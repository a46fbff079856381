// Package local is PartnerHub's local stand-in for the AWS pieces around the functions: an API Gateway (HTTP
// API, payload 2.0) that serves the routes of route.Routes and the web client, a DynamoDB Streams poller that
// drives the stream functions the way Lambda's event source mapping does, and a timer that drives the schedule
// functions like an EventBridge rule. Every function runs its real handler in-process, with real events.
//
// `make dev` (cmd/dev) wires them to the emulators; `make invoke` (cmd/invoke) uses the same Settings to run
// one function once against the running stack.
package local

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/app"
)

// Defaults of the local stack.
const (
	DefaultAPIPort    = 3000
	DefaultSESPort    = 8005
	DefaultDynamoPort = 8000
	DefaultDataDir    = ".local"
	DefaultTable      = "partnerhub"
	DefaultAdminEmail = "admin@example.com"
	// KeyFile is the HMAC key's file inside the data dir: hex, created once, so links in emails sent before a
	// restart keep working.
	KeyFile = "hmac.key"
	// DatabaseFile is dynoxide's SQLite file inside the data dir.
	DatabaseFile = "dynamo.db"
)

// Settings are where the local stack listens and keeps its data. cmd/dev and cmd/invoke read them the same way,
// so invoke finds the stack that dev started.
type Settings struct {
	APIPort    int
	SESPort    int
	DynamoPort int
	// DataDir holds the database, the HMAC key and the emulators' logs.
	DataDir string
	Table   string
	// AdminEmail is the first super administrator, created on the first start.
	AdminEmail string
	// Getenv reads the environment; AppConfig uses it for the optional LOG_LEVEL, MAIL_FROM and PH_HMAC_KEY.
	Getenv func(string) string
}

// FlagSettings registers the stack's flags on fs, with defaults taken from the environment (PH_API_PORT,
// PH_SES_PORT, PH_DYNAMODB_PORT, PH_DATA_DIR, TABLE_NAME) and then from the constants above. Call fs.Parse
// afterwards. It fails on an environment variable that is set but not a port.
func FlagSettings(fs *flag.FlagSet, getenv func(string) string) (*Settings, error) {
	s := &Settings{Getenv: getenv}
	var err error
	if s.APIPort, err = envPort(getenv, "PH_API_PORT", DefaultAPIPort); err != nil {
		return nil, err
	}
	if s.SESPort, err = envPort(getenv, "PH_SES_PORT", DefaultSESPort); err != nil {
		return nil, err
	}
	if s.DynamoPort, err = envPort(getenv, "PH_DYNAMODB_PORT", DefaultDynamoPort); err != nil {
		return nil, err
	}
	fs.IntVar(&s.APIPort, "api-port", s.APIPort, "port of the portal and the API (env PH_API_PORT)")
	fs.IntVar(&s.SESPort, "ses-port", s.SESPort, "port of the SES emulator and its mailbox page (env PH_SES_PORT)")
	fs.IntVar(&s.DynamoPort, "dynamodb-port", s.DynamoPort, "port of the DynamoDB emulator (env PH_DYNAMODB_PORT)")
	fs.StringVar(&s.DataDir, "data", or(getenv("PH_DATA_DIR"), DefaultDataDir), "folder of the database, the HMAC key and the logs (env PH_DATA_DIR)")
	fs.StringVar(&s.Table, "table", or(getenv("TABLE_NAME"), DefaultTable), "table name (env TABLE_NAME)")
	fs.StringVar(&s.AdminEmail, "admin", or(getenv("PH_ADMIN_EMAIL"), DefaultAdminEmail), "email of the first super administrator, created on the first start (env PH_ADMIN_EMAIL)")
	return s, nil
}

func envPort(getenv func(string) string, name string, fallback int) (int, error) {
	v := getenv(name)
	if v == "" {
		return fallback, nil
	}
	p, err := strconv.Atoi(v)
	if err != nil || p <= 0 || p > 65535 {
		return 0, fmt.Errorf("%s=%q is not a port number", name, v)
	}
	return p, nil
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// Resolve makes DataDir absolute against root (the repository), so the stack finds its data wherever it is
// started from.
func (s *Settings) Resolve(root string) {
	if !filepath.IsAbs(s.DataDir) {
		s.DataDir = filepath.Join(root, s.DataDir)
	}
}

// PortalURL is the portal's origin, as links in emails spell it.
func (s Settings) PortalURL() string { return fmt.Sprintf("http://localhost:%d", s.APIPort) }

// DynamoURL is the DynamoDB emulator's endpoint.
func (s Settings) DynamoURL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.DynamoPort) }

// SESURL is the SES emulator's endpoint.
func (s Settings) SESURL() string { return fmt.Sprintf("http://127.0.0.1:%d", s.SESPort) }

// MailboxURL is the SES emulator's web page that shows every email sent.
func (s Settings) MailboxURL() string { return fmt.Sprintf("http://localhost:%d", s.SESPort) }

// KeyPath is the HMAC key's file.
func (s Settings) KeyPath() string { return filepath.Join(s.DataDir, KeyFile) }

// DatabasePath is dynoxide's database file.
func (s Settings) DatabasePath() string { return filepath.Join(s.DataDir, DatabaseFile) }

// AppConfig is the configuration the functions get in the local stack. The portal is reachable both as
// localhost and as 127.0.0.1, so both origins may send state-changing requests.
func (s Settings) AppConfig(key []byte) app.Config {
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return app.Config{
		Env:            "local",
		Table:          s.Table,
		Region:         or(getenv("AWS_REGION"), "us-east-1"),
		DynamoEndpoint: s.DynamoURL(),
		SESEndpoint:    s.SESURL(),
		Key:            key,
		MailFrom:       or(getenv("MAIL_FROM"), "PartnerHub <no-reply@partnerhub.local>"),
		PortalURL:      s.PortalURL(),
		Origins:        []string{s.PortalURL(), fmt.Sprintf("http://127.0.0.1:%d", s.APIPort)},
		LogLevel:       or(getenv("LOG_LEVEL"), "info"),
	}
}

// keyFromEnv reads PH_HMAC_KEY, which overrides the key file (the same variable app.FromEnv reads).
func (s Settings) keyFromEnv() ([]byte, bool, error) {
	if s.Getenv == nil || s.Getenv("PH_HMAC_KEY") == "" {
		return nil, false, nil
	}
	key, err := decodeKey(s.Getenv("PH_HMAC_KEY"))
	if err != nil {
		return nil, true, fmt.Errorf("PH_HMAC_KEY: %w", err)
	}
	return key, true, nil
}

// EnsureKey returns the stack's HMAC key: PH_HMAC_KEY if set, else the key file, which it creates (32 random
// bytes, hex, mode 0600) on first start. created reports a new key.
func (s Settings) EnsureKey() (key []byte, created bool, err error) {
	if key, ok, err := s.keyFromEnv(); ok {
		return key, false, err
	}
	key, err = s.ReadKey()
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(s.DataDir, 0o700); err != nil {
		return nil, false, err
	}
	// O_EXCL: if two stacks race to create the key, one fails instead of both believing their own key.
	f, err := os.OpenFile(s.KeyPath(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create %s: %w", s.KeyPath(), err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write %s: %w", s.KeyPath(), err)
	}
	if err := f.Close(); err != nil {
		return nil, false, err
	}
	return key, true, nil
}

// ReadKey reads the stack's HMAC key (PH_HMAC_KEY, else the key file) without creating it. The error wraps
// fs.ErrNotExist when the stack never started.
func (s Settings) ReadKey() ([]byte, error) {
	if key, ok, err := s.keyFromEnv(); ok {
		return key, err
	}
	b, err := os.ReadFile(s.KeyPath())
	if err != nil {
		return nil, err
	}
	key, err := decodeKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to get a new key; old email links stop working)", s.KeyPath(), err)
	}
	return key, nil
}

func decodeKey(s string) ([]byte, error) {
	key, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) < 32 {
		return nil, errors.New("must hold at least 32 hex-encoded bytes")
	}
	return key, nil
}

// CheckPorts fails with a clear message naming every port on 127.0.0.1 that something else already holds.
func CheckPorts(ports map[string]int) error {
	var busy []string
	for _, name := range slices.Sorted(maps.Keys(ports)) {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports[name]))
		if err != nil {
			busy = append(busy, fmt.Sprintf("%d (%s)", ports[name], name))
			continue
		}
		l.Close()
	}
	if len(busy) == 0 {
		return nil
	}
	what := "port " + busy[0] + " is"
	if len(busy) > 1 {
		what = "ports " + strings.Join(busy, ", ") + " are"
	}
	return fmt.Errorf("%s already in use: is another `make dev` running? Stop it, or choose other ports with -api-port, -ses-port, -dynamodb-port (env PH_API_PORT, PH_SES_PORT, PH_DYNAMODB_PORT)", what)
}

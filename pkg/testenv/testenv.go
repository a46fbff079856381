// Package testenv gives integration tests the real emulators: it starts dynoxide and aws-ses-v2-local once per
// test binary on free ports, and hands each test its own freshly created table. A missing emulator fails the
// run; it is never a skip.
//
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }
package testenv

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Env is the running emulators and clients that talk to them through the production SDK clients.
type Env struct {
	Root      string
	DynamoURL string
	SESURL    string
	Key       []byte
	Dynamo    *dynamodb.Client
	SES       *sesv2.Client
	Streams   *dynamodbstreams.Client
}

var (
	current *Env
	tables  atomic.Int64
)

// Run starts the emulators, runs the tests and stops the emulators.
func Run(m *testing.M) int {
	_, stop, err := Start(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// Start starts the emulators as Run does, for a program that is not a test binary but seeds its worlds with the
// test kit (cmd/bench): until stop, Get returns them.
func Start(ctx context.Context) (*Env, func(), error) {
	env, stopEmulators, err := start(ctx)
	if err != nil {
		return nil, nil, err
	}
	current = env
	return env, func() { current = nil; stopEmulators() }, nil
}

func start(ctx context.Context) (*Env, func(), error) {
	root, err := emulator.Root()
	if err != nil {
		return nil, nil, err
	}
	dport, err := emulator.FreePort()
	if err != nil {
		return nil, nil, err
	}
	dyn, err := emulator.StartDynamo(ctx, root, dport, "", nil)
	if err != nil {
		return nil, nil, err
	}
	sport, err := emulator.FreePort()
	if err != nil {
		dyn.Stop()
		return nil, nil, err
	}
	ses, err := emulator.StartSES(ctx, root, sport, nil)
	if err != nil {
		dyn.Stop()
		return nil, nil, err
	}
	stop := func() { ses.Stop(); dyn.Stop() }
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := &Env{Root: root, DynamoURL: dyn.URL, SESURL: ses.URL, Key: key}
	a, err := app.New(ctx, env.Config(""))
	if err != nil {
		stop()
		return nil, nil, err
	}
	env.Dynamo, env.SES, env.Streams = a.Dynamo(), sesv2.NewFromConfig(a.AWS()), dynamodbstreams.NewFromConfig(a.AWS())
	return env, stop, nil
}

// Get returns the environment; it fails the test if Run did not start it.
func Get(t testing.TB) *Env {
	t.Helper()
	if current == nil {
		t.Fatal("testenv: call testenv.Run from TestMain")
	}
	return current
}

// Config is the configuration a function would get in the local stack, pointed at the emulators.
func (e *Env) Config(tableName string) app.Config {
	return app.Config{
		Env:            "local",
		Table:          tableName,
		Region:         "us-east-1",
		DynamoEndpoint: e.DynamoURL,
		SESEndpoint:    e.SESURL,
		Key:            e.Key,
		MailFrom:       "PartnerHub <no-reply@partnerhub.test>",
		PortalURL:      "http://localhost:3000",
		Origins:        []string{"http://localhost:3000"},
		LogLevel:       "error",
	}
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// NewTable creates an empty table from the shared definition, named after the test, and returns its name.
func (e *Env) NewTable(t testing.TB) string {
	t.Helper()
	name := unsafe.ReplaceAllString(t.Name(), "_")
	if len(name) > 180 {
		name = name[:180]
	}
	name = fmt.Sprintf("t%d_%s", tables.Add(1), strings.Trim(name, "_"))
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := table.Main.Ensure(ctx, e.Dynamo, name); err != nil {
		t.Fatalf("create table: %v", err)
	}
	return name
}

// Emails lists the emails the SES emulator holds for one recipient.
func (e *Env) Emails(t testing.TB, to string) []emulator.Email {
	t.Helper()
	mails, err := emulator.Mailbox(t.Context(), e.SESURL, to)
	if err != nil {
		t.Fatalf("mailbox: %v", err)
	}
	return mails
}

// UniqueEmail returns an address no other test uses, so tests can share the SES emulator.
func UniqueEmail(t testing.TB, local string) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s+%x@example.com", local, b)
}

// Command dev runs the whole of PartnerHub on this machine (`make dev`): the DynamoDB and SES emulators, the
// table, and the local gateway that serves the portal and the API on http://localhost:3000, drives the mailer
// and the search indexer from the table's stream and runs the expiry sweep on a timer. Data survives restarts in
// .local/; Ctrl-C stops everything it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/app/searchindex"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dev:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopWithParent()

	flags := flag.NewFlagSet("dev", flag.ExitOnError)
	s, err := local.FlagSettings(flags, os.Getenv)
	if err != nil {
		return err
	}
	sweepEvery := flags.Duration("sweep-every", time.Minute, "how often the expiry sweep runs")
	pollEvery := flags.Duration("poll-every", 250*time.Millisecond, "how often the table's stream is polled")
	_ = flags.Parse(os.Args[1:]) // ExitOnError: Parse exits on a bad flag
	root, err := emulator.Root()
	if err != nil {
		return err
	}
	s.Resolve(root)
	log := newLogger(os.Getenv("LOG_LEVEL"))

	if err := local.CheckPorts(map[string]int{"portal and API": s.APIPort, "SES emulator": s.SESPort, "DynamoDB emulator": s.DynamoPort}); err != nil {
		return err
	}
	// Hold the API port from here on, so nothing takes it while the emulators start.
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", s.APIPort))
	if err != nil {
		return fmt.Errorf("listen on port %d: %w", s.APIPort, err)
	}
	defer ln.Close()
	key, created, err := s.EnsureKey()
	if err != nil {
		return err
	}
	if created {
		log.Info("created a new HMAC key", "file", s.KeyPath())
	}

	dynLog, err := logFile(s.DataDir, "dynamodb.log")
	if err != nil {
		return err
	}
	defer dynLog.Close()
	dyn, err := emulator.StartDynamo(ctx, root, s.DynamoPort, s.DatabasePath(), dynLog)
	if err != nil {
		return err
	}
	defer dyn.Stop()
	sesLog, err := logFile(s.DataDir, "ses.log")
	if err != nil {
		return err
	}
	defer sesLog.Close()
	ses, err := emulator.StartSES(ctx, root, s.SESPort, sesLog)
	if err != nil {
		return err
	}
	defer ses.Stop()

	// Texts go to an in-process sink that the gateway shows on local.SMSPath, as the SES emulator shows emails.
	sms := local.NewSMSSink(log.With("function", route.Mailer))
	// Lifecycle events go to an in-process log that the gateway lists on local.EventsPath, as EventBridge would
	// deliver them.
	evlog := local.NewEventLog(s.AppConfig(key).Region, log.With("function", route.Events))
	a, err := all.New(ctx, s.AppConfig(key), app.WithLogger(log), app.WithSMS(sms), app.WithEvents(evlog))
	if err != nil {
		return err
	}
	if err := table.Main.Ensure(ctx, a.Dynamo(), s.Table); err != nil {
		return err
	}

	var (
		wg      sync.WaitGroup
		missing []string
	)
	// Each stream function (the mailer, the search indexer) gets a poller with its own filter, positioned before
	// seeding, so the emails that seeding queues are sent and the accounts and users it creates are searchable.
	for _, f := range route.Functions {
		if f.Trigger != route.Stream {
			continue
		}
		h, err := a.Handler(f.Name)
		handler, ok := h.(app.StreamHandler)
		if err != nil || !ok {
			log.Warn("a stream function is not running: the changes it follows stay unhandled", "function", f.Name, "error", fmt.Sprint(err))
			missing = append(missing, f.Name)
			continue
		}
		p := local.NewPoller(local.PollerConfig{
			Streams: a.Streams(), Table: s.Table, Region: a.Config.Region,
			Filter: table.StreamFilters[f.Name], Handler: handler, Interval: *pollEvery, Log: log.With("function", f.Name),
		})
		if err := p.Open(ctx); err != nil {
			return fmt.Errorf("open the table's stream: %w", err)
		}
		wg.Go(func() { _ = p.Run(ctx) })
	}
	if err := seed(ctx, a, s.AdminEmail, os.Stdout); err != nil {
		return fmt.Errorf("seed the local stack: %w", err)
	}
	if err := relist(ctx, a, log); err != nil {
		log.Warn("memberships from before the user list's indexes could not be listed: the users page misses them until they change", "error", err.Error())
	}
	if err := backfill(ctx, a, log); err != nil {
		log.Warn("the search index could not be filled: searches miss what predates it", "function", route.SearchIndex, "error", err.Error())
	}
	if sweep, err := a.Sweep(); err != nil {
		log.Warn("the expiry sweep is not running", "function", route.Sweep, "error", err.Error())
		missing = append(missing, route.Sweep)
	} else {
		sc := local.Schedule{Handler: sweep, Every: *sweepEvery, Rule: route.Sweep, Region: a.Config.Region, Log: log.With("function", route.Sweep)}
		wg.Go(func() { sc.Run(ctx) })
	}

	gw := local.NewGateway(local.GatewayConfig{Build: a.HTTP, Web: os.DirFS(filepath.Join(root, "web")), Log: log})
	srv := &http.Server{Handler: evlog.Mount(sms.Mount(gw)), ReadHeaderTimeout: 10 * time.Second}
	listeners := []net.Listener{ln}
	// Browsers may resolve localhost to ::1 first; answer there too when the machine has IPv6.
	if ln6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", s.APIPort)); err == nil {
		listeners = append(listeners, ln6)
	} else if errors.Is(err, syscall.EADDRINUSE) {
		log.Warn("something else holds [::1]:"+fmt.Sprint(s.APIPort)+"; if localhost does not answer, use 127.0.0.1", "error", err.Error())
	}
	for _, l := range listeners {
		wg.Go(func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("gateway stopped", "error", err.Error())
				stop()
			}
		})
	}

	banner(os.Stdout, s, append(gw.Missing(), missing...))
	<-ctx.Done()
	stop() // from here a second Ctrl-C ends the process at once; the emulators die with it (Pdeathsig)
	fmt.Fprintln(os.Stderr, "\nstopping…")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	wg.Wait()
	return nil // the deferred Stops end the emulators
}

// relist puts the memberships of a database from before the user list's indexes in them (dynamo.Store.Relist;
// table.Main.Ensure has added the indexes). On a database that has them it reads the memberships and writes
// nothing.
func relist(ctx context.Context, a *all.App, log *slog.Logger) error {
	root, err := a.Store().ProviderID(ctx)
	if err != nil {
		return err
	}
	done, err := a.Store().Relist(ctx, root)
	if err != nil {
		return err
	}
	if done.Rewritten > 0 {
		log.Info("listed memberships from before the user list's indexes", "accounts", done.Accounts, "memberships", done.Rewritten)
	}
	return nil
}

// backfill fills the search index from the tree once, when the provider has no entry: a database from before
// the index holds accounts and users whose creation the indexer never saw.
func backfill(ctx context.Context, a *all.App, log *slog.Logger) error {
	x, err := searchindex.New(a.App)
	if err != nil {
		return err
	}
	root, err := a.Store().ProviderID(ctx)
	if err != nil {
		return err
	}
	if indexed, err := x.Indexed(ctx, a.Dynamo(), root); err != nil || indexed {
		return err
	}
	filled, err := x.Backfill(ctx, a.Dynamo(), root)
	if err != nil {
		return err
	}
	log.Info("filled the search index", "function", route.SearchIndex, "accounts", filled.Accounts, "memberships", filled.Members, "entries", filled.Entries)
	return nil
}

func banner(w io.Writer, s *local.Settings, missing []string) {
	fmt.Fprintf(w, "\nPartnerHub is running locally\n")
	fmt.Fprintf(w, "  portal and API  %s\n", s.PortalURL())
	fmt.Fprintf(w, "  mailbox         %s\n", s.MailboxURL())
	fmt.Fprintf(w, "  texts (SMS)     %s%s\n", s.PortalURL(), local.SMSPath)
	fmt.Fprintf(w, "  events          %s%s\n", s.PortalURL(), local.EventsPath)
	fmt.Fprintf(w, "  email feedback  any address @%s bounces, @%s complains\n", local.BounceDomain, local.ComplaintDomain)
	fmt.Fprintf(w, "  table           %s on %s\n", s.Table, s.DynamoURL())
	fmt.Fprintf(w, "  data            %s (delete it, or run `make clean`, to start afresh)\n", s.DataDir)
	if len(missing) > 0 {
		fmt.Fprintf(w, "  not built yet   %s\n", strings.Join(missing, ", "))
	}
	fmt.Fprintf(w, "Ctrl-C stops everything.\n\n")
}

// newLogger is a text logger: this output is read by people at a terminal, not by CloudWatch.
func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(logctx.Handler{Handler: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})})
}

// logFile opens an emulator's log in the data dir, emptied on each start.
func logFile(dir, name string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
}

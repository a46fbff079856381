// Package runtimeapi is a stand-in for the AWS Lambda Runtime API (version 2018-06-01), the HTTP interface a
// function's bootstrap polls for events and answers on. A test starts a real bootstrap with
// AWS_LAMBDA_RUNTIME_API pointing at a Server and drives it as Lambda would: it sees when the process finished
// its init and asked for its first event, hands it events one at a time, and reads what it answered.
//
//	srv, _ := runtimeapi.Start()
//	defer srv.Close()
//	cmd.Env = append(srv.ServiceEnv("health", "us-east-1"), functionEnv...)
//	cmd.Start()
//	<-srv.Polled()                      // init done: srv.FirstPoll() is when
//	out, err := srv.Invoke(ctx, event)  // err is a *FunctionError if the function reported one
//
// It serves one function process, like one Lambda execution environment; the extensions and telemetry APIs are
// not there.
package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Paths of the Runtime API.
const (
	version   = "/2018-06-01"
	nextPath  = version + "/runtime/invocation/next"
	initError = version + "/runtime/init/error"
)

// defaultBudget is the deadline an invocation gets when Invoke's context has none: Lambda's longest timeout.
const defaultBudget = 15 * time.Minute

// Server is one function's Runtime API.
type Server struct {
	http      *http.Server
	addr      string
	events    chan *invocation
	closed    chan struct{}
	closeOnce sync.Once
	polled    chan struct{}
	pollOnce  sync.Once

	mu        sync.Mutex
	firstPoll time.Time
	initErr   *FunctionError
	pending   map[string]*invocation
	seq       int
}

// invocation is one event in flight: handed out by /next, settled by /response or /error.
type invocation struct {
	id       string
	event    []byte
	deadline time.Time
	done     chan struct{}
	payload  []byte
	err      *FunctionError
}

// FunctionError is what the function reported on /error (its handler failed or panicked) or on /runtime/init/error,
// in the shape the Lambda runtimes post.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

// Error implements error.
func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Start listens on a free port of 127.0.0.1 and serves the Runtime API until Close.
func Start() (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime api: %w", err)
	}
	s := &Server{
		addr:    l.Addr().String(),
		events:  make(chan *invocation),
		closed:  make(chan struct{}),
		polled:  make(chan struct{}),
		pending: map[string]*invocation{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+nextPath, s.next)
	mux.HandleFunc("POST "+version+"/runtime/invocation/{id}/response", s.settle(false))
	mux.HandleFunc("POST "+version+"/runtime/invocation/{id}/error", s.settle(true))
	mux.HandleFunc("POST "+initError, s.initFailed)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// Addr is the host:port to give the function as AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.addr }

// ServiceEnv is the environment the Lambda service itself gives a function's process, for a function of that
// name in that region: the Runtime API address, the function's identity (256 MB, the stack's size), the reserved
// paths and locale, and stand-in credentials where Lambda puts the role's. The function's own variables (its CloudFormation
// Environment) and any endpoint overrides go after it.
func (s *Server) ServiceEnv(function, region string) []string {
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + s.addr,
		"AWS_LAMBDA_FUNCTION_NAME=" + function,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + function,
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
		"AWS_REGION=" + region,
		"AWS_DEFAULT_REGION=" + region,
		"AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE00",
		"AWS_SECRET_ACCESS_KEY=stand-in-secret-access-key",
		"AWS_SESSION_TOKEN=stand-in-session-token",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=/var/task",
		"LAMBDA_RUNTIME_DIR=/var/runtime",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
	}
}

// Polled is closed when the function first asks for an event: its init is over.
func (s *Server) Polled() <-chan struct{} { return s.polled }

// FirstPoll is when the function first asked for an event, the end of its cold init; zero before.
func (s *Server) FirstPoll() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstPoll
}

// InitError is what the function posted to /runtime/init/error, or nil. A Go function built on aws-lambda-go
// does not post there: a failed init exits the process.
func (s *Server) InitError() *FunctionError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// Invoke hands the function one event, once it asks for one, and returns the payload it posted to /response.
// If the function posted to /error instead, the error is a *FunctionError. The invocation's deadline is ctx's
// (or 15 minutes); if ctx ends first, Invoke returns ctx's error, so a test bounds the wait with it and stops
// waiting on a process that died.
func (s *Server) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(defaultBudget)
	}
	s.mu.Lock()
	s.seq++
	inv := &invocation{
		id:       fmt.Sprintf("00000000-0000-4000-8000-%012d", s.seq),
		event:    event,
		deadline: deadline,
		done:     make(chan struct{}),
	}
	s.pending[inv.id] = inv
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, inv.id)
		s.mu.Unlock()
	}()
	select {
	case s.events <- inv:
	case <-ctx.Done():
		return nil, fmt.Errorf("the function did not ask for the event: %w", ctx.Err())
	case <-s.closed:
		return nil, errors.New("runtime api closed")
	}
	select {
	case <-inv.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("the function did not answer: %w", ctx.Err())
	case <-s.closed:
		return nil, errors.New("runtime api closed")
	}
	if inv.err != nil {
		return nil, inv.err
	}
	return inv.payload, nil
}

// Close stops serving; a pending Invoke returns. Closing twice is harmless.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return s.http.Close()
}

// next is GET /runtime/invocation/next: it waits for Invoke and answers with the event and its headers.
func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.pollOnce.Do(func() {
		s.mu.Lock()
		s.firstPoll = time.Now()
		s.mu.Unlock()
		close(s.polled)
	})
	select {
	case inv := <-s.events:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:stand-in")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.event)
	case <-r.Context().Done():
	case <-s.closed:
		http.Error(w, "closed", http.StatusGone)
	}
}

// settle is POST /runtime/invocation/{id}/response, or /error when failed.
func (s *Server) settle(failed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		inv, ok := s.pending[r.PathValue("id")]
		if ok {
			delete(s.pending, inv.id) // a second answer to one event is a runtime bug: it gets 400
		}
		s.mu.Unlock()
		if !ok {
			http.Error(w, "no such invocation in flight", http.StatusBadRequest)
			return
		}
		if failed {
			inv.err = decodeError(body)
		} else {
			inv.payload = body
		}
		close(inv.done)
		w.WriteHeader(http.StatusAccepted)
	}
}

// initFailed is POST /runtime/init/error.
func (s *Server) initFailed(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.initErr = decodeError(body)
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// decodeError reads an error body; one that is not the runtimes' JSON is kept whole as the message.
func decodeError(body []byte) *FunctionError {
	var e FunctionError
	if json.Unmarshal(body, &e) != nil || e.Type == "" && e.Message == "" {
		return &FunctionError{Type: "Unknown", Message: string(body)}
	}
	return &e
}

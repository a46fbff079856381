package runtimeapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/runtimeapi"
)

// runtime plays a function's runtime loop over plain HTTP: it asks for events and answers each with answer.
func runtime(t *testing.T, addr string, answer func(id string, event []byte) (path, body string)) {
	t.Helper()
	base := "http://" + addr + "/2018-06-01/runtime/invocation/"
	go func() {
		for {
			resp, err := http.Get(base + "next")
			if err != nil {
				return
			}
			event, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return
			}
			id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
			if ms, err := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64); err != nil || ms < time.Now().UnixMilli() {
				t.Errorf("deadline header %q", resp.Header.Get("Lambda-Runtime-Deadline-Ms"))
			}
			path, body := answer(id, event)
			post, err := http.Post(base+id+"/"+path, "application/json", strings.NewReader(body))
			if err != nil {
				return
			}
			post.Body.Close()
			if post.StatusCode != http.StatusAccepted {
				t.Errorf("POST %s: %d", path, post.StatusCode)
			}
		}
	}()
}

func TestInvoke(t *testing.T) {
	t.Parallel()
	srv, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !srv.FirstPoll().IsZero() {
		t.Fatal("a first poll before any runtime asked")
	}
	started := time.Now()
	runtime(t, srv.Addr(), func(_ string, event []byte) (string, string) {
		if bytes.Equal(event, []byte(`"fail"`)) {
			return "error", `{"errorMessage":"it failed","errorType":"errorString"}`
		}
		return "response", `{"echo":` + string(event) + `}`
	})
	select {
	case <-srv.Polled():
	case <-time.After(5 * time.Second):
		t.Fatal("no first poll")
	}
	if first := srv.FirstPoll(); first.Before(started) || first.After(time.Now()) {
		t.Errorf("first poll at %v, started at %v", first, started)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := srv.Invoke(ctx, []byte(`1`))
	if err != nil || string(out) != `{"echo":1}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	_, err = srv.Invoke(ctx, []byte(`"fail"`))
	var fe *runtimeapi.FunctionError
	if !errors.As(err, &fe) || fe.Type != "errorString" || fe.Message != "it failed" {
		t.Fatalf("Invoke of a failing event = %v, want its FunctionError", err)
	}
	if out, err := srv.Invoke(ctx, []byte(`2`)); err != nil || string(out) != `{"echo":2}` {
		t.Fatalf("Invoke after a failure = %s, %v", out, err)
	}
}

func TestInvokeWithoutARuntime(t *testing.T) {
	t.Parallel()
	srv, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := srv.Invoke(ctx, []byte(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Invoke with nobody polling = %v, want the context's deadline", err)
	}
}

func TestServiceEnv(t *testing.T) {
	t.Parallel()
	srv, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := strings.Join(srv.ServiceEnv("health", "eu-west-1"), "\n") + "\n"
	for _, want := range []string{"AWS_LAMBDA_RUNTIME_API=" + srv.Addr() + "\n", "AWS_LAMBDA_FUNCTION_NAME=health\n", "AWS_REGION=eu-west-1\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("ServiceEnv lacks %q", want)
		}
	}
}

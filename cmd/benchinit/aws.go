package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// standIn answers the AWS calls a function may make before its first poll: Secrets Manager's GetSecretValue
// (JSON 1.1 protocol) from secrets. Any other call is counted and refused.
type standIn struct {
	url        string
	srv        *http.Server
	unexpected atomic.Int64
}

func startAWS() (*standIn, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &standIn{url: "http://" + l.Addr().String()}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// endpoints point every client a function may build at the stand-in, through the SDK's endpoint settings.
func (s *standIn) endpoints() []string {
	var env []string
	for _, service := range []string{"DYNAMODB", "SESV2", "SNS", "SECRETS_MANAGER"} {
		env = append(env, "AWS_ENDPOINT_URL_"+service+"="+s.url)
	}
	return env
}

// Unexpected is the number of calls other than GetSecretValue.
func (s *standIn) Unexpected() int64 { return s.unexpected.Load() }

// Close stops the stand-in.
func (s *standIn) Close() error { return s.srv.Close() }

func (s *standIn) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" {
		s.unexpected.Add(1)
		http.Error(w, "not stood in for", http.StatusNotImplemented)
		return
	}
	var in struct{ SecretId string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	value, ok := secrets[in.SecretId]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "ResourceNotFoundException", "Message": "no such secret"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ARN": in.SecretId, "Name": in.SecretId[strings.LastIndex(in.SecretId, ":")+1:], "SecretString": value,
		"VersionId": "00000000-0000-4000-8000-000000000001", "VersionStages": []string{"AWSCURRENT"},
	})
}

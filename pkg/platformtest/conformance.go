package platformtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/partnerhub/partnerhub/pkg/apispec"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// contract is the API description (pkg/apispec, as the code builds it now) ready to validate answers. It is built
// once per test binary, on the first answer.
var contract = sync.OnceValues(func() (*conformance, error) {
	raw, err := apispec.JSON()
	if err != nil {
		return nil, fmt.Errorf("the API description does not build: %w", err)
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("the API description does not parse: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("the API description has no OpenAPI 3 model: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("no validator for the API description: %v", errs)
	}
	return &conformance{validator: v, model: &model.Model}, nil
})

// conformance validates answers against the description.
type conformance struct {
	// mu serialises validations: the validator's caches are not documented as safe for concurrent use, and the
	// race tests call handlers from many goroutines.
	mu        sync.Mutex
	validator validator.Validator
	model     *v3.Document
}

// Conforms checks a handler's answer to ev against the API description: its status must be one the route
// declares, and its body must match that status's schema — for a problem, a type slug the route declares for the
// status. An event on a route that is not in route.Routes (a test of what the router does with one) has no
// contract to hold it to.
func Conforms(ev events.APIGatewayV2HTTPRequest, out events.APIGatewayV2HTTPResponse) error {
	rt, ok := route.ByKey(ev.RouteKey)
	if !ok {
		return nil
	}
	c, err := contract()
	if err != nil {
		return err
	}
	item := c.model.Paths.PathItems.GetOrZero(rt.Path)
	if item == nil {
		return fmt.Errorf("%s is not in the API description", rt.Key())
	}
	req, resp, err := exchange(rt, ev, out)
	if err != nil {
		return err
	}
	c.mu.Lock()
	ok, errs := c.validator.GetResponseBodyValidator().ValidateResponseBodyWithPathItem(req, resp, item, rt.Path)
	c.mu.Unlock()
	if ok {
		return nil
	}
	var why []string
	for _, e := range errs {
		line := e.Message
		if e.Reason != "" {
			line += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			line += fmt.Sprintf("\n      at %s: %s", se.FieldPath, se.Reason)
		}
		why = append(why, line)
	}
	return fmt.Errorf("%s answered %d, which does not match the API description (pkg/apispec, the route's Contract):\n  %s\n  body: %.2000s",
		rt.Key(), out.StatusCode, strings.Join(why, "\n  "), out.Body)
}

// exchange rebuilds the HTTP request and answer that an API Gateway event and its answer stand for.
func exchange(rt route.Route, ev events.APIGatewayV2HTTPRequest, out events.APIGatewayV2HTTPResponse) (*http.Request, *http.Response, error) {
	u := &url.URL{Path: ev.RawPath}
	if u.Path == "" {
		u.Path = rt.Path
	}
	q := url.Values{}
	for k, v := range ev.QueryStringParameters {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	req := &http.Request{Method: rt.Method, URL: u, Header: http.Header{}}
	for k, v := range ev.Headers {
		req.Header.Set(k, v)
	}
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(out.Body); err != nil {
			return nil, nil, fmt.Errorf("%s: the answer's base64 body: %w", rt.Key(), err)
		}
	}
	resp := &http.Response{StatusCode: out.StatusCode, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
	for k, v := range out.Headers {
		resp.Header.Set(k, v)
	}
	return req, resp, nil
}

// ConformsHTTP is Conforms for an answer that came over HTTP (the local gateway's test client): the route is the
// one of route.Routes that the request's method and path match, and a path that none matches (the web client's
// files, a route the gateway answers itself) has no contract.
func ConformsHTTP(res *http.Response, body []byte) error {
	for _, rt := range route.Routes {
		params, ok := rt.Match(res.Request.Method, res.Request.URL.Path)
		if !ok {
			continue
		}
		ev := events.APIGatewayV2HTTPRequest{RouteKey: rt.Key(), RawPath: res.Request.URL.Path, PathParameters: params}
		out := events.APIGatewayV2HTTPResponse{StatusCode: res.StatusCode, Headers: map[string]string{}, Body: string(body)}
		for k := range res.Header {
			out.Headers[k] = res.Header.Get(k)
		}
		return Conforms(ev, out)
	}
	return nil
}

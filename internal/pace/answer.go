package pace

import (
	"context"
	"net/http"
)

// answerKey is the context key of the func OnAnswer puts in a context.
type answerKey struct{}

// OnAnswer returns a copy of ctx that carries done for the HTTP request
// made with it. Sent through a transport wrapped by Answers, the request
// calls done as soon as the head of its answer arrives, or as soon as it
// fails, rather than once the caller has read and decoded the body: a
// Window then counts the request as answered when it was. The done of
// Window.Wait may be called again afterwards, and nothing changes.
func OnAnswer(ctx context.Context, done func()) context.Context {
	return context.WithValue(ctx, answerKey{}, done)
}

// Answers wraps next so that a request whose context carries a done
// (see OnAnswer) calls it once next has its answer's head or its error.
func Answers(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if done, ok := req.Context().Value(answerKey{}).(func()); ok {
			done()
		}
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

package worker

import (
	"errors"
	"testing"
)

// An exit report becomes one line for the page and the full text beside it.
func TestCrashed(t *testing.T) {
	for _, tc := range []struct {
		code         int
		reason       string
		what, detail string
	}{
		{2, "panic: boom\n\ngoroutine 1 [running]:\nmain.main()", "panic: boom (exit code 2)", "panic: boom\n\ngoroutine 1 [running]:\nmain.main()"},
		{2, "fatal error: out of memory\n", "fatal error: out of memory (exit code 2)", ""},
		{3, "", "the worker's program exited with code 3", ""},
		{0, "  ", "the worker's program exited with code 0", ""},
		{-1, "loading /web/app.wasm: HTTP 404 Not Found", "loading /web/app.wasm: HTTP 404 Not Found", ""},
		{-1, "", "the worker stopped", ""},
	} {
		e := crashed(tc.code, tc.reason)
		if e.What != tc.what || e.Detail != tc.detail {
			t.Errorf("crashed(%d, %q) = %+v, want What %q, Detail %q", tc.code, tc.reason, *e, tc.what, tc.detail)
		}
		if !errors.Is(e, ErrWorkerCrashed) || e.Error() != "the engine crashed: "+tc.what {
			t.Errorf("crashed(%d, %q): error %q, Is ErrWorkerCrashed %v", tc.code, tc.reason, e, errors.Is(e, ErrWorkerCrashed))
		}
	}
}

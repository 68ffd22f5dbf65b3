package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs one command line in process and returns its exit code and
// output.
func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, streams{in: strings.NewReader(stdin), out: &out, err: &errb}, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}
